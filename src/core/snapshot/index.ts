/**
 * Access snapshots: the documented directory layout, reading it (pure, from file texts)
 * and producing it from live collection.
 */
export * from "./layout.js";
export * from "./model.js";
export { parseSnapshot, snapshotClusterNames, SNAPSHOT_CODES, type ParsedSnapshot } from "./parse.js";
export { snapshotFiles, type CollectedCluster, type CollectedSnapshot } from "./write.js";
