// AWS STS, as far as EKS bearer tokens need it, on loopback.
//
// The authenticator (and the aws CLI) call `https://sts.<region>.amazonaws.com/`. moto does
// not answer the presigned `GET /?Action=GetCallerIdentity&X-Amz-...` form (it routes it to
// S3), so this server does what STS does with it: it looks the access key up in moto's state
// (`GET /moto-api/data.json`: IAM user keys with their secrets, and the sessions AssumeRole
// handed out, with secret and session token), recomputes the SigV4 query signature over the
// same date, scope and signed headers as they arrive here (so a token made for another
// cluster fails: its `x-k8s-aws-id` differs), enforces the 15-minute validity, and answers
// with the caller's identity in the format STS uses (JSON when asked for it, else XML).
// Every other request (the aws CLI's AssumeRole, GetCallerIdentity POSTs) is passed to moto
// unchanged, Host header included, so moto checks its signature as usual.
//
// Reaching it under the real name: an HTTP CONNECT proxy (`proxyUrl`) that tunnels only
// `sts[.region].amazonaws.com:443` to the TLS listener. Go's default transport (the
// authenticator) and botocore (the aws CLI) both honour HTTPS_PROXY; loopback targets are
// never proxied. The serving certificate is issued by a test CA (`caFile`) that clients are
// told to trust (SSL_CERT_FILE for Go, AWS_CA_BUNDLE for the aws CLI).
import { execFileSync } from "node:child_process";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface StsVerifierOptions {
  /** moto's base URL (http://127.0.0.1:PORT). */
  readonly motoEndpoint: string;
  /** Regions whose STS host names the certificate covers (default us-east-2). */
  readonly regions?: readonly string[];
  /** Clock for the expiry check (default Date.now). */
  readonly now?: () => number;
}

export interface VerifiedCall {
  readonly accessKeyId: string;
  readonly clusterId: string | undefined;
  readonly outcome: "ok" | "denied";
  readonly arn?: string;
  readonly reason?: string;
}

export interface StsVerifier {
  /** http://127.0.0.1:PORT: the CONNECT proxy to put in HTTPS_PROXY. */
  readonly proxyUrl: string;
  /** PEM of the test CA that issued the STS certificate. */
  readonly caFile: string;
  /** https://127.0.0.1:PORT: the TLS listener itself. */
  readonly directUrl: string;
  /** Every presigned GetCallerIdentity this server judged, oldest first. */
  calls(): readonly VerifiedCall[];
  stop(): Promise<void>;
}

