// HTTP front of the double: routes the EKS REST paths (as the EKS model's http traits define
// them) to EksDoubleState, encodes results and errors the restJson1 way, and records every
// request. SigV4 signatures are accepted without being checked.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { EksApiError } from "./errors.js";
import type { EksDoubleState, Json, Query } from "./state.js";
import { reviewAccess } from "./authorizer.js";

export interface RecordedRequest {
  readonly seq: number;
  readonly method: string;
  /** The path as sent (still percent-encoded), without the query string. */
  readonly path: string;
  /** The EKS operation name, or "Unknown" when no route matched. */
  readonly operation: string;
  readonly clusterName?: string;
  readonly principalArn?: string;
  readonly status: number;
  readonly errorType?: string;
}

type Handler = (params: readonly string[], query: Query, body: Json) => Json | Promise<Json>;

interface Route {
  readonly method: string;
  /** Path segments; "*" matches one (decoded) segment that is passed to the handler. */
  readonly segments: readonly string[];
  readonly operation: string;
  readonly handler: Handler;
}

/** The operation name the log gives the authorization webhook's requests (not an EKS call). */
export const AUTHORIZE_OPERATION = "Authorize";

/**
 * Asked before an EKS request is served; a promise that never settles holds the request
 * unanswered (the test's way to stop a client at an exact point, §11).
 */
export type RequestGate = (operation: string) => Promise<void> | undefined;

function routes(state: EksDoubleState): Route[] {
  const r = (method: string, path: string, operation: string, handler: Handler): Route => ({
    method,
    segments: path.split("/").filter(Boolean),
    operation,
    handler,
  });
  const at = (params: readonly string[], i: number): string => params[i] ?? "";
  return [
    r("POST", "/clusters", "CreateCluster", (_p, _q, b) => state.createCluster(b)),
    r("GET", "/clusters", "ListClusters", (_p, q) => state.listClusters(q)),
    r("GET", "/clusters/*", "DescribeCluster", (p) => state.describeCluster(at(p, 0))),
    r("DELETE", "/clusters/*", "DeleteCluster", (p) => state.deleteCluster(at(p, 0))),
    r("POST", "/clusters/*/update-config", "UpdateClusterConfig", (p, _q, b) =>
      state.updateClusterConfig(at(p, 0), b),
    ),
    r("GET", "/clusters/*/updates", "ListUpdates", (p, q) => state.listUpdates(at(p, 0), q)),
    r("GET", "/clusters/*/updates/*", "DescribeUpdate", (p) => state.describeUpdate(at(p, 0), at(p, 1))),
    r("POST", "/clusters/*/access-entries", "CreateAccessEntry", (p, _q, b) =>
      state.createAccessEntry(at(p, 0), b),
    ),
    r("GET", "/clusters/*/access-entries", "ListAccessEntries", (p, q) =>
      state.listAccessEntries(at(p, 0), q),
    ),
    r("GET", "/clusters/*/access-entries/*", "DescribeAccessEntry", (p) =>
      state.describeAccessEntry(at(p, 0), at(p, 1)),
    ),
    r("POST", "/clusters/*/access-entries/*", "UpdateAccessEntry", (p, _q, b) =>
      state.updateAccessEntry(at(p, 0), at(p, 1), b),
    ),
    r("DELETE", "/clusters/*/access-entries/*", "DeleteAccessEntry", (p) =>
      state.deleteAccessEntry(at(p, 0), at(p, 1)),
    ),
    r("POST", "/clusters/*/access-entries/*/access-policies", "AssociateAccessPolicy", (p, _q, b) =>
      state.associateAccessPolicy(at(p, 0), at(p, 1), b),
    ),
    r("GET", "/clusters/*/access-entries/*/access-policies", "ListAssociatedAccessPolicies", (p, q) =>
      state.listAssociatedAccessPolicies(at(p, 0), at(p, 1), q),
    ),
    r("DELETE", "/clusters/*/access-entries/*/access-policies/*", "DisassociateAccessPolicy", (p) =>
      state.disassociateAccessPolicy(at(p, 0), at(p, 1), at(p, 2)),
    ),
    r("GET", "/access-policies", "ListAccessPolicies", (_p, q) => state.listAccessPolicies(q)),
    r("GET", "/tags/*", "ListTagsForResource", (p) => state.listTagsForResource(at(p, 0))),
    r("POST", "/tags/*", "TagResource", (p, _q, b) => state.tagResource(at(p, 0), b)),
    r("DELETE", "/tags/*", "UntagResource", (p, q) => state.untagResource(at(p, 0), q)),
    // Not EKS: the access-policy authorizer as a Kubernetes authorization webhook (§12).
    r("POST", "/authorize/*", AUTHORIZE_OPERATION, (p, _q, b) => reviewAccess(state, at(p, 0), b)),
  ];
}

function match(
  table: readonly Route[],
  method: string,
  rawSegments: readonly string[],
): { route: Route; params: string[] } | undefined {
  for (const route of table) {
    if (route.method !== method || route.segments.length !== rawSegments.length) continue;
    const params: string[] = [];
    const ok = route.segments.every((segment, i) => {
      const raw = rawSegments[i] ?? "";
      if (segment === "*") {
        params.push(decodeURIComponent(raw));
        return raw.length > 0;
      }
      return segment === raw;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

export function createEksServer(
  state: EksDoubleState,
  log: RecordedRequest[],
  gate: RequestGate = () => undefined,
): Server {
  const table = routes(state);
  let seq = 0;
  return createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://eks-double.invalid");
    const method = req.method ?? "GET";
    const rawSegments = url.pathname.split("/").filter(Boolean);
    const found = match(table, method, rawSegments);
    const operation = found?.route.operation ?? "Unknown";
    const text = await readBody(req);
    const held = gate(operation);
    if (held !== undefined) await held;
    let status = 200;
    let errorType: string | undefined;
    let payload: Json;
    try {
      if (!found)
        throw new EksApiError("UnknownOperationException", `No EKS operation for ${method} ${url.pathname}.`);
      payload = await found.route.handler(found.params, url.searchParams, parseBody(text));
    } catch (error) {
      const apiError =
        error instanceof EksApiError
          ? error
          : new EksApiError("ServerException", error instanceof Error ? error.message : String(error));
      status = apiError.status;
      errorType = apiError.type;
      payload = { __type: apiError.type, message: apiError.message, ...apiError.members };
    }
    const cluster = found && url.pathname.startsWith("/clusters/") ? found.params[0] : undefined;
    const principal = found && rawSegments[2] === "access-entries" ? found.params[1] : undefined;
    log.push({
      seq: ++seq,
      method,
      path: url.pathname,
      operation,
      ...(cluster !== undefined ? { clusterName: cluster } : {}),
      ...(principal !== undefined ? { principalArn: principal } : {}),
      status,
      ...(errorType !== undefined ? { errorType } : {}),
    });
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-amzn-requestid": randomUUID(),
      ...(errorType !== undefined ? { "x-amzn-errortype": errorType } : {}),
    });
    res.end(body);
  }
}

function parseBody(text: string): Json {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EksApiError("SerializationException", "The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new EksApiError("SerializationException", "The request body must be a JSON object.");
  }
  return parsed as Json;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
