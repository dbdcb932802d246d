// The kubeconfig use case (engine/kubeconfig.ts) with in-memory ports: DescribeCluster from
// the EKS fake (test/support/fakes/eks.ts, contract-tested), the files from FakeUserFiles
// (contract-tested with the real adapter). The command end to end, with the real adapters,
// is test/integration/kubeconfig-cli.test.ts.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { KubeconfigTarget } from "../../src/core/kubeconfig/target.js";
import {
  writeTeamAwsProfile,
  writeTeamKubeconfig,
  type KubeconfigRequest,
} from "../../src/engine/kubeconfig.js";
import type { ClusterAccessPort } from "../../src/ports/cluster-access.js";
import { awsFailure } from "../support/fakes/aws-errors.js";
import { FakeClock } from "../support/fakes/clock.js";
import { FakeEks } from "../support/fakes/eks.js";
import { FakeUserFiles } from "../support/fakes/user-files.js";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/eksgate-payments`;
const TARGET: KubeconfigTarget = {
  cluster: {
    name: "prod",
    region: REGION,
    authentication: "aws-auth",
    arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod`,
    accountId: ACCOUNT,
  },
  team: { name: "payments", roleArn: ROLE, iamGroup: "payments-devs" },
  sessionNamePolicy: "caller",
  clusterField: "clusters[0].name",
};

interface World {
  readonly files: FakeUserFiles;
  readonly aws: ClusterAccessPort;
  /** Who asked GetCallerIdentity and which role sessions read the cluster. */
  readonly calls: string[];
}

function world(options: { readonly deniedToCaller?: boolean } = {}): World {
  const eks = new FakeEks({ accountId: ACCOUNT, region: REGION, clock: new FakeClock() });
  eks.seedCluster("prod", "CONFIG_MAP");
  const calls: string[] = [];
  const aws: ClusterAccessPort = {
    describeCluster: (cluster) =>
      options.deniedToCaller === true
        ? Promise.reject(awsFailure("eks", "DescribeCluster", "AccessDeniedException", 403, "not you"))
        : eks.describeCluster(cluster.name),
    describeClusterAsRole: (cluster, roleArn, sessionName) => {
      calls.push(`as ${roleArn} ${sessionName}`);
      return eks.describeCluster(cluster.name);
    },
    callerArn: (_region, credentials) => {
      calls.push(credentials.from === "chain" ? "caller chain" : `caller ${credentials.profile}`);
      return Promise.resolve(`arn:aws:iam::${ACCOUNT}:user/ana`);
    },
  };
  return { files: new FakeUserFiles("/home/ana"), aws, calls };
}

function run(w: World, request: Partial<KubeconfigRequest> = {}) {
  return writeTeamKubeconfig(
    { target: TARGET, exec: "eksgate", ...request },
    { aws: w.aws, files: w.files, host: { windows: false } },
  );
}

