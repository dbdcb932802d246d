// What the integration global setup hands to test files through vitest's
// provide/inject. Only plain data crosses that boundary.
import type { KubeEnv } from "./kube.js";

export type ProvidedKube = Omit<KubeEnv, "stop">;

export interface ProvidedMoto {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
}

export interface ProvidedTokenWebhook {
  /**
   * The shared kube-apiserver sends TokenReviews for tokens it does not know to
   * this URL. Nothing listens there until a test starts its webhook on `port`
   * (loopback); until then such tokens are simply rejected with 401.
   */
  readonly url: string;
  readonly port: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    kube: ProvidedKube;
    moto: ProvidedMoto;
    tokenWebhook: ProvidedTokenWebhook;
  }
}
