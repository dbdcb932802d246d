/** What the engine reports while it works. The CLI renders these; the engine never prints. */
import type { Diagnostic } from "../core/diagnostics.js";
import type { PlanStep } from "../core/plan/plan.js";

export type EngineEvent =
  | { readonly type: "observe"; readonly what: string }
  | { readonly type: "step-start"; readonly step: PlanStep }
  | { readonly type: "step-done"; readonly step: PlanStep; readonly note?: string }
  | { readonly type: "step-failed"; readonly step: PlanStep; readonly diagnostic: Diagnostic }
  | { readonly type: "retry"; readonly step: PlanStep; readonly attempt: number; readonly why: string }
  /** A read of live state the server throttled, about to be made again. */
  | { readonly type: "read-retry"; readonly attempt: number; readonly why: string }
  | { readonly type: "backup"; readonly cluster: string; readonly path: string }
  /** A warning found while working, e.g. of a connection apply opened (KUBE004, KUBE005). */
  | { readonly type: "warning"; readonly diagnostic: Diagnostic };

export type EventSink = (event: EngineEvent) => void;