interface Identity {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

interface MotoState {
  readonly iam?: {
    readonly AccessKey?: readonly {
      access_key_id: string;
      secret_access_key: string;
      user_name: string | null;
      status?: string;
    }[];
    readonly User?: readonly { name: string; arn: string; id: string; account_id: string }[];
  };
  readonly sts?: {
    readonly AssumedRole?: readonly {
      access_key_id: string;
      secret_access_key: string;
      session_token: string;
      arn: string;
      user_id: string;
      account_id: string;
    }[];
  };
}

const PRESIGN_VALIDITY_MS = 15 * 60_000;

/** A CA and a serving certificate for the STS host names, made with openssl. */
export function createStsCertificates(
  dir: string,
  hosts: readonly string[],
): { caFile: string; certFile: string; keyFile: string } {
  const caKey = join(dir, "ca.key");
  const caFile = join(dir, "ca.pem");
  const keyFile = join(dir, "sts.key");
  const csr = join(dir, "sts.csr");
  const certFile = join(dir, "sts.pem");
  const ext = join(dir, "sts.ext");
  const openssl = (args: string[]): void => {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  };
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    caKey,
    "-out",
    caFile,
    "-days",
    "2",
    "-subj",
    "/CN=eksgate test STS CA",
  ]);
  openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    csr,
    "-subj",
    `/CN=${hosts[0] ?? "sts.amazonaws.com"}`,
  ]);
  writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${hosts.map((h) => `DNS:${h}`).join(",")}\n`,
  );
  openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    caFile,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    certFile,
    "-days",
    "2",
    "-extfile",
    ext,
  ]);
  return { caFile, certFile, keyFile };
}

// RFC 3986 unreserved characters stay; everything else is %XX (what SigV4 canonical form wants).
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** The SigV4 query signature STS would compute for this request with this secret. */
export function presignedSignature(
  query: URLSearchParams,
  headers: Readonly<Record<string, string>>,
  secretAccessKey: string,
): string {
  const signedHeaders = (query.get("X-Amz-SignedHeaders") ?? "").split(";").filter((h) => h !== "");
  const canonicalQuery = [...query.entries()]
    .filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${(headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const emptyHash = createHash("sha256").update("").digest("hex");
  const canonicalRequest = [
    "GET",
    "/",
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(";"),
    emptyHash,
  ].join("\n");
  const credential = query.get("X-Amz-Credential") ?? "";
  const [, date = "", region = "", service = "", terminator = ""] = credential.split("/");
  const scope = [date, region, service, terminator].join("/");
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    query.get("X-Amz-Date") ?? "",
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), terminator);
  return hmac(key, stringToSign).toString("hex");
}

async function lookUp(motoEndpoint: string, accessKeyId: string): Promise<Identity | undefined> {
  const res = await fetch(`${motoEndpoint}/moto-api/data.json`);
  const state = (await res.json()) as MotoState;
  const session = state.sts?.AssumedRole?.find((r) => r.access_key_id === accessKeyId);
  if (session !== undefined) {
    return {
      secretAccessKey: session.secret_access_key,
      sessionToken: session.session_token,
      arn: session.arn,
      userId: session.user_id,
      account: session.account_id,
    };
  }
  const key = state.iam?.AccessKey?.find((k) => k.access_key_id === accessKeyId && k.user_name !== null);
  if (key === undefined || (key.status !== undefined && key.status !== "Active")) return undefined;
  const user = state.iam?.User?.find((u) => u.name === key.user_name);
  if (user === undefined) return undefined;
  return { secretAccessKey: key.secret_access_key, arn: user.arn, userId: user.id, account: user.account_id };
}

function sendError(res: ServerResponse, json: boolean, status: number, code: string, message: string): void {
  const requestId = randomBytes(16).toString("hex");
  if (json) {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ Error: { Code: code, Message: message, Type: "Sender" }, RequestId: requestId }),
    );
    return;
  }
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

function sendIdentity(res: ServerResponse, json: boolean, id: Identity): void {
  const requestId = randomBytes(16).toString("hex");
  if (json) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        GetCallerIdentityResponse: {
          GetCallerIdentityResult: { Account: id.account, Arn: id.arn, UserId: id.userId },
          ResponseMetadata: { RequestId: requestId },
        },
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/xml" });
  res.end(
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${id.arn}</Arn><UserId>${id.userId}</UserId><Account>${id.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  );
}

function isPresignedCallerIdentity(req: IncomingMessage, url: URL): boolean {
  return (
    req.method === "GET" &&
    url.searchParams.get("Action") === "GetCallerIdentity" &&
    url.searchParams.has("X-Amz-Signature")
  );
}

function forwardToMoto(motoEndpoint: string, req: IncomingMessage, res: ServerResponse): void {
  const target = new URL(motoEndpoint);
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    res.writeHead(502);
    res.end(String(error));
  });
  req.pipe(upstream);
}

export async function startStsVerifier(options: StsVerifierOptions): Promise<StsVerifier> {
  const now = options.now ?? Date.now;
  const regions = options.regions ?? ["us-east-2"];
  const hosts = ["sts.amazonaws.com", ...regions.map((r) => `sts.${r}.amazonaws.com`)];
  const dir = mkdtempSync(join(tmpdir(), "eksgate-sts-"));
  const certs = createStsCertificates(dir, hosts);
  const calls: VerifiedCall[] = [];

  async function verify(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const json = (req.headers["accept"] ?? "").includes("application/json");
    const query = url.searchParams;
    const accessKeyId = (query.get("X-Amz-Credential") ?? "").split("/")[0] ?? "";
    const clusterId = req.headers["x-k8s-aws-id"] as string | undefined;
    const deny = (status: number, code: string, message: string): void => {
      calls.push({ accessKeyId, clusterId, outcome: "denied", reason: `${code}: ${message}` });
      sendError(res, json, status, code, message);
    };
    const amzDate = query.get("X-Amz-Date") ?? "";
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (m === null) {
      deny(400, "IncompleteSignature", "X-Amz-Date is missing or malformed");
      return;
    }
    const signedAt = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    );
    if (now() > signedAt + PRESIGN_VALIDITY_MS) {
      deny(403, "ExpiredToken", "The security token included in the request is expired");
      return;
    }
    if (signedAt > now() + 5 * 60_000) {
      deny(403, "SignatureDoesNotMatch", "Signature not yet current");
      return;
    }
    const identity = await lookUp(options.motoEndpoint, accessKeyId);
    if (identity === undefined) {
      deny(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
      return;
    }
    if (identity.sessionToken !== undefined && query.get("X-Amz-Security-Token") !== identity.sessionToken) {
      deny(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers[name.toLowerCase()] = value;
    }
    const expected = Buffer.from(presignedSignature(query, headers, identity.secretAccessKey), "utf8");
    const given = Buffer.from(query.get("X-Amz-Signature") ?? "", "utf8");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      deny(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
      );
      return;
    }
    calls.push({ accessKeyId, clusterId, outcome: "ok", arn: identity.arn });
    sendIdentity(res, json, identity);
  }

  const tls = createHttpsServer(
    { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) },
    (req, res) => {
      const url = new URL(req.url ?? "/", `https://${req.headers.host ?? hosts[1]}`);
      if (isPresignedCallerIdentity(req, url)) {
        verify(req, res, url).catch((error: unknown) => {
          sendError(res, false, 500, "InternalFailure", String(error));
        });
        return;
      }
      forwardToMoto(options.motoEndpoint, req, res);
    },
  );
  await listen(tls);
  const tlsPort = (tls.address() as AddressInfo).port;

  const sockets = new Set<Socket>();
  const proxy = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end("CONNECT only\n");
  });
  proxy.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    const [host = "", port = "443"] = (req.url ?? "").split(":");
    if (!hosts.includes(host.toLowerCase()) || port !== "443") {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(tlsPort, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await listen(proxy);
  const proxyPort = (proxy.address() as AddressInfo).port;

  return {
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    caFile: certs.caFile,
    directUrl: `https://127.0.0.1:${tlsPort}`,
    calls: () => [...calls],
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      tls.closeAllConnections();
      await Promise.all([close(tls), close(proxy)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listen(server: import("node:net").Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function close(server: import("node:net").Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}
