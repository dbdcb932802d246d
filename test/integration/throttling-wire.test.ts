// Throttling as the real clients see it: a local server answers in each service's own wire
// format (IAM's query-protocol XML `Throttling`, EKS's REST-JSON `ThrottlingException`
// with HTTP 429, Kubernetes' 429 Status), and the adapters, through the real AWS SDK and
// @kubernetes/client-node, report a throttled PortError, which apply and plan wait for
// and retry (test/unit/throttling.test.ts). The SDK's own retries come first: with
// maxAttempts 2 the server sees each AWS call twice.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEksPort } from "../../src/adapters/aws/eks.js";
import { createIamPort } from "../../src/adapters/aws/iam.js";
import { createKubePort } from "../../src/adapters/kube/kube-port.js";
import { isThrottled, PortError } from "../../src/ports/errors.js";

const CREDENTIALS = { accessKeyId: "AKIDTHROTTLE", secretAccessKey: "secret" };
const requests: string[] = [];
let server: Server;
let endpoint: string;

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  requests.push(`${req.method ?? "?"} ${req.url ?? "/"}`);
  if (req.url?.startsWith("/apis/") === true) {
    res.writeHead(429, { "content-type": "application/json", "retry-after": "0" });
    res.end(
      JSON.stringify({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "Too many requests, please try again later.",
        reason: "TooManyRequests",
        code: 429,
      }),
    );
    return;
  }
  if (body.includes("Action=")) {
    res.writeHead(400, { "content-type": "text/xml" });
    res.end(
      `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
    );
    return;
  }
  res.writeHead(429, { "content-type": "application/json", "x-amzn-errortype": "ThrottlingException" });
  res.end(JSON.stringify({ message: "Rate exceeded" }));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      answer(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => {
    server.close(() => {
      done();
    });
  });
});

async function failure(call: () => Promise<unknown>): Promise<PortError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof PortError) return error;
    throw error;
  }
  throw new Error("the call did not fail");
}

describe("throttling through the real clients", () => {
  it("IAM Throttling (XML) is a throttled PortError, after the SDK's own retry", async () => {
    requests.length = 0;
    const iam = createIamPort({
      region: "us-east-1",
      credentials: CREDENTIALS,
      endpoints: { iam: endpoint, sts: endpoint },
      maxAttempts: 2,
    });
    const error = await failure(() => iam.getRole("eksgate-web"));
    expect(isThrottled(error)).toBe(true);
    expect(error.details.operation).toBe("iam:GetRole");
    expect(error.message).toContain("Throttling");
    expect(requests).toHaveLength(2);
  });

  it("EKS ThrottlingException (429, REST-JSON) is a throttled PortError, after the SDK's own retry", async () => {
    requests.length = 0;
    const eks = createEksPort({ region: "us-east-1", credentials: CREDENTIALS, endpoint, maxAttempts: 2 });
    const error = await failure(() => eks.listAccessEntries("prod"));
    expect(isThrottled(error)).toBe(true);
    expect(error.details.operation).toBe("eks:ListAccessEntries");
    expect(requests).toHaveLength(2);
  });

  it("a Kubernetes 429 is a throttled PortError, asked once (eksgate does the retrying)", async () => {
    requests.length = 0;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: "c", server: endpoint, skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "x", cluster: "c", user: "u" }],
      currentContext: "x",
    });
    const kube = createKubePort({ server: endpoint, kubeConfig, origin: "test" });
    const error = await failure(() => kube.listRbac("RoleBinding", {}));
    expect(isThrottled(error)).toBe(true);
    expect(error.message).toContain("Too many requests");
    expect(requests).toHaveLength(1);
  });
});
