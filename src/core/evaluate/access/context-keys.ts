/**
 * Extra request-context keys, as `--context KEY=VALUE` gives them: the form is checked, the
 * value of a typed key (IP address, Bool, number, date, account id) too, and a key AWS does
 * not define for an sts:AssumeRole request is warned about. Sources: "AWS global condition
 * context keys" (IAM User Guide,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
 * and "Actions, resources, and condition keys for AWS Security Token Service" (Service
 * Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html).
 */
import type { Diagnostic } from "../../diagnostics.js";
import { parseIamDate } from "../iam/request-context.js";

/** `--context` is malformed: not KEY=VALUE, a bad value, a repeated single-valued key. */
export const CONTEXT_FLAG_CODE = "AUD010";
/** `--context` names a key AWS does not define, or one eksgate derives from the principal. */
export const CONTEXT_KEY_CODE = "AUD011";

type KeyType = "string" | "ip" | "bool" | "number" | "date" | "account" | "arn";

interface KeyInfo {
  readonly type: KeyType;
  readonly multi?: boolean;
}

const S: KeyInfo = { type: "string" };
const M: KeyInfo = { type: "string", multi: true };

/** Keys with a `/tag-key` suffix. */
const TAG_PREFIXES = ["aws:principaltag/", "aws:resourcetag/", "aws:requesttag/", "iam:resourcetag/"];

const KEYS: Readonly<Record<string, KeyInfo>> = {
  // Properties of the principal.
  "aws:principalarn": { type: "arn" },
  "aws:principalaccount": { type: "account" },
  "aws:principalorgpaths": M,
  "aws:principalorgid": S,
  "aws:principalisawsservice": { type: "bool" },
  "aws:principalservicename": S,
  "aws:principalservicenameslist": M,
  "aws:principaltype": S,
  "aws:userid": S,
  "aws:username": S,
  // Properties of the role session.
  "aws:assumedroot": { type: "bool" },
  "aws:federatedprovider": S,
  "aws:tokenissuetime": { type: "date" },
  "aws:signinsessionarn": { type: "arn" },
  "aws:multifactorauthage": { type: "number" },
  "aws:multifactorauthpresent": { type: "bool" },
  "aws:chatbotsourcearn": { type: "arn" },
  "aws:ec2instancesourcevpc": S,
  "aws:ec2instancesourceprivateipv4": { type: "ip" },
  "aws:sourceidentity": S,
  "ec2:roledelivery": { type: "number" },
  "ec2:sourceinstancearn": { type: "arn" },
  "glue:roleassumedby": S,
  "glue:credentialissuingservice": S,
  "codebuild:buildarn": { type: "arn" },
  "codebuild:projectarn": { type: "arn" },
  "lambda:sourcefunctionarn": { type: "arn" },
  "ssm:sourceinstancearn": { type: "arn" },
  "identitystore:userid": S,
  // Properties of the network.
  "aws:sourceip": { type: "ip" },
  "aws:sourcevpc": S,
  "aws:sourcevpcarn": { type: "arn" },
  "aws:sourcevpce": S,
  "aws:vpceaccount": { type: "account" },
  "aws:vpceorgid": S,
  "aws:vpceorgpaths": M,
  "aws:vpcsourceip": { type: "ip" },
  // Properties of the resource.
  "aws:resourceaccount": { type: "account" },
  "aws:resourceorgid": S,
  "aws:resourceorgpaths": M,
  // Properties of the request.
  "aws:calledvia": M,
  "aws:calledviafirst": S,
  "aws:calledvialast": S,
  "aws:calledviaawsmcp": S,
  "aws:viaawsservice": { type: "bool" },
  "aws:viaawsmcpservice": { type: "bool" },
  "aws:currenttime": { type: "date" },
  "aws:epochtime": { type: "number" },
  "aws:referer": S,
  "aws:requestedregion": S,
  "aws:tagkeys": M,
  "aws:securetransport": { type: "bool" },
  "aws:sourceaccount": { type: "account" },
  "aws:sourcearn": { type: "arn" },
  "aws:sourceorgid": S,
  "aws:sourceorgpaths": M,
  "aws:useragent": S,
  "aws:ismcpserviceaction": { type: "bool" },
  // sts:AssumeRole.
  "sts:externalid": S,
  "sts:rolesessionname": S,
  "sts:sourceidentity": S,
  "sts:transitivetagkeys": M,
  "sts:durationseconds": { type: "number" },
};

/** Keys a flag owns: given as `--context`, they would contradict it. */
const OWNED: Readonly<Record<string, string>> = {
  "aws:multifactorauthpresent": "--mfa or --no-mfa",
  "aws:currenttime": "--at TIME",
  "aws:epochtime": "--at TIME",
  "sts:rolesessionname": "--session-name NAME",
};

/** Keys eksgate sets from the principal: a value given replaces it. */
const DERIVED = new Set([
  "aws:principalarn",
  "aws:principalaccount",
  "aws:principaltype",
  "aws:userid",
  "aws:username",
]);

