/**
 * One HTTP(S) request with a whole-body answer, over node:http or node:https (loaded on
 * first use: only a cache miss gets here). What the plugin's STS and SSO portal calls share.
 */
import type { IncomingMessage } from "node:http";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

export async function httpRequest(
  url: URL,
  method: "GET" | "POST",
  headers: Readonly<Record<string, string>>,
  body = "",
): Promise<HttpAnswer> {
  const transport = url.protocol === "http:" ? await import("node:http") : await import("node:https");
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method,
        headers: body === "" ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`));
    });
    req.on("error", reject);
    req.end(body === "" ? undefined : body);
  });
}
