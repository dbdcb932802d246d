// npm run demo: eksgate end to end without an AWS account. Starts moto (IAM, STS), the EKS
// access-entry test double and a real Kubernetes control plane, applies
// examples/eksgate.yaml, shows the resulting aws-auth and bindings, asks the real
// apiserver what a member of each team may do, and tears everything down.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IAMClient } from "@aws-sdk/client-iam";
import { ensureControlPlane } from "../test/env/binaries.js";
import { startKube, type KubeEnv } from "../test/env/kube.js";
import { startMoto, type MotoServer } from "../test/env/moto.js";
import { startEksDouble, type EksDouble } from "../test/env/eks-double/index.js";
import {
  addUserToGroup,
  awsClientConfig,
  createGroup,
  createUser,
  DEFAULT_REGION,
} from "../test/env/aws-seed.js";

const ACCOUNT = "123456789123"; // the account in examples/eksgate.yaml
const CLUSTER = "dev.my-eks-cluster";
const CLUSTER_ARN = `arn:aws:eks:${DEFAULT_REGION}:${ACCOUNT}:cluster/${CLUSTER}`;
const CONFIG = "examples/eksgate.yaml";

const say = (text: string): void => {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
};

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stderr: "inherit" | "ignore" = "inherit",
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", stderr] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code: code ?? 1, out });
    });
  });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "eksgate-demo-"));
  let moto: MotoServer | undefined;
  let kube: KubeEnv | undefined;
  let eks: EksDouble | undefined;
  try {
    say("building or finding the Kubernetes test binaries");
    const binaries = await ensureControlPlane((line) => {
      process.stdout.write(`  ${line}\n`);
    });

    say("starting moto (IAM, STS), the EKS double and a real kube-apiserver");
    process.env["MOTO_ACCOUNT_ID"] = ACCOUNT;
    moto = await startMoto();
    kube = await startKube({ binaries });
    eks = await startEksDouble({ iamEndpoint: moto.endpoint, accountId: ACCOUNT, region: DEFAULT_REGION });
    eks.seedCluster({
      name: CLUSTER,
      endpoint: kube.server,
      certificateAuthorityData: Buffer.from(kube.caData).toString("base64"),
      authenticationMode: "CONFIG_MAP",
    });
    process.stdout.write(
      `  moto ${moto.endpoint} · EKS double ${eks.endpoint} · kube-apiserver ${kube.server} (${kube.version})\n`,
    );

    say("seeding IAM groups and people, namespaces, and an aws-auth with a node role");
    const iam = new IAMClient(awsClientConfig(moto.endpoint));
    for (const [group, user] of [
      ["dev.rnd.group", "alice"],
      ["payments-devs", "bob"],
      ["support", "carol"],
    ] as const) {
      await createGroup(iam, group);
      await createUser(iam, user);
      await addUserToGroup(iam, user, group);
      process.stdout.write(`  ${user} is in IAM group ${group}\n`);
    }
    const kubeconfigFile = join(work, "kubeconfig");
    // A context named after the cluster ARN, as `aws eks update-kubeconfig` writes it.
    writeFileSync(
      kubeconfigFile,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: CLUSTER_ARN,
            cluster: {
              server: kube.server,
              "certificate-authority-data": Buffer.from(kube.caData).toString("base64"),
            },
          },
        ],
        users: [{ name: "demo-admin", user: { token: kube.adminToken } }],
        contexts: [{ name: CLUSTER_ARN, context: { cluster: CLUSTER_ARN, user: "demo-admin" } }],
        "current-context": CLUSTER_ARN,
      }),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KUBECONFIG: kubeconfigFile,
      KUBECACHEDIR: kube.kubeCacheDir,
      AWS_ACCESS_KEY_ID: "demo",
      AWS_SECRET_ACCESS_KEY: "demo",
      AWS_REGION: DEFAULT_REGION,
      AWS_ENDPOINT_URL_IAM: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_EKS: eks.endpoint,
      XDG_STATE_HOME: join(work, "state"),
      NO_COLOR: "1",
    };
    for (const ns of ["payments", "payments-staging"]) await run("kubectl", ["create", "namespace", ns], env);
    const nodeRole = `arn:aws:iam::${ACCOUNT}:role/demo-node-role`;
    writeFileSync(
      join(work, "aws-auth.yaml"),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: ${nodeRole}\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n`,
    );
    await run("kubectl", ["apply", "-f", join(work, "aws-auth.yaml")], env);

    say(`eksgate plan -c ${CONFIG}`);
    process.stdout.write((await run("node", ["dist/cli.js", "plan", "-c", CONFIG], env)).out);

    say(`eksgate apply -c ${CONFIG} --auto-approve`);
    // The plan was shown above; progress lines go to stderr, the outcome closes stdout.
    const applied = await run("node", ["dist/cli.js", "apply", "-c", CONFIG, "--auto-approve"], env);
    process.stdout.write(applied.out.slice(applied.out.lastIndexOf("Apply ")));
    if (applied.code !== 0) throw new Error(`apply failed with exit code ${applied.code}`);

    say("the aws-auth ConfigMap now (the node role entry is untouched)");
    process.stdout.write(
      (
        await run(
          "kubectl",
          ["get", "configmap", "aws-auth", "-n", "kube-system", "-o", "jsonpath={.data.mapRoles}"],
          env,
        )
      ).out,
    );

    say("eksgate's bindings");
    process.stdout.write(
      (
        await run(
          "kubectl",
          [
            "get",
            "clusterrolebindings,rolebindings",
            "-A",
            "-l",
            "app.kubernetes.io/managed-by=eksgate",
            "-o",
            "wide",
          ],
          env,
        )
      ).out,
    );

    say("kubectl auth can-i for a member of each team (asked of the real apiserver)");
    const checks: readonly (readonly [string, string, readonly string[]])[] = [
      ["rnd", "alice", ["delete nodes", "create clusterrolebindings"]],
      [
        "payments",
        "bob",
        ["create deployments -n payments", "create deployments -n default", "get secrets -n payments"],
      ],
      ["support", "carol", ["get pods -n payments", "delete pods -n payments", "get secrets -n payments"]],
    ];
    for (const [team, person, verbs] of checks) {
      for (const question of verbs) {
        const args = [
          "auth",
          "can-i",
          ...question.split(" "),
          `--as=eksgate:${team}:${person}`,
          `--as-group=eksgate:${team}`,
        ];
        const answer = (await run("kubectl", args, env, "ignore")).out.trim();
        process.stdout.write(`  ${`${person} (team ${team})`.padEnd(22)} ${question.padEnd(32)} ${answer}\n`);
      }
    }

    say("a second plan: nothing to do");
    process.stdout.write((await run("node", ["dist/cli.js", "plan", "-c", CONFIG], env)).out);
  } finally {
    say("tearing down");
    await eks?.stop();
    await kube?.stop();
    await moto?.stop();
    rmSync(work, { recursive: true, force: true });
    process.stdout.write("  done: no processes or files left behind\n");
  }
}

await main();
