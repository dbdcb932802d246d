/**
 * The RBAC evaluator: load a cluster's RBAC objects, compute aggregation, decide
 * requests with the chain of binding, role and rule that allowed them, list who can do
 * something, and find escalation edges. Pure: no I/O, no clock.
 */
export * from "./model.js";
export * from "./match.js";
export * from "./aggregation.js";
export * from "./objects.js";
export * from "./rbac-snapshot.js";
export * from "./access-policies.js";
export * from "./authorize.js";
export * from "./escalation.js";
export * from "./who-can.js";
