/** Every input surface the fuzzer covers. */
import type { Surface } from "../surface.js";
import { awsAuthSurface } from "./aws-auth.js";
import { configSurface } from "./config.js";
import { flagsSurface } from "./flags.js";
import { kubeconfigSurface } from "./kubeconfig.js";
import { snapshotSurface } from "./snapshot.js";
import { tokenSurface } from "./token.js";

export const SURFACES: readonly Surface[] = [
  configSurface,
  awsAuthSurface,
  snapshotSurface,
  kubeconfigSurface,
  tokenSurface,
  flagsSurface,
];
