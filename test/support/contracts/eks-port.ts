// The EksPort contract: rules E1-E5 of docs/specs/port-fakes.md, as one suite that runs
// against the in-memory fake (unit tier) and against the real adapter over the EKS
// access-entry double (integration tier).
import { describe, expect, it } from "vitest";
import type { ClusterAuthenticationMode, EksPort } from "../../../src/ports/eks.js";
import { portFailure } from "./iam-port.js";

export interface EksUnderTest {
  readonly eks: EksPort;
  readonly accountId: string;
  readonly region: string;
  /** Puts a cluster in place (EksPort cannot make one). */
  readonly seedCluster: (name: string, mode: ClusterAuthenticationMode) => Promise<void>;
  /** Makes an IAM role an entry can be for; returns its ARN. */
  readonly createRole: (name: string) => Promise<string>;
}

export interface EksContractSubject {
  readonly name: string;
  /** No clusters and no roles, for one test. */
  setup(): Promise<EksUnderTest>;
  readonly timeout?: number;
}

const POLICY = (name: string): string => `arn:aws:eks::aws:cluster-access-policy/${name}`;

export function describeEksPortContract(subject: EksContractSubject): void {
  const timeout = subject.timeout ?? 30_000;
  const entryFor = (principalArn: string, team: string) => ({
    principalArn,
    kubernetesGroups: [`eksgate:${team}`],
    username: `eksgate:${team}:{{SessionName}}`,
    tags: { "eksgate.dev/managed-by": "eksgate", "eksgate.dev/team": team },
  });

  describe(`EksPort contract: ${subject.name}`, () => {
    it(
      "E1: describeCluster answers undefined for a missing cluster, and the ARN, endpoint, CA and mode of one that exists",
      { timeout },
      async () => {
        const { eks, accountId, region, seedCluster } = await subject.setup();
        expect(await eks.describeCluster("nowhere")).toBeUndefined();
        await seedCluster("dev", "API_AND_CONFIG_MAP");
        const cluster = await eks.describeCluster("dev");
        expect(cluster).toMatchObject({
          name: "dev",
          arn: `arn:aws:eks:${region}:${accountId}:cluster/dev`,
          authenticationMode: "API_AND_CONFIG_MAP",
        });
        expect(cluster?.endpoint).toMatch(/^https:\/\//);
        expect(cluster?.certificateAuthorityData).not.toBe("");
      },
    );

    it("E2: a CONFIG_MAP cluster refuses the access-entry calls (invalid)", { timeout }, async () => {
      const { eks, seedCluster, createRole } = await subject.setup();
      await seedCluster("legacy", "CONFIG_MAP");
      const arn = await createRole("eksgate-legacy");
      for (const call of [
        () => eks.listAccessEntries("legacy"),
        () => eks.createAccessEntry("legacy", entryFor(arn, "legacy")),
        () => eks.describeAccessEntry("legacy", arn),
      ]) {
        expect((await portFailure(call)).kind).toBe("invalid");
      }
    });

    it(
      "E3: createAccessEntry makes a STANDARD entry with groups, username, tags and a creation time; a second one is already-exists; an unknown principal is invalid",
      { timeout },
      async () => {
        const { eks, seedCluster, createRole } = await subject.setup();
        await seedCluster("prod", "API");
        const arn = await createRole("eksgate-web");
        await eks.createAccessEntry("prod", entryFor(arn, "web"));
        const entry = await eks.describeAccessEntry("prod", arn);
        expect(entry).toMatchObject({
          principalArn: arn,
          type: "STANDARD",
          kubernetesGroups: ["eksgate:web"],
          username: "eksgate:web:{{SessionName}}",
          tags: { "eksgate.dev/managed-by": "eksgate", "eksgate.dev/team": "web" },
        });
        expect(entry?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

        const again = await portFailure(() =>
          eks.createAccessEntry("prod", { ...entryFor(arn, "web"), username: "other:{{SessionName}}" }),
        );
        expect(again.kind).toBe("already-exists");
        expect((await eks.describeAccessEntry("prod", arn))?.username).toBe("eksgate:web:{{SessionName}}");

        const ghost = arn.replace("eksgate-web", "eksgate-ghost");
        expect((await portFailure(() => eks.createAccessEntry("prod", entryFor(ghost, "ghost")))).kind).toBe(
          "invalid",
        );
      },
    );

    it(
      "E4: describe of a missing entry is undefined; update replaces groups and username; update and delete of a missing entry are not-found; list names the principals",
      { timeout },
      async () => {
        const { eks, seedCluster, createRole } = await subject.setup();
        await seedCluster("prod", "API_AND_CONFIG_MAP");
        const web = await createRole("eksgate-web");
        const ops = await createRole("eksgate-ops");
        expect(await eks.describeAccessEntry("prod", web)).toBeUndefined();
        await eks.createAccessEntry("prod", entryFor(web, "web"));
        await eks.createAccessEntry("prod", entryFor(ops, "ops"));
        expect([...(await eks.listAccessEntries("prod"))].sort()).toEqual([ops, web].sort());

        await eks.updateAccessEntry("prod", {
          principalArn: web,
          kubernetesGroups: ["eksgate:web", "viewers"],
          username: "eksgate:web2:{{SessionName}}",
        });
        expect(await eks.describeAccessEntry("prod", web)).toMatchObject({
          kubernetesGroups: ["eksgate:web", "viewers"],
          username: "eksgate:web2:{{SessionName}}",
        });

        await eks.deleteAccessEntry("prod", web);
        expect(await eks.describeAccessEntry("prod", web)).toBeUndefined();
        expect(await eks.listAccessEntries("prod")).toEqual([ops]);
        for (const call of [
          () => eks.deleteAccessEntry("prod", web),
          () => eks.updateAccessEntry("prod", { principalArn: web, kubernetesGroups: [], username: "a:b" }),
        ]) {
          expect((await portFailure(call)).kind).toBe("not-found");
        }
      },
    );

    it(
      "E5: access policies: associate, replace the scope, list, disassociate; one not associated is not-found; deleting the entry removes them",
      { timeout },
      async () => {
        const { eks, seedCluster, createRole } = await subject.setup();
        await seedCluster("prod", "API");
        const web = await createRole("eksgate-web");
        await eks.createAccessEntry("prod", entryFor(web, "web"));
        expect(await eks.listAssociatedAccessPolicies("prod", web)).toEqual([]);
        await eks.associateAccessPolicy("prod", web, {
          policyArn: POLICY("AmazonEKSEditPolicy"),
          accessScope: { type: "namespace", namespaces: ["web"] },
        });
        await eks.associateAccessPolicy("prod", web, {
          policyArn: POLICY("AmazonEKSViewPolicy"),
          accessScope: { type: "cluster" },
        });
        await eks.associateAccessPolicy("prod", web, {
          policyArn: POLICY("AmazonEKSEditPolicy"),
          accessScope: { type: "namespace", namespaces: ["web", "web-*"] },
        });
        const listed = [...(await eks.listAssociatedAccessPolicies("prod", web))].sort((a, b) =>
          a.policyArn < b.policyArn ? -1 : 1,
        );
        expect(listed).toEqual([
          {
            policyArn: POLICY("AmazonEKSEditPolicy"),
            accessScope: { type: "namespace", namespaces: ["web", "web-*"] },
          },
          { policyArn: POLICY("AmazonEKSViewPolicy"), accessScope: { type: "cluster" } },
        ]);

        await eks.disassociateAccessPolicy("prod", web, POLICY("AmazonEKSViewPolicy"));
        expect(
          (await portFailure(() => eks.disassociateAccessPolicy("prod", web, POLICY("AmazonEKSViewPolicy"))))
            .kind,
        ).toBe("not-found");

        await eks.deleteAccessEntry("prod", web);
        await eks.createAccessEntry("prod", entryFor(web, "web"));
        expect(await eks.listAssociatedAccessPolicies("prod", web)).toEqual([]);
      },
    );

    it(
      "E6: updateAuthenticationMode moves one step forward only and answers an update id DescribeUpdate knows; back, a skipped or the same mode is invalid",
      { timeout },
      async () => {
        const { eks, seedCluster } = await subject.setup();
        await seedCluster("old", "CONFIG_MAP");
        for (const mode of ["API", "CONFIG_MAP"] as const) {
          expect((await portFailure(() => eks.updateAuthenticationMode("old", mode))).kind).toBe("invalid");
        }
        const id = await eks.updateAuthenticationMode("old", "API_AND_CONFIG_MAP");
        expect((await eks.describeCluster("old"))?.authenticationMode).toBe("API_AND_CONFIG_MAP");
        const update = await eks.describeUpdate("old", id);
        expect(update?.id).toBe(id);
        expect(["InProgress", "Successful"]).toContain(update?.status);
        expect(await eks.describeUpdate("old", "00000000-0000-4000-8000-000000000000")).toBeUndefined();
        expect((await portFailure(() => eks.updateAuthenticationMode("old", "CONFIG_MAP"))).kind).toBe(
          "invalid",
        );
        await eks.updateAuthenticationMode("old", "API");
        expect((await eks.describeCluster("old"))?.authenticationMode).toBe("API");
        expect((await portFailure(() => eks.updateAuthenticationMode("old", "API"))).kind).toBe("invalid");
        expect((await portFailure(() => eks.updateAuthenticationMode("nowhere", "API"))).kind).toBe(
          "not-found",
        );
      },
    );

    it(
      "E7: createAccessEntry with a node type takes no groups and no username (EKS fills them in); a node type with groups is invalid",
      { timeout },
      async () => {
        const { eks, seedCluster, createRole } = await subject.setup();
        await seedCluster("prod", "API_AND_CONFIG_MAP");
        const nodes = await createRole("nodes");
        await eks.createAccessEntry("prod", {
          principalArn: nodes,
          type: "EC2_LINUX",
          kubernetesGroups: [],
          tags: {},
        });
        const entry = await eks.describeAccessEntry("prod", nodes);
        expect(entry?.type).toBe("EC2_LINUX");
        expect(entry?.username).toBe("system:node:{{EC2PrivateDNSName}}");
        const fargate = await createRole("fargate");
        const refused = await portFailure(() =>
          eks.createAccessEntry("prod", {
            principalArn: fargate,
            type: "FARGATE_LINUX",
            kubernetesGroups: ["extra"],
            tags: {},
          }),
        );
        expect(refused.kind).toBe("invalid");
        expect(await eks.describeAccessEntry("prod", fargate)).toBeUndefined();
      },
    );

    it(
      "E8: listAccessPolicies names the AWS-owned policies with their ARNs, the general-purpose five among them",
      { timeout },
      async () => {
        const { eks } = await subject.setup();
        const listed = await eks.listAccessPolicies();
        for (const name of [
          "AmazonEKSAdminPolicy",
          "AmazonEKSAdminViewPolicy",
          "AmazonEKSClusterAdminPolicy",
          "AmazonEKSEditPolicy",
          "AmazonEKSViewPolicy",
        ]) {
          expect(listed).toContainEqual({ name, arn: POLICY(name) });
        }
        expect(new Set(listed.map((p) => p.arn)).size).toBe(listed.length);
      },
    );
  });
}
