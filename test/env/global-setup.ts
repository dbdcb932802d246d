// vitest globalSetup of the integration project: checks the tools, builds the
// control-plane binaries on the first run, then starts kube-apiserver (with etcd
// and the controller manager) and moto once for the whole run.
import type { TestProject } from "vitest/node";
import { cachedControlPlane, ensureControlPlane } from "./binaries.js";
import { freePorts, type KubeEnv, startKube } from "./kube.js";
import { startMoto } from "./moto.js";
import { checkPrerequisites } from "./prereqs.js";
import type {} from "./provided.js";

function log(line: string): void {
  process.stderr.write(`[test env] ${line}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cached = cachedControlPlane();
  await checkPrerequisites({ needGo: cached === undefined });
  const binaries = cached ?? (await ensureControlPlane(log));

  const [webhookPort] = await freePorts(1);
  if (webhookPort === undefined) throw new Error("could not reserve a port for the token webhook");
  const webhookUrl = `http://127.0.0.1:${webhookPort}/authenticate`;

  const [kubeResult, motoResult] = await Promise.allSettled([
    startKube({ binaries, webhookUrl }),
    startMoto(),
  ]);
  if (kubeResult.status === "rejected" || motoResult.status === "rejected") {
    if (kubeResult.status === "fulfilled") await kubeResult.value.stop();
    if (motoResult.status === "fulfilled") await motoResult.value.stop();
    const reasons = [kubeResult, motoResult].flatMap((r) =>
      r.status === "rejected" ? [r.reason as unknown] : [],
    );
    throw reasons.length === 1
      ? reasons[0]
      : new AggregateError(reasons, "the integration environment did not start");
  }
  const kube: KubeEnv = kubeResult.value;
  const moto = motoResult.value;
  log(
    `kube-apiserver ${kube.version} ready at ${kube.server} in ${(kube.startupMs / 1000).toFixed(1)} s; moto at ${moto.endpoint}`,
  );

  project.provide("kube", {
    server: kube.server,
    version: kube.version,
    caFile: kube.caFile,
    caData: kube.caData,
    adminToken: kube.adminToken,
    lowPrivToken: kube.lowPrivToken,
    adminKubeconfig: kube.adminKubeconfig,
    lowPrivKubeconfig: kube.lowPrivKubeconfig,
    kubeCacheDir: kube.kubeCacheDir,
    dir: kube.dir,
    logs: kube.logs,
    pids: kube.pids,
    startupMs: kube.startupMs,
  });
  project.provide("moto", { endpoint: moto.endpoint, port: moto.port, pid: moto.pid });
  project.provide("tokenWebhook", { url: webhookUrl, port: webhookPort });

  return async () => {
    const results = await Promise.allSettled([kube.stop(), moto.stop()]);
    const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (failed.length > 0)
      throw new AggregateError(failed, "the integration environment did not stop cleanly");
  };
}
