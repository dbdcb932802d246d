/** Time, waiting, and the local copies eksgate keeps: the engine's only other side effects. */
export interface Clock {
  /** ISO 8601 UTC. */
  now(): string;
  sleep(ms: number): Promise<void>;
}

export interface BackupStore {
  /** Saves a copy of a ConfigMap before eksgate changes it; returns where it went. */
  saveConfigMap(cluster: string, name: string, manifest: string): Promise<string>;
}
