/**
 * Matching one PolicyRule against one request, with the API server's semantics
 * (k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go, rbac.go RuleAllows).
 */
import type {
  LabelSelector,
  NonResourceAttributes,
  PolicyRule,
  RequestAttributes,
  ResourceAttributes,
} from "./model.js";
import { isNonResource } from "./model.js";

const ALL = "*";

/** R1: `*` or the exact, case-sensitive verb. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs) if (v === ALL || v === verb) return true;
  return false;
}

/** R2: `*` or the exact group; the core group is `""`. */
export function apiGroupMatches(rule: PolicyRule, apiGroup: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === ALL || g === apiGroup) return true;
  return false;
}

// R3: the request is `resource` or `resource/subresource`. A rule entry matches if it
// is `*`, the exact combined string, or `*/<subresource>` when the request has that
// subresource. `pods` never matches `pods/log`, and `pods/*` is not a wildcard.
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === "" ? resource : `${resource}/${subresource}`;
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource !== "" && r === `*/${subresource}`) return true;
  }
  return false;
}

/** R4: an empty list allows any name (and no name); otherwise the exact name is needed. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  for (const n of names) if (n === name) return true;
  return false;
}

/**
 * R5: `*`, the exact path, or a prefix when the rule entry ends in `*` (all trailing
 * stars are dropped before comparing, as the API server does).
 */
export function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith(ALL) && path.startsWith(trimTrailingStars(u))) return true;
  }
  return false;
}

function trimTrailingStars(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 42) end--;
  return s.slice(0, end);
}

export function resourceRuleAllows(rule: PolicyRule, request: ResourceAttributes): boolean {
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, request.resource, request.subresource ?? "") &&
    resourceNameMatches(rule, request.name ?? "")
  );
}

export function nonResourceRuleAllows(rule: PolicyRule, request: NonResourceAttributes): boolean {
  return verbMatches(rule, request.verb) && nonResourceUrlMatches(rule, request.path);
}

/** Whether `rule` allows `request` (resource or non-resource form). */
export function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  return isNonResource(request) ? nonResourceRuleAllows(rule, request) : resourceRuleAllows(rule, request);
}

/** Index of the first rule allowing the request, or -1. */
export function firstAllowingRule(rules: readonly PolicyRule[], request: RequestAttributes): number {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule !== undefined && ruleAllows(rule, request)) return i;
  }
  return -1;
}

/** Why a label selector cannot be used; undefined when it is valid. */
export function labelSelectorProblem(selector: LabelSelector): string | undefined {
  for (const [i, req] of (selector.matchExpressions ?? []).entries()) {
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) return `matchExpressions[${i}]: operator ${req.operator} needs values`;
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) return `matchExpressions[${i}]: operator ${req.operator} takes no values`;
        break;
      default:
        return `matchExpressions[${i}]: unknown operator ${JSON.stringify(req.operator)}`;
    }
  }
  return undefined;
}

/**
 * metav1.LabelSelector semantics: every matchLabels pair and every expression must hold;
 * `NotIn` also holds when the label is absent; an empty selector matches everything.
 * Call `labelSelectorProblem` first: an invalid selector is reported there.
 */
export function labelSelectorMatches(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const has = (k: string): boolean => labels !== undefined && Object.prototype.hasOwnProperty.call(labels, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(k) || labels?.[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = has(req.key);
    const value = present ? labels?.[req.key] : undefined;
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!present || value === undefined || !values.includes(value)) return false;
        break;
      case "NotIn":
        if (present && value !== undefined && values.includes(value)) return false;
        break;
      case "Exists":
        if (!present) return false;
        break;
      case "DoesNotExist":
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const ruleKeys = new WeakMap<PolicyRule, string>();

/** A stable identity for a rule, equal for rules the API server considers equal. */
export function ruleKey(rule: PolicyRule): string {
  const cached = ruleKeys.get(rule);
  if (cached !== undefined) return cached;
  const key = JSON.stringify([
    rule.verbs,
    rule.apiGroups ?? [],
    rule.resources ?? [],
    rule.resourceNames ?? [],
    rule.nonResourceURLs ?? [],
  ]);
  ruleKeys.set(rule, key);
  return key;
}
