/**
 * The request-context flags of explain, who-can, can-i and audit: `--mfa` / `--no-mfa`,
 * `--at TIME`, `--session-name NAME` and `--context KEY=VALUE` (repeatable), read into the
 * access engine's `RequestContextOptions` and a summary the output states. The clock is read
 * here (the default of `--at` is now), never in the core.
 */
import {
  CONTEXT_FLAG_CODE,
  parseContextPairs,
  type RequestContextOptions,
  type RequestContextSummary,
} from "../../core/evaluate/access/index.js";
import { classifyPrincipalArn } from "../../core/model/arn.js";
import type { Diagnostic, DiagnosticCode } from "../../core/diagnostics.js";
import type { Terminal } from "../terminal.js";
import { renderDiagnostics, reportFailure } from "../views/diagnostics.js";

export interface RequestContextCliOptions {
  /** `--mfa`: true; `--no-mfa`: false; neither: undefined. */
  readonly mfa?: boolean;
  /** `--context KEY=VALUE`, in the order given. */
  readonly context?: readonly string[];
  readonly sessionName?: string;
  readonly at?: string;
}

/** `--at` is not an ISO 8601 time with a zone. */
const AT_CODE = "AUD012";
/** `--session-name` is not a valid role session name, or contradicts the ARN's session. */
const SESSION_NAME_CODE = "AUD013";

export interface RequestContextChoice {
  readonly options: RequestContextOptions;
  readonly summary: RequestContextSummary;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** ISO 8601 text as UTC (`2026-12-03T10:00:00Z`), or why it is not one. */
export function parseRequestTime(text: string): { at: string } | { error: string } {
  const m = ISO.exec(text.trim());
  if (m === null) return { error: "is not an ISO 8601 date and time" };
  const [, y, mo, d, hh, mi, ss = "00", frac = "", zone] = m;
  if (hh !== undefined && zone === undefined)
    return { error: "has no time zone (add Z or an offset such as +01:00)" };
  const [year, month, day, hour, minute, second] = [y, mo, d, hh ?? "0", mi ?? "0", ss].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  )
    return { error: "is not a date and time that exists" };
  let offset = 0;
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
    if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2)) > 59)
      return { error: "has an offset that does not exist" };
    offset = (zone.startsWith("-") ? -1 : 1) * minutes * 60_000;
  }
  const millis = frac === "" ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  return { at: isoUtc(ms - offset + millis) };
}

function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/**
 * Reads the flags. `now` is asked only when `--at` is not given. `principalArn`: the
 * principal of explain and can-i, to check `--session-name` against its ARN.
 */
export function readRequestContext(
  cli: RequestContextCliOptions,
  now: () => Date,
  principalArn?: string,
): { readonly choice?: RequestContextChoice; readonly diagnostics: readonly Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const error = (code: DiagnosticCode, summary: string, detail: string, path: string): void => {
    diagnostics.push({ code, severity: "error", summary, detail, path });
  };
  const mfa = cli.mfa === true ? "present" : cli.mfa === false ? "absent" : "unstated";

  let at: string;
  if (cli.at !== undefined) {
    const parsed = parseRequestTime(cli.at);
    if ("error" in parsed) {
      error(
        AT_CODE,
        `--at ${JSON.stringify(cli.at)} ${parsed.error}`,
        "Write an ISO 8601 time with a zone, e.g. --at 2026-12-03T10:00:00Z (a date alone means midnight UTC).",
        "--at",
      );
      at = "";
    } else at = parsed.at;
  } else at = isoUtc(Math.floor(now().getTime() / 1000) * 1000);

  const sessionName = cli.sessionName;
  if (sessionName !== undefined) {
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      error(
        SESSION_NAME_CODE,
        `--session-name ${JSON.stringify(sessionName)} is not a role session name STS accepts`,
        "A session name is 2-64 of letters, digits and + = , . @ _ - (AssumeRole RoleSessionName).",
        "--session-name",
      );
    } else if (principalArn !== undefined && /^idc:/i.test(principalArn)) {
      diagnostics.push({
        code: SESSION_NAME_CODE,
        severity: "warning",
        summary:
          "--session-name does not name an Identity Center sign-in: Identity Center names that session after the user; it names only roles assumed from it",
        detail: "Leave --session-name out unless you ask about roles the permission set's role assumes.",
        path: "--session-name",
      });
    } else if (principalArn !== undefined) {
      const kind = classifyPrincipalArn(principalArn);
      if (kind.kind === "assumed-role" && kind.sessionName !== sessionName) {
        error(
          SESSION_NAME_CODE,
          `--session-name ${sessionName} contradicts the session ${kind.sessionName} the ARN names`,
          `Leave --session-name out, or ask about arn:...:assumed-role/${kind.roleName}/${sessionName}.`,
          "--session-name",
        );
      } else if (kind.kind === "root" || kind.kind === "other") {
        diagnostics.push({
          code: SESSION_NAME_CODE,
          severity: "warning",
          summary: "--session-name has no effect: this principal cannot assume roles",
          detail: "Only IAM users and role sessions call sts:AssumeRole; leave --session-name out.",
          path: "--session-name",
        });
      }
    }
  }

  const pairs = parseContextPairs(cli.context ?? []);
  diagnostics.push(...pairs.diagnostics);
  if (mfa === "absent") {
    const age = Object.keys(pairs.extra).find((k) => k.toLowerCase() === "aws:multifactorauthage");
    if (age !== undefined) {
      error(
        CONTEXT_FLAG_CODE,
        `--context ${age} says the caller used MFA; --no-mfa says it did not`,
        `Keep one: --mfa --context ${age}=SECONDS, or --no-mfa alone.`,
        "--context",
      );
    }
  }
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const options: RequestContextOptions = {
    mfa,
    at,
    ...(sessionName !== undefined ? { sessionName } : {}),
    ...(Object.keys(pairs.extra).length > 0 ? { extra: pairs.extra } : {}),
  };
  return {
    choice: {
      options,
      summary: {
        mfa,
        at,
        atGiven: cli.at !== undefined,
        ...(sessionName !== undefined ? { sessionName } : {}),
        extra: pairs.extra,
      },
    },
    diagnostics,
  };
}

/**
 * The request context of a command, with warnings printed on stderr; undefined when a flag
 * is wrong (the command then exits 1, with the problems as JSON when it prints JSON). The
 * clock is the system's.
 */
export function requestContextFor(
  cli: RequestContextCliOptions & { readonly json?: boolean; readonly output?: string },
  term: Terminal,
  principalArn?: string,
): RequestContextChoice | undefined {
  const read = readRequestContext(cli, () => new Date(), principalArn);
  if (read.choice === undefined) {
    reportFailure(read.diagnostics, term, { json: cli.json === true || cli.output === "json" });
    return undefined;
  }
  if (read.diagnostics.length > 0) term.err(renderDiagnostics(read.diagnostics, term));
  return read.choice;
}