const KEY_FORM = /^([A-Za-z0-9-]+):([A-Za-z0-9_.-]+)(\/[^=]+)?$/;

function keyInfo(key: string): KeyInfo | undefined {
  const lower = key.toLowerCase();
  if (TAG_PREFIXES.some((p) => lower.startsWith(p) && lower.length > p.length)) return S;
  return KEYS[lower];
}

function ipv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function ipv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string): string[] => (h === "" ? [] : h.split(":"));
  const all = halves.flatMap(groups);
  const last = all[all.length - 1];
  const v4 = last !== undefined && last.includes(".");
  if (v4 && !ipv4(last)) return false;
  const hex = v4 ? all.slice(0, -1) : all;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

function badValue(type: KeyType, value: string): string | undefined {
  switch (type) {
    case "ip":
      return ipv4(value) || ipv6(value) ? undefined : "is not an IPv4 or IPv6 address";
    case "bool":
      return /^(true|false)$/i.test(value) ? undefined : "is not true or false";
    case "number":
      return /^-?\d+(\.\d+)?$/.test(value) ? undefined : "is not a number";
    case "date":
      return parseIamDate(value) === undefined ? "is not a date (ISO 8601 or epoch seconds)" : undefined;
    case "account":
      return /^\d{12}$/.test(value) ? undefined : "is not a 12-digit account id";
    case "arn":
      return value.startsWith("arn:") ? undefined : "is not an ARN";
    case "string":
      return undefined;
  }
}

export interface ParsedContextPairs {
  /** Key (as written the first time) to its values, in order. */
  readonly extra: Readonly<Record<string, readonly string[]>>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads `KEY=VALUE` pairs (the value may contain `=`). A key given twice is a multivalued
 * key's set of values; a single-valued key may appear once. `path(i)` names the i-th pair
 * in diagnostics (e.g. `--context[2]`).
 */
export function parseContextPairs(
  pairs: readonly string[],
  path: (i: number) => string = (i) => `--context[${i}]`,
): ParsedContextPairs {
  const diagnostics: Diagnostic[] = [];
  const extra = new Map<string, { key: string; values: string[] }>();
  const error = (i: number, summary: string, detail: string): void => {
    diagnostics.push({ code: CONTEXT_FLAG_CODE, severity: "error", summary, detail, path: path(i) });
  };
  pairs.forEach((pair, i) => {
    const eq = pair.indexOf("=");
    if (eq < 0) {
      error(
        i,
        `--context ${JSON.stringify(pair)} is not KEY=VALUE`,
        "Write a condition key and its value, e.g. --context aws:SourceIp=10.0.0.1. The kubeconfig context is --kube-context NAME.",
      );
      return;
    }
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1);
    if (!KEY_FORM.test(key)) {
      error(
        i,
        `--context key ${JSON.stringify(key)} is not a condition key`,
        "A condition key is SERVICE:Name or SERVICE:Name/tag-key, e.g. aws:SourceIp or aws:PrincipalTag/team.",
      );
      return;
    }
    if (value === "") {
      error(
        i,
        `--context ${key}= has no value`,
        `Give one (--context ${key}=VALUE); to leave the key out of the request, do not pass it.`,
      );
      return;
    }
    const lower = key.toLowerCase();
    const owner = OWNED[lower];
    if (owner !== undefined) {
      error(i, `--context ${key} is set with ${owner}`, `Use ${owner} instead of --context ${key}=....`);
      return;
    }
    const info = keyInfo(key);
    if (info === undefined) {
      diagnostics.push({
        code: CONTEXT_KEY_CODE,
        severity: "warning",
        summary: `--context ${key}: AWS defines no such key for an sts:AssumeRole request; it is used as given`,
        detail:
          'Check the spelling against "AWS global condition context keys" (IAM User Guide) and the sts: keys of AssumeRole; policies that test another key never see this one.',
        path: path(i),
      });
    } else {
      const bad = badValue(info.type, value);
      if (bad !== undefined) {
        error(
          i,
          `--context ${key}=${value}: ${JSON.stringify(value)} ${bad}`,
          `Give ${key} a value of its type.`,
        );
        return;
      }
      if (DERIVED.has(lower)) {
        diagnostics.push({
          code: CONTEXT_KEY_CODE,
          severity: "warning",
          summary: `--context ${key} replaces the value eksgate derives from the principal asked about`,
          detail: "Leave it out to use the principal's own value.",
          path: path(i),
        });
      }
    }
    const known = extra.get(lower);
    if (known !== undefined) {
      if (info?.multi !== true) {
        error(
          i,
          `--context ${key} is given twice, and it holds one value`,
          "Keep one; only multivalued keys (aws:TagKeys, aws:PrincipalOrgPaths, ...) take several.",
        );
        return;
      }
      known.values.push(value);
      return;
    }
    extra.set(lower, { key, values: [value] });
  });
  return {
    extra: Object.fromEntries([...extra.values()].map((e) => [e.key, e.values])),
    diagnostics,
  };
}
