// `eksgate apply` on a terminal, as a person runs it: the built CLI under a pseudo-terminal
// (util-linux `script`), against moto, the EKS double and the real apiserver. It shows the
// plan and asks; anything but "yes" changes nothing; "yes" runs the steps with the task list
// and the changes are there. A pseudo-terminal that reports no width (as `script` gives
// when nobody sets one) gets plain progress lines instead of a task list wrapped at width 0.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../env/context.js";
import {
  ACCOUNT,
  type ApplyEnv,
  createNamespace,
  isAwsWrite,
  readAwsAuth,
  resetCluster,
  startApplyEnv,
} from "../support/apply-env.js";
import { SPAWN_DEADLINE_MS } from "../support/time-limits.js";

const CLUSTER = uniqueName("tty");
const NS = uniqueName("tty-pay");
const GROUP = "g-tty";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/eksgate-payments`;
const CONFIG = `apiVersion: eksgate.dev/v1alpha1
kind: AccessConfig
accountId: "${ACCOUNT}"
clusters:
  - name: ${CLUSTER}
    region: us-east-2
    authentication: aws-auth
teams:
  - name: payments
    iamGroup: ${GROUP}
    access:
      - cluster: ${CLUSTER}
        clusterRole: edit
        namespaces: [${NS}]
`;
const NODE_ROLES = `- rolearn: arn:aws:iam::${ACCOUNT}:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n`;

let env: ApplyEnv;
let config: string;

beforeAll(async () => {
  env = await startApplyEnv();
  await env.resetAws([GROUP]);
  env.seedCluster(CLUSTER);
  await createNamespace(NS);
  await resetCluster({ mapRoles: NODE_ROLES });
  config = env.writeFile("eksgate.yaml", CONFIG);
});

afterAll(async () => {
  await resetCluster(undefined);
  await env.stop();
});

interface TerminalRun {
  readonly code: number | null;
  /** Everything the terminal showed (stdout and stderr share it). */
  readonly screen: string;
}

/**
 * Runs the CLI on a pseudo-terminal (`columns` wide, or reporting no size) and types
 * `answer` once the confirmation prompt shows.
 */
function onTerminal(args: readonly string[], answer: string, columns?: number): Promise<TerminalRun> {
  const cli = [process.execPath, env.cli, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const command = columns === undefined ? cli : `stty cols ${String(columns)} rows 50; ${cli}`;
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: env.dir,
    env: { ...env.cliEnv(), TERM: "xterm-256color" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  let answered = false;
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(
        new Error(`no exit within ${String(SPAWN_DEADLINE_MS / 1000)} s; the terminal showed:\n${screen}`),
      );
    }, SPAWN_DEADLINE_MS);
    const take = (chunk: Buffer): void => {
      screen += chunk.toString("utf8");
      if (!answered && screen.includes('Only "yes" is accepted')) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      done({ code, screen });
    });
  });
}

describe("eksgate apply on a terminal", () => {
  it("asks, and anything but yes changes nothing", async () => {
    env.markAws();
    const r = await onTerminal(["apply", "-c", config], "no");
    expect(r.screen).toContain('Only "yes" is accepted');
    expect(r.screen).toContain(ROLE_ARN.split("/")[1] ?? "");
    expect(r.screen).toContain("Nothing was changed.");
    expect(r.code).toBe(1);
    expect(env.awsCalls().filter((c) => isAwsWrite(c.action))).toEqual([]);
    expect((await readAwsAuth())?.data?.["mapRoles"]).toBe(NODE_ROLES);
  });

  it("yes runs the steps with the task list, and the changes are made", async () => {
    const r = await onTerminal(["apply", "-c", config], "yes", 160);
    expect(r.code).toBe(0);
    // listr2's task list: each step's title with its mark, in place of the plain [i/n] lines.
    expect(r.screen).not.toMatch(/\[\d+\/\d+\]/);
    expect(r.screen).toMatch(/✔ \+ IAM role eksgate-payments/u);
    expect(r.screen).toMatch(/✔ ~ kube-system\/aws-auth on /u);
    const mapRoles = (await readAwsAuth())?.data?.["mapRoles"] ?? "";
    expect(mapRoles).toContain(ROLE_ARN);
    expect(mapRoles).toContain(`arn:aws:iam::${ACCOUNT}:role/nodes`);
  });

  it("a terminal that reports no width gets plain progress lines, one per step", async () => {
    // Undo the first apply's aws-auth entry and RoleBinding so that there is something to do.
    await resetCluster({ mapRoles: NODE_ROLES });
    const r = await onTerminal(["apply", "-c", config], "yes");
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(/\[1\/2\] ~ kube-system\/aws-auth on \S+: done/u);
    expect(r.screen).toMatch(/\[2\/2\] \+ RoleBinding \S+ on \S+: done/u);
    expect((await readAwsAuth())?.data?.["mapRoles"]).toContain(ROLE_ARN);
  });
});