describe("the kubeconfig use case", () => {
  it("writes the three entries, named after the cluster ARN, with the eksgate-token exec user", async () => {
    const w = world();
    const result = await run(w);
    expect(result.ok).toBe(true);
    const written = parse(w.files.files.get("/home/ana/.kube/config") ?? "") as {
      users: { name: string; user: { exec: { command: string; args: string[] } } }[];
    };
    expect(written.users[0]?.name).toBe(TARGET.cluster.arn);
    expect(written.users[0]?.user.exec.command).toBe("eksgate-token");
    expect(written.users[0]?.user.exec.args).toEqual([
      "--cluster-name",
      "prod",
      "--region",
      REGION,
      "--role-arn",
      ROLE,
      "--group",
      "payments-devs",
    ]);
    expect(result.ok && result.value.changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      "add cluster",
      "add user",
      "add context",
      // A new kubeconfig has no current context yet: eksgate's becomes it.
      "add current-context",
    ]);
  });

  it("runs eksgate token where there is no POSIX shell", async () => {
    const w = world();
    const result = await writeTeamKubeconfig(
      { target: TARGET, exec: "eksgate" },
      { aws: w.aws, files: w.files, host: { windows: true } },
    );
    expect(result.ok && result.value.entries.user.user.exec.command).toBe("eksgate");
    expect(result.ok && result.value.entries.user.user.exec.args[0]).toBe("token");
  });

  it("a dry run writes nothing and still reports what would change", async () => {
    const w = world();
    const result = await run(w, { dryRun: true, exec: "aws", writeAwsProfile: true });
    expect(w.files.writes).toEqual([]);
    expect(result.ok && result.value.kubeconfigWritten).toBe(false);
    expect(result.ok && result.value.awsProfile?.plan.action).toBe("add");
    expect(result.ok && result.value.awsProfile?.written).toBe(false);
  });

  it("reads the cluster as the team role when the caller may not, and says so", async () => {
    const w = world({ deniedToCaller: true });
    const result = await run(w);
    expect(result.ok).toBe(true);
    expect(w.calls).toEqual(["caller chain", `as ${ROLE} ana`]);
    expect(result.notes).toEqual([{ kind: "described-as-role", cluster: "prod", roleArn: ROLE }]);
  });

  it("an AWS profile of the same name with other settings is refused and neither file is written", async () => {
    const w = world();
    w.files.files.set(
      "/home/ana/.aws/config",
      "[profile eksgate-payments]\nrole_arn = arn:aws:iam::1:role/x\n",
    );
    const result = await run(w, { exec: "aws", writeAwsProfile: true, sourceProfile: "ana" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.diagnostics.map((d) => d.code)).toEqual(["KCFG007"]);
    expect(!result.ok && result.diagnostics[0]?.source).toEqual({
      file: "/home/ana/.aws/config",
      line: 1,
      column: 1,
    });
    expect(w.files.writes).toEqual([]);
  });

  it("asks who the caller is with the source profile's credentials, never the environment's", async () => {
    const w = world();
    const result = await run(w, { exec: "aws", writeAwsProfile: true, sourceProfile: "ana-keys" });
    expect(w.calls).toEqual(["caller ana-keys"]);
    const part = result.ok ? result.value.awsProfile : undefined;
    expect(part?.form === "role" && part.profile.settings).toEqual({
      role_arn: ROLE,
      source_profile: "ana-keys",
      role_session_name: "ana",
    });
    expect(w.files.writes).toEqual(["/home/ana/.aws/config", "/home/ana/.kube/config"]);
  });

  it("a kubeconfig that cannot be written is EG109 at --kubeconfig", async () => {
    const w = world();
    w.files.files.set("/home/ana/file", "");
    const result = await run(w, { kubeconfig: "/home/ana/file/config" });
    expect(!result.ok && result.diagnostics[0]).toMatchObject({
      code: "EG109",
      path: "--kubeconfig",
      summary: "cannot write /home/ana/file/config: /home/ana/file is a file; nothing was written",
    });
  });

  it("--aws-profile-only writes only the profile, and is refused where the entry uses none", async () => {
    const w = world();
    const deps = { aws: w.aws, files: w.files, host: { windows: false } };
    const none = await writeTeamAwsProfile({ target: TARGET, exec: "eksgate", writeAwsProfile: true }, deps);
    expect(!none.ok && none.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["KCFG001", "--aws-profile-only"],
    ]);
    const role = await writeTeamAwsProfile(
      { target: TARGET, exec: "aws", writeAwsProfile: true, sourceProfile: "ana" },
      deps,
    );
    expect(role.ok && role.value.written).toBe(true);
    expect(w.files.writes).toEqual(["/home/ana/.aws/config"]);
  });

  it("an Identity Center team's entry signs with its SSO profile, which DescribeCluster uses once it exists", async () => {
    const w = world();
    const described: string[] = [];
    const aws: ClusterAccessPort = {
      ...w.aws,
      describeCluster: (cluster, credentials) => {
        described.push(credentials?.from === "profile" ? credentials.profile : "chain");
        return w.aws.describeCluster(cluster);
      },
    };
    const deps = { aws, files: w.files, host: { windows: false } };
    const target: KubeconfigTarget = {
      ...TARGET,
      team: { name: "data", roleArn: `arn:aws:iam::${ACCOUNT}:role/eksgate-data` },
      identityCenter: {
        permissionSet: "EksgateData",
        region: "us-east-1",
        startUrl: "https://d-1.awsapps.com/start",
      },
    };
    const first = await writeTeamKubeconfig({ target, exec: "eksgate", writeAwsProfile: true }, deps);
    expect(first.ok && first.value.entries.user.user.exec.args).toEqual([
      "--cluster-name",
      "prod",
      "--region",
      REGION,
      "--profile",
      "eksgate-data",
    ]);
    expect(first.ok && first.value.awsProfile?.form).toBe("sso");
    const second = await writeTeamKubeconfig({ target, exec: "eksgate" }, deps);
    expect(second.ok).toBe(true);
    expect(described).toEqual(["chain", "eksgate-data"]);
    expect(w.calls).toEqual([]);
  });
});
