import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Cluster } from "../../src/core/model/access-config.js";
import { teamKubeconfigEntries } from "../../src/core/kubeconfig/entries.js";
import {
  formatKubeconfig,
  mergeKubeconfig,
  parseKubeconfigText,
  type JsonObject,
} from "../../src/core/kubeconfig/merge.js";

const cluster: Cluster = {
  name: "prod",
  region: "eu-west-1",
  authentication: "aws-auth",
  arn: "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
  accountId: "111122223333",
};
const team = {
  name: "payments",
  roleArn: "arn:aws:iam::111122223333:role/eksgate-payments",
  iamGroup: "payments-devs",
};
const endpoint = { server: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", certificateAuthorityData: "Q0EK" };
const ours = teamKubeconfigEntries(team, cluster, endpoint, { exec: "eksgate" });

/** A kubeconfig with another cluster, an entry of ours to replace, and fields eksgate does not know. */
const EXISTING = `apiVersion: v1
kind: Config
clusters:
  - name: kind-dev
    cluster:
      server: https://127.0.0.1:6443
      certificate-authority-data: S0lORA==
  - name: ${cluster.arn}
    cluster:
      server: https://old.example
      certificate-authority: /tmp/old-ca.pem
      proxy-url: http://proxy.corp:3128
      extensions:
        - name: corp
          extension: { team: payments }
contexts:
  - name: kind-dev
    context: { cluster: kind-dev, user: kind-dev, namespace: sandbox }
  - name: ${cluster.arn}
    context: { cluster: ${cluster.arn}, user: ${cluster.arn}, namespace: payments }
users:
  - name: kind-dev
    user:
      client-certificate-data: Q0VSVA==
      client-key-data: S0VZ
  - name: ${cluster.arn}
    user:
      token: stale-static-token
current-context: kind-dev
preferences: { colors: true }
extensions:
  - name: my-tool
    extension: { lastUsed: kind-dev }
`;

function existing(): JsonObject {
  const parsed = parseKubeconfigText(EXISTING, "config");
  if (!parsed.ok) throw new Error(parsed.diagnostics[0]?.summary);
  return parsed.value;
}

function named(doc: JsonObject, list: string, name: string): JsonObject | undefined {
  return (doc[list] as JsonObject[]).find((e) => e["name"] === name);
}

describe("mergeKubeconfig", () => {
  it("keeps every other entry and unknown top-level field untouched", () => {
    const before = existing();
    const { document } = mergeKubeconfig(before, ours, { setCurrentContext: false });
    for (const list of ["clusters", "contexts", "users"]) {
      expect(named(document, list, "kind-dev")).toEqual(named(before, list, "kind-dev"));
    }
    expect(document["preferences"]).toEqual({ colors: true });
    expect(document["extensions"]).toEqual([{ name: "my-tool", extension: { lastUsed: "kind-dev" } }]);
    expect(document["current-context"]).toBe("kind-dev");
  });

  it("replaces only our entries, in place, keeping their harmless fields", () => {
    const { document, changes } = mergeKubeconfig(existing(), ours, { setCurrentContext: false });
    expect((document["clusters"] as JsonObject[]).map((c) => c["name"])).toEqual(["kind-dev", cluster.arn]);
    expect(named(document, "clusters", cluster.arn)).toEqual({
      name: cluster.arn,
      cluster: {
        server: endpoint.server,
        "certificate-authority-data": "Q0EK",
        "proxy-url": "http://proxy.corp:3128",
        extensions: [{ name: "corp", extension: { team: "payments" } }],
      },
    });
    // A static token next to exec would win over it: the user's credentials are replaced whole.
    expect(named(document, "users", cluster.arn)).toEqual({
      name: cluster.arn,
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "eksgate-token",
          args: [
            "--cluster-name",
            "prod",
            "--region",
            "eu-west-1",
            "--role-arn",
            team.roleArn,
            "--group",
            "payments-devs",
          ],
          interactiveMode: "Never",
        },
      },
    });
    expect(named(document, "contexts", cluster.arn)?.["context"]).toEqual({
      cluster: cluster.arn,
      user: cluster.arn,
      namespace: "payments",
    });
    expect(changes.map((c) => `${c.kind}:${c.action}`)).toEqual([
      "cluster:replace",
      "user:replace",
      "context:unchanged",
      "current-context:unchanged",
    ]);
  });

  it("sets the current context only when asked, or when there is none", () => {
    const asked = mergeKubeconfig(existing(), ours, { setCurrentContext: true });
    expect(asked.document["current-context"]).toBe(cluster.arn);
    expect(asked.changes.at(-1)).toEqual({ kind: "current-context", name: cluster.arn, action: "replace" });

    const fresh = mergeKubeconfig({}, ours, { setCurrentContext: false });
    expect(fresh.document["current-context"]).toBe(cluster.arn);
    expect(fresh.changes.map((c) => c.action)).toEqual(["add", "add", "add", "add"]);
  });

  it("builds a complete kubeconfig from nothing", () => {
    const { document } = mergeKubeconfig({}, ours, { setCurrentContext: false });
    const text = formatKubeconfig(document);
    expect(parse(text)).toEqual({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: cluster.arn, cluster: { server: endpoint.server, "certificate-authority-data": "Q0EK" } },
      ],
      contexts: [{ name: cluster.arn, context: { cluster: cluster.arn, user: cluster.arn } }],
      users: [{ name: cluster.arn, user: JSON.parse(JSON.stringify(ours.user.user)) as unknown }],
      "current-context": cluster.arn,
      preferences: {},
    });
  });

  it("is idempotent: merging twice reports no change and gives the same text", () => {
    const once = mergeKubeconfig(existing(), ours, { setCurrentContext: true });
    const twice = mergeKubeconfig(once.document, ours, { setCurrentContext: true });
    expect(twice.changes.every((c) => c.action === "unchanged")).toBe(true);
    expect(formatKubeconfig(twice.document)).toBe(formatKubeconfig(once.document));
  });

  it("replaces the `eksgate token` entry of an earlier version with `eksgate-token`, and writes the former when asked", () => {
    const node = teamKubeconfigEntries(team, cluster, endpoint, { exec: "eksgate", plugin: "eksgate" });
    expect(node.user.user.exec.command).toBe("eksgate");
    expect(node.user.user.exec.args).toEqual(["token", ...ours.user.user.exec.args]);
    const before = mergeKubeconfig(existing(), node, { setCurrentContext: false }).document;
    const { document, changes } = mergeKubeconfig(before, ours, { setCurrentContext: false });
    expect(changes.find((c) => c.kind === "user")?.action).toBe("replace");
    expect(named(document, "users", cluster.arn)).toEqual(ours.user);
  });

  it("writes the aws form with the profile, and an alias names user and context", () => {
    const aws = teamKubeconfigEntries(team, cluster, endpoint, {
      exec: "aws",
      profileName: "eksgate-payments",
      alias: "prod-payments",
    });
    expect(aws.user.name).toBe("prod-payments");
    expect(aws.context).toEqual({
      name: "prod-payments",
      context: { cluster: cluster.arn, user: "prod-payments" },
    });
    expect(aws.user.user.exec.command).toBe("aws");
    expect(aws.user.user.exec.args.slice(-2)).toEqual(["--profile", "eksgate-payments"]);
    expect(aws.user.user.exec.args).not.toContain("--role-arn");
  });
});

describe("parseKubeconfigText", () => {
  it("treats an empty file as an empty kubeconfig", () => {
    expect(parseKubeconfigText("", "f")).toEqual({ ok: true, value: {} });
    expect(parseKubeconfigText("# nothing yet\n", "f")).toEqual({ ok: true, value: {} });
  });

  it("refuses what it could not write back faithfully", () => {
    const cases = [
      "clusters: [\n", // broken YAML
      "- a\n- b\n", // not a mapping
      "apiVersion: v1\nkind: Pod\n", // another kind of object
      "clusters: not-a-list\n",
    ];
    for (const text of cases) {
      const parsed = parseKubeconfigText(text, "f");
      expect(parsed.ok, text).toBe(false);
    }
  });
});
