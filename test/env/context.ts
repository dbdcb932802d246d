// Helpers for integration test files: connection info from the global setup,
// isolation (fresh namespaces, moto reset) and running the real kubectl.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { type ApiClient, type ApiResponse, apiRequest } from "./kube.js";
import type { ProvidedKube, ProvidedMoto, ProvidedTokenWebhook } from "./provided.js";
import { SPAWN_DEADLINE_MS } from "../support/time-limits.js";

export function kubeEnv(): ProvidedKube {
  return inject("kube");
}

export function motoEnv(): ProvidedMoto {
  return inject("moto");
}

export function tokenWebhook(): ProvidedTokenWebhook {
  return inject("tokenWebhook");
}

/** API client for the admin identity (system:masters). */
export function adminClient(env: ProvidedKube = kubeEnv()): ApiClient {
  return { server: env.server, caData: env.caData, token: env.adminToken };
}

/** API client for eksgate-test-lowpriv. */
export function lowPrivClient(env: ProvidedKube = kubeEnv()): ApiClient {
  return { server: env.server, caData: env.caData, token: env.lowPrivToken };
}

/** A DNS-1123 name that no other test uses: `<prefix>-<random>`. */
export function uniqueName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "t";
  return `${clean}-${randomBytes(4).toString("hex")}`;
}

/**
 * Creates a namespace with a unique name as admin and returns the name. The
 * shared control plane runs no namespace controller, so namespaces are not
 * deleted per test; the whole etcd goes away at the end of the run.
 */
export async function freshNamespace(prefix = "test"): Promise<string> {
  const name = uniqueName(prefix);
  const res = await apiRequest(adminClient(), "POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "eksgate.test/namespace": "true" } },
  });
  if (res.status !== 201) throw new Error(`creating namespace ${name} failed: ${res.status} ${res.body}`);
  return name;
}

/** Sends one request as admin and returns status and parsed body. */
export async function adminRequest(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return apiRequest(adminClient(), method, path, body);
}

/** Wipes all moto state (IAM, STS, EKS) and switches IAM enforcement off, like MotoServer.reset(). */
export async function resetMoto(): Promise<void> {
  await motoApi("/moto-api/reset", { method: "POST" });
  await setMotoEnforcement(false);
}

/** IAM enforcement on (moto authenticates and authorizes every call from now on) or off. */
export async function setMotoEnforcement(on: boolean): Promise<void> {
  // The body must be text/plain; "0" enforces immediately, "inf" never.
  await motoApi("/moto-api/reset-auth", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: on ? "0" : "inf",
  });
}

async function motoApi(path: string, init: RequestInit): Promise<void> {
  const res = await fetch(`${motoEnv().endpoint}${path}`, init);
  if (!res.ok)
    throw new Error(`moto ${init.method ?? "GET"} ${path}: HTTP ${res.status} ${await res.text()}`);
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the installed kubectl with the given kubeconfig and a private
 * KUBECACHEDIR. Never throws on a non-zero exit: `kubectl auth can-i` answers
 * "no" with exit code 1.
 */
export function kubectl(
  kubeconfig: string,
  args: readonly string[],
  env: ProvidedKube = kubeEnv(),
): Promise<KubectlResult> {
  return new Promise((done, fail) => {
    execFile(
      "kubectl",
      [...args],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: env.kubeCacheDir },
        timeout: SPAWN_DEADLINE_MS,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          const why = error.killed ? `no exit within ${String(SPAWN_DEADLINE_MS / 1000)} s` : error.message;
          fail(new Error(`kubectl ${args.join(" ")} did not run to completion: ${why}`, { cause: error }));
          return;
        }
        done({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

export interface ProgramRun {
  /** Exit code; -1 when the program did not start or was killed. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion with exactly `env`; never throws on a non-zero exit. */
export function runProgram(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ProgramRun> {
  return new Promise((done) => {
    execFile(
      command,
      [...args],
      { env, encoding: "utf8", timeout: SPAWN_DEADLINE_MS },
      (error, stdout, stderr) => {
        const hang = error?.killed === true ? `\n[no exit within ${String(SPAWN_DEADLINE_MS / 1000)} s]` : "";
        done({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
          stdout,
          stderr: stderr + hang,
        });
      },
    );
  });
}
