/**
 * The cached token's file: its name and its content, in a form that `bin/eksgate-token` (a
 * POSIX shell script, the kubeconfig's exec command) can find and check with shell builtins
 * alone, so that a cache hit needs no Node process. Both readers apply the same rules; the
 * Node reader is the reference, the shell reader refuses whatever it is not sure of and
 * hands over to it.
 *
 * Name: `token~CLUSTER~REGION~ROLE~SESSION~CALLER`, each part with `/` written as `%`, an
 * absent role or session empty. Only parts made of `A-Za-z0-9._+=,@:|/-` qualify (that set
 * has neither `~` nor `%`, so the name is a one-to-one function of the key), and only names
 * of at most FAST_NAME_MAX bytes; other keys, and file systems that refuse the name, use
 * `token-<digest of the key>`, which only the Node reader looks for.
 *
 * Content, six newline-terminated lines and nothing else:
 *
 *     eksgate-token 1
 *     {"cluster":"prod","region":"eu-west-1","role":"arn:...","caller":"key:AKIA..."}
 *     <issued at, epoch ms>
 *     <expires at, epoch ms>
 *     k8s-aws-v1.<base64url>
 *     end
 *
 * The second line is the full key, compared for equality (a renamed or linked file for
 * another key is refused). Numbers are decimal without leading zeros (a shell reads `010`
 * as octal), at most 15 digits. The token is the prefix and base64url only, so it can be
 * printed into JSON as it is. The last line shows the file is complete.
 */

export interface TokenKeyParts {
  readonly cluster: string;
  readonly region: string;
  readonly role?: string;
  readonly session?: string;
  /** Who signs: `key:<access key id>` or `profile:<name>|<config file>|<credentials file>`. */
  readonly caller: string;
}

export interface CachedTokenRecord {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export const TOKEN_FILE_HEADER = "eksgate-token 1";
/** Longest shell-readable name; leaves room below NAME_MAX (255) for the temporary file. */
export const FAST_NAME_MAX = 200;

const FAST_PART = /^[A-Za-z0-9._+=,@:|/-]+$/;
const NUMBER = /^(0|[1-9][0-9]{0,14})$/;
const TOKEN = /^k8s-aws-v1\.[A-Za-z0-9_-]+$/;

/** The cache key: the same JSON the other cache entries are keyed by. */
export function tokenKey(parts: TokenKeyParts): string {
  return JSON.stringify({
    cluster: parts.cluster,
    region: parts.region,
    role: parts.role,
    session: parts.session,
    caller: parts.caller,
  });
}

/** The name the shell looks for, or undefined when the key does not qualify for one. */
export function fastTokenFileName(parts: TokenKeyParts): string | undefined {
  const values = [parts.cluster, parts.region, parts.role ?? "", parts.session ?? "", parts.caller];
  const optional = [false, false, true, true, false];
  for (const [i, value] of values.entries()) {
    if (optional[i] === true && value === "") continue;
    if (!FAST_PART.test(value)) return undefined;
  }
  const name = `token~${values.map((value) => value.replaceAll("/", "%")).join("~")}`;
  return name.length <= FAST_NAME_MAX ? name : undefined;
}

export function formatTokenFile(key: string, record: CachedTokenRecord): string {
  return [
    TOKEN_FILE_HEADER,
    key,
    String(record.issuedAt),
    String(record.expiresAt),
    record.token,
    "end",
    "",
  ].join("\n");
}

/** The record in `text` when it is a complete token file for exactly `key`. */
export function parseTokenFile(text: string, key: string): CachedTokenRecord | undefined {
  const lines = text.split("\n");
  if (lines.length !== 7 || lines[0] !== TOKEN_FILE_HEADER || lines[1] !== key) return undefined;
  const [, , issuedAt = "", expiresAt = "", token = "", end, rest] = lines;
  if (end !== "end" || rest !== "") return undefined;
  if (!NUMBER.test(issuedAt) || !NUMBER.test(expiresAt) || !TOKEN.test(token)) return undefined;
  return { token, issuedAt: Number(issuedAt), expiresAt: Number(expiresAt) };
}
