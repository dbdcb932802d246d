/**
 * `eksgate migrate` and `eksgate doctor` in the core: converting aws-auth into access
 * entries, proving that nobody's access changes, and the plan that carries both.
 */
export * from "./codes.js";
export * from "./principals.js";
export * from "./convert.js";
export * from "./proof.js";
export * from "./plan.js";
export * from "./doctor.js";
export * from "./doctor-audit.js";
export * from "./verify.js";
export * from "./apply-steps.js";
export * from "./access-policy-check.js";
