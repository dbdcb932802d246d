import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import {
  awsCliExecUser,
  awsCliProfile,
  eksgateExecUser,
  formatAwsConfigProfile,
  kubeconfigCluster,
  kubeconfigContext,
  kubeconfigDocument,
  teamProfileName,
  validateAwsCliProfile,
} from "../../src/core/model/kubeconfig-entry.js";
import { expectGolden } from "../support/golden.js";
import { DEV, exampleConfig, team, teamNamed } from "../support/example-access-config.js";

describe("kubeconfig entries (golden)", () => {
  const config = exampleConfig();
  const rnd = teamNamed(config, "rnd");

  it("matches the golden kubeconfig with the eksgate exec plugin", () => {
    const doc = kubeconfigDocument({
      clusters: [kubeconfigCluster(DEV, "https://ABCDEF.gr7.us-east-2.eks.amazonaws.com", "Q0EtREFUQQ==")],
      contexts: [kubeconfigContext(DEV)],
      users: [eksgateExecUser(rnd, DEV)],
    });
    expectGolden("kubeconfig/rnd-eksgate.yaml", stringify(doc));
  });

  it("matches the golden kubeconfig user and AWS profile for the aws CLI form", () => {
    const profile = awsCliProfile(rnd, { sourceProfile: "default", roleSessionName: "alice" });
    const user = awsCliExecUser(DEV, profile.name);
    expectGolden("kubeconfig/rnd-aws-user.yaml", stringify({ users: [user] }));
    expectGolden("kubeconfig/rnd-aws-config.ini", formatAwsConfigProfile(profile));
  });
});

describe("eksgateExecUser", () => {
  it("runs `eksgate-token` with cluster, region, role and group, v1 and never interactive, named after the cluster ARN", () => {
    const t = team("rnd");
    expect(eksgateExecUser(t, DEV)).toEqual({
      name: "arn:aws:eks:us-east-2:123456789123:cluster/dev.my-eks-cluster",
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "eksgate-token",
          args: [
            "--cluster-name",
            "dev.my-eks-cluster",
            "--region",
            "us-east-2",
            "--role-arn",
            "arn:aws:iam::123456789123:role/eksgate-rnd",
            "--group",
            t.iamGroup,
          ],
          interactiveMode: "Never",
        },
      },
    });
  });

  it("runs `eksgate token` with the same arguments where there is no POSIX shell", () => {
    const t = team("rnd");
    const shim = eksgateExecUser(t, DEV).user.exec;
    const node = eksgateExecUser(t, DEV, { plugin: "eksgate" }).user.exec;
    expect(node.command).toBe("eksgate");
    expect(node.args).toEqual(["token", ...shim.args]);
    expect({ ...node, command: shim.command, args: shim.args }).toEqual(shim);
  });

  it("takes another name for user and context when asked", () => {
    expect(eksgateExecUser(team("rnd"), DEV, { name: "dev-rnd" }).name).toBe("dev-rnd");
    expect(kubeconfigContext(DEV, { name: "dev-rnd" })).toEqual({
      name: "dev-rnd",
      context: { cluster: DEV.arn, user: "dev-rnd" },
    });
  });
});

describe("aws CLI form", () => {
  it("runs `aws eks get-token` with the profile, JSON output and the cluster's region", () => {
    const user = awsCliExecUser(DEV, "eksgate-rnd");
    expect(user.name).toBe(DEV.arn);
    expect(user.user.exec.command).toBe("aws");
    expect(user.user.exec.args).toEqual([
      "--region",
      "us-east-2",
      "eks",
      "get-token",
      "--cluster-name",
      "dev.my-eks-cluster",
      "--output",
      "json",
      "--profile",
      "eksgate-rnd",
    ]);
    expect(user.user.exec.args).not.toContain("--role-arn");
    expect(user.user.exec.interactiveMode).toBe("Never");
  });

  it("describes the profile as role_arn, source_profile and role_session_name", () => {
    const t = team("rnd");
    const profile = awsCliProfile(t, { sourceProfile: "work", roleSessionName: "alice" });
    expect(profile).toEqual({
      name: teamProfileName(t),
      settings: { role_arn: t.roleArn, source_profile: "work", role_session_name: "alice" },
    });
    expect(formatAwsConfigProfile(profile)).toBe(
      "[profile eksgate-rnd]\nrole_arn = arn:aws:iam::123456789123:role/eksgate-rnd\nsource_profile = work\nrole_session_name = alice\n",
    );
  });

  it("requires a session name for `caller` teams and checks its form", () => {
    const caller = team("rnd");
    const free = team("ops", { sessionName: "free" });
    expect(
      validateAwsCliProfile(caller, awsCliProfile(caller, { sourceProfile: "d" }), "p").map((d) => d.code),
    ).toEqual(["KCFG101"]);
    expect(validateAwsCliProfile(free, awsCliProfile(free, { sourceProfile: "d" }), "p")).toEqual([]);
    expect(
      validateAwsCliProfile(
        caller,
        awsCliProfile(caller, { sourceProfile: "d", roleSessionName: "alice smith" }),
        "p",
      ).map((d) => d.code),
    ).toEqual(["KCFG102"]);
    expect(
      validateAwsCliProfile(
        caller,
        awsCliProfile(caller, { sourceProfile: "d", roleSessionName: "alice@corp.example" }),
        "p",
      ),
    ).toEqual([]);
  });
});

describe("kubeconfigDocument", () => {
  it("makes the first context current unless told otherwise", () => {
    const contexts = [kubeconfigContext(DEV), kubeconfigContext(DEV, { name: "other" })];
    expect(kubeconfigDocument({ clusters: [], contexts, users: [] })["current-context"]).toBe(DEV.arn);
    expect(
      kubeconfigDocument({ clusters: [], contexts, users: [], currentContext: "other" })["current-context"],
    ).toBe("other");
    expect("current-context" in kubeconfigDocument({ clusters: [], contexts: [], users: [] })).toBe(false);
  });
});
