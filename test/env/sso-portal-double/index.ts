// A stand-in for the IAM Identity Center portal's GetRoleCredentials, speaking its wire
// format (rest-json over HTTP, unsigned, the access token in x-amz-sso_bearer_token).
// moto 5.2.1 has no portal API. Behaviour: docs/specs/sso-portal.md (rules P1-P8, D1-D4),
// checked by test/integration/sso-portal-double.test.ts.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface PortalRoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch milliseconds; default one hour after the call. */
  readonly expiration?: number;
}

export interface PortalRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly bearerToken: string | undefined;
}

export interface SsoPortalDouble {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_SSO. */
  readonly endpoint: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly PortalRequest[];
  /** Makes `accessToken` known until `expiresAt` (epoch ms). */
  signIn(accessToken: string, expiresAt: number): void;
  /** Gives the token's person `roleName` in `accountId`, answered with `credentials`. */
  assign(accessToken: string, accountId: string, roleName: string, credentials: PortalRoleCredentials): void;
  /** The next GetRoleCredentials is answered 429 (P7). */
  throttleNext(): void;
  reset(): void;
  stop(): Promise<void>;
}

export interface SsoPortalDoubleOptions {
  /** Epoch milliseconds (default the system clock). */
  readonly now?: () => number;
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
  res.end(JSON.stringify({ message }));
}

export async function startSsoPortalDouble(options: SsoPortalDoubleOptions = {}): Promise<SsoPortalDouble> {
  const now = options.now ?? Date.now;
  const tokens = new Map<string, number>();
  const roles = new Map<string, PortalRoleCredentials>();
  const requests: PortalRequest[] = [];
  let throttle = false;
  const roleKey = (token: string, account: string, role: string) => JSON.stringify([token, account, role]);

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://portal");
    const header = req.headers["x-amz-sso_bearer_token"];
    const bearerToken = Array.isArray(header) ? header[0] : header;
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method ?? "", path: url.pathname, query, bearerToken });
    if (req.method !== "GET" || url.pathname !== "/federation/credentials") {
      sendError(res, 404, "ResourceNotFoundException", `no operation ${req.method ?? ""} ${url.pathname}`);
      return;
    }
    const accountId = url.searchParams.get("account_id");
    const roleName = url.searchParams.get("role_name");
    if (accountId === null || accountId === "" || roleName === null || roleName === "" || !bearerToken) {
      sendError(
        res,
        400,
        "InvalidRequestException",
        "role_name, account_id and x-amz-sso_bearer_token are required",
      );
      return;
    }
    if (throttle) {
      throttle = false;
      sendError(res, 429, "TooManyRequestsException", "Rate exceeded");
      return;
    }
    const until = tokens.get(bearerToken);
    if (until === undefined || now() >= until) {
      sendError(res, 401, "UnauthorizedException", "Session token not found or invalid");
      return;
    }
    const credentials = roles.get(roleKey(bearerToken, accountId, roleName));
    if (credentials === undefined) {
      sendError(res, 403, "ForbiddenException", "No access");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        roleCredentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          sessionToken: credentials.sessionToken,
          expiration: credentials.expiration ?? now() + 3_600_000,
        },
      }),
    );
  }

  const server = createServer((req, res) => {
    // The body of a GET is read and ignored, so the connection can be reused.
    req.resume();
    req.on("end", () => {
      handle(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    signIn: (token, expiresAt) => tokens.set(token, expiresAt),
    assign: (token, account, role, credentials) => roles.set(roleKey(token, account, role), credentials),
    throttleNext: () => {
      throttle = true;
    },
    reset: () => {
      tokens.clear();
      roles.clear();
      requests.length = 0;
      throttle = false;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
