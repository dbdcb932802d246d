// The port contracts (test/support/contracts) against the real adapters and what they talk
// to: IamPort over moto, EksPort over the EKS access-entry double, KubePort over the real
// kube-apiserver. The same suites run against the in-memory fakes in
// test/unit/port-fakes.test.ts (docs/specs/port-fakes.md).
import { afterAll, beforeAll } from "vitest";
import { createEksPort } from "../../src/adapters/aws/eks.js";
import { createIamPort } from "../../src/adapters/aws/iam.js";
import { createIdentityCenterPort } from "../../src/adapters/aws/identity-center.js";
import { CreateGroupCommand, IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { resolveKubeConnection } from "../../src/adapters/kube/connection.js";
import { createKubePort } from "../../src/adapters/kube/kube-port.js";
import { describeEksPortContract } from "../support/contracts/eks-port.js";
import { describeIamPortContract } from "../support/contracts/iam-port.js";
import { describeIdentityCenterPortContract } from "../support/contracts/identity-center-port.js";
import { describeKubePortContract } from "../support/contracts/kube-port.js";
import {
  awsClients,
  createGroup,
  createRole,
  createRoleAt,
  createUserWithAccessKey,
  SEED_CREDENTIALS,
  type AwsClients,
  type PolicyDocument,
} from "../env/aws-seed.js";
import { adminRequest, kubeEnv, uniqueName } from "../env/context.js";
import { type EksDouble, startEksDouble } from "../env/eks-double/index.js";
import { MOTO_ACCOUNT_ID, type MotoServer, startMoto } from "../env/moto.js";

const REGION = "eu-west-1";
const TRUST: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT_ID}:root` }, Action: "sts:AssumeRole" },
  ],
};

let moto: MotoServer;
let double: EksDouble;
let seed: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  double = await startEksDouble({ iamEndpoint: moto.endpoint, region: REGION });
  seed = awsClients(moto.endpoint, SEED_CREDENTIALS, REGION);
});

afterAll(async () => {
  seed.iam.destroy();
  seed.sts.destroy();
  await double.stop();
  await moto.stop();
});

describeIamPortContract({
  name: "the IAM adapter over moto",
  timeout: 60_000,
  setup: async () => {
    await moto.reset();
    const user = await createUserWithAccessKey(seed.iam, "contract-caller");
    const iam = createIamPort({
      region: REGION,
      credentials: user.credentials,
      endpoints: { iam: moto.endpoint, sts: moto.endpoint },
      maxAttempts: 1,
    });
    return {
      iam,
      accountId: MOTO_ACCOUNT_ID,
      callerArn: user.arn,
      createGroup: async (name) => {
        await createGroup(seed.iam, name);
      },
      createRoleAt: async (name, path) => {
        await createRoleAt(seed.iam, name, path, TRUST);
      },
    };
  },
});

describeEksPortContract({
  name: "the EKS adapter over the access-entry double",
  timeout: 60_000,
  setup: async () => {
    await moto.reset();
    double.reset();
    const eks = createEksPort({
      region: REGION,
      credentials: SEED_CREDENTIALS,
      endpoint: double.endpoint,
      maxAttempts: 1,
    });
    return {
      eks,
      accountId: double.accountId,
      region: REGION,
      seedCluster: (name, mode) => {
        double.seedCluster({
          name,
          authenticationMode: mode,
          bootstrapClusterCreatorAdminPermissions: false,
        });
        return Promise.resolve();
      },
      createRole: (name) => createRole(seed.iam, name, TRUST),
    };
  },
});

describeIdentityCenterPortContract({
  name: "the Identity Center adapter over moto (sso-admin, identitystore)",
  timeout: 60_000,
  setup: async () => {
    await moto.reset();
    const endpoints = { ssoAdmin: moto.endpoint, identityStore: moto.endpoint };
    const port = createIdentityCenterPort({
      region: REGION,
      credentials: SEED_CREDENTIALS,
      endpoints,
      maxAttempts: 1,
    });
    const store = new IdentitystoreClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: SEED_CREDENTIALS,
    });
    return {
      port,
      createGroup: async (displayName) => {
        const storeId = (await port.listInstances())[0]?.identityStoreId ?? "";
        const out = await store.send(
          new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: displayName }),
        );
        if (out.GroupId === undefined) throw new Error("moto made a group without an id");
        return out.GroupId;
      },
    };
  },
});

describeKubePortContract({
  name: "the Kubernetes adapter over the real kube-apiserver",
  timeout: 60_000,
  setup: async () => {
    const env = kubeEnv();
    const connection = await resolveKubeConnection({
      kubeconfigPath: env.adminKubeconfig,
      context: "eksgate-test-admin",
      cluster: {
        name: "eksgate-test",
        arn: "arn:aws:eks:eu-west-1:111122223333:cluster/eksgate-test",
        endpoint: env.server,
      },
    });
    if (!connection.ok) throw new Error(connection.diagnostics.map((d) => d.summary).join("; "));
    const created = async (method: string, path: string, body: unknown): Promise<void> => {
      const res = await adminRequest(method, path, body);
      if (res.status !== 201) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.body}`);
    };
    return {
      kube: createKubePort(connection.value),
      uniqueName,
      createNamespace: (name) =>
        created("POST", "/api/v1/namespaces", {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name, labels: { "eksgate.test/namespace": "true" } },
        }),
      createObject: (object) => {
        const base = "/apis/rbac.authorization.k8s.io/v1";
        const path =
          object.kind === "RoleBinding"
            ? `${base}/namespaces/${object.metadata.namespace}/rolebindings`
            : `${base}/${object.kind === "ClusterRole" ? "clusterroles" : "clusterrolebindings"}`;
        return created("POST", path, object);
      },
    };
  },
});
