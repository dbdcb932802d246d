// The in-memory port fakes (test/support/fakes) against the port contracts. The same suites
// run against the real adapters in test/integration/port-contracts.test.ts; both passing is
// what lets the engine's unit tests trust the fakes (docs/specs/port-fakes.md).
import { describeEksPortContract } from "../support/contracts/eks-port.js";
import { describeIamPortContract } from "../support/contracts/iam-port.js";
import { describeIdentityCenterPortContract } from "../support/contracts/identity-center-port.js";
import { FakeIdentityCenter } from "../support/fakes/identity-center.js";
import { describeKubePortContract } from "../support/contracts/kube-port.js";
import { FakeClock } from "../support/fakes/clock.js";
import { FakeEks } from "../support/fakes/eks.js";
import { FakeIam } from "../support/fakes/iam.js";
import { FakeKube } from "../support/fakes/kube.js";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";

describeIamPortContract({
  name: "FakeIam",
  setup: () => {
    const callerArn = `arn:aws:iam::${ACCOUNT}:user/ana`;
    const iam = new FakeIam({ accountId: ACCOUNT, clock: new FakeClock(), callerArn });
    return Promise.resolve({
      iam,
      accountId: ACCOUNT,
      callerArn,
      createGroup: (name) => {
        iam.createGroup(name);
        return Promise.resolve();
      },
      createRoleAt: (name, path) => {
        iam.seedRole({
          name,
          path,
          roleId: `AROA${name.length}FAKE${path.length}`.toUpperCase().padEnd(21, "X"),
          createDate: "2026-01-01T00:00:00.000Z",
          trustPolicy: { Version: "2012-10-17", Statement: [] },
          tags: [],
          inlinePolicies: {},
        });
        return Promise.resolve();
      },
    });
  },
});

describeEksPortContract({
  name: "FakeEks",
  setup: () => {
    const clock = new FakeClock();
    const iam = new FakeIam({ accountId: ACCOUNT, clock });
    const eks = new FakeEks({ accountId: ACCOUNT, region: REGION, clock, iam });
    return Promise.resolve({
      eks,
      accountId: ACCOUNT,
      region: REGION,
      seedCluster: (name, mode) => {
        eks.seedCluster(name, mode);
        return Promise.resolve();
      },
      createRole: async (name) =>
        (
          await iam.createRole({
            name,
            trustPolicy: { Version: "2012-10-17", Statement: [] },
            description: "",
            tags: [],
          })
        ).arn,
    });
  },
});

describeKubePortContract({
  name: "FakeKube",
  setup: () => {
    const kube = new FakeKube("test");
    let counter = 0;
    return Promise.resolve({
      kube,
      uniqueName: (prefix) => `${prefix}-${++counter}`,
      createNamespace: (name) => {
        kube.createNamespace(name);
        return Promise.resolve();
      },
      createObject: (object) => {
        kube.createObject(object);
        return Promise.resolve();
      },
    });
  },
});

describeIdentityCenterPortContract({
  name: "FakeIdentityCenter",
  setup: () => {
    // Requests that stay pending for a poll, as Identity Center's often do (C8).
    const port = new FakeIdentityCenter({ pendingPolls: 1 });
    return Promise.resolve({ port, createGroup: (name) => Promise.resolve(port.createGroup(name)) });
  },
});
