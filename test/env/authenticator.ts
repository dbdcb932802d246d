// aws-iam-authenticator, the token webhook EKS runs, as a local process for end-to-end
// tests. Built from its Go module by binaries.ts (COMPONENTS.awsIamAuthenticator). It reads
// the aws-auth ConfigMap from the apiserver (backend EKSConfigMap, through `kubeconfig`) and
// verifies tokens by calling STS at the host named in the token; `stsProxy` sends those
// calls to the loopback verifier (sts-verifier.ts) and names the CA that signed its
// certificate.
//
// Start order: the apiserver reads its webhook configuration once, at start, and the
// authenticator needs the apiserver's address. So the authenticator's serving certificate
// is made first (`prepareAuthenticator`), the apiserver is started trusting it, and only
// then the authenticator itself (`startAuthenticator`), which loads the certificate it
// finds in its state directory instead of generating one.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { START_DEADLINE_MS } from "../support/time-limits.js";
import { COMPONENTS, ensureComponent, type ProgressLog } from "./binaries.js";
import { freePorts } from "./kube.js";
import { waitUntil } from "./wait.js";

export interface PreparedAuthenticator {
  readonly port: number;
  /** https://127.0.0.1:PORT/authenticate, for startKube({ webhookUrl }). */
  readonly webhookUrl: string;
  /** PEM of the self-signed serving certificate, for startKube({ webhookCaData }). */
  readonly caData: string;
  readonly stateDir: string;
}

export interface AuthenticatorOptions {
  readonly clusterId: string;
  /** Kubeconfig the authenticator reads aws-auth with. */
  readonly kubeconfig: string;
  readonly stsProxy: { readonly proxyUrl: string; readonly caFile: string };
  readonly log?: ProgressLog;
}

export interface Authenticator {
  readonly logFile: string;
  readonly pid: number;
  /** The authenticator's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** Builds (or finds cached) the pinned aws-iam-authenticator; returns the binary's path. */
export async function authenticatorBinary(log?: ProgressLog): Promise<string> {
  const dir = await ensureComponent(COMPONENTS.awsIamAuthenticator, log);
  return join(dir, "aws-iam-authenticator");
}

export async function prepareAuthenticator(): Promise<PreparedAuthenticator> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error("no free port for the authenticator");
  const stateDir = mkdtempSync(join(tmpdir(), "eksgate-authenticator-"));
  const ext = join(stateDir, "openssl.cnf");
  writeFileSync(
    ext,
    [
      "[req]",
      "distinguished_name = dn",
      "x509_extensions = v3",
      "prompt = no",
      "[dn]",
      "CN = aws-iam-authenticator",
      "[v3]",
      "basicConstraints = critical,CA:TRUE",
      "keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign",
      "extendedKeyUsage = serverAuth",
      "subjectAltName = IP:127.0.0.1,DNS:localhost",
      "",
    ].join("\n"),
  );
  // The file names the authenticator looks for in --state-dir.
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(stateDir, "key.pem"),
      "-out",
      join(stateDir, "cert.pem"),
      "-days",
      "2",
      "-config",
      ext,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return {
    port,
    webhookUrl: `https://127.0.0.1:${port}/authenticate`,
    caData: readFileSync(join(stateDir, "cert.pem"), "utf8"),
    stateDir,
  };
}

export async function startAuthenticator(
  binary: string,
  prepared: PreparedAuthenticator,
  options: AuthenticatorOptions,
): Promise<Authenticator> {
  const logFile = join(prepared.stateDir, "authenticator.log");
  const out = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(
      binary,
      [
        "server",
        `--cluster-id=${options.clusterId}`,
        "--backend-mode=EKSConfigMap",
        `--kubeconfig=${options.kubeconfig}`,
        `--state-dir=${prepared.stateDir}`,
        `--generate-kubeconfig=${join(prepared.stateDir, "webhook.kubeconfig")}`,
        "--address=127.0.0.1",
        `--port=${prepared.port}`,
      ],
      {
        detached: true,
        stdio: ["ignore", out, out],
        env: {
          PATH: process.env["PATH"],
          HOME: prepared.stateDir,
          HTTPS_PROXY: options.stsProxy.proxyUrl,
          NO_PROXY: "127.0.0.1,localhost",
          SSL_CERT_FILE: options.stsProxy.caFile,
          // No instance metadata here: the region lookup fails at once instead of timing out.
          AWS_EC2_METADATA_DISABLED: "true",
        },
      },
    );
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("aws-iam-authenticator did not start");
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  const readLog = (): string => readFileSync(logFile, "utf8");
  const stop = async (): Promise<void> => {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntil(
      "aws-iam-authenticator: /healthz answering and its mapper started",
      async () => {
        if (!(await healthz(prepared))) return "/healthz does not answer 200 yet";
        return readLog().includes("starting mapper") || "no 'starting mapper' in its log yet";
      },
      {
        deadlineMs: START_DEADLINE_MS,
        intervalMs: 200,
        abort: () =>
          child.exitCode === null && child.signalCode === null
            ? undefined
            : `it exited at start (code ${String(child.exitCode)}, signal ${String(child.signalCode)})`,
      },
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- its log ---\n${readLog().slice(-3000)}`, {
      cause: error,
    });
  }
  return {
    logFile,
    pid,
    log: readLog,
    stop: async () => {
      await stop();
      rmSync(prepared.stateDir, { recursive: true, force: true });
    },
  };
}

function healthz(prepared: PreparedAuthenticator): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port: prepared.port, path: "/healthz", ca: prepared.caData, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => {
      resolve(false);
    });
    req.on("timeout", () => {
      req.destroy();
    });
    req.end();
  });
}
