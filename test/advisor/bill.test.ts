// One bill, and savings that do not overlap. "Now" is what AWS bills for what the report covers — Fargate
// tasks and EC2 instances — with the EC2 capacity no service reserves as a line of its own; every saving
// belongs to one lever (Fargate right-sizing, EC2 hosts through the host plan, autoscaling), and the
// headline is their sum. Reconciled to the cent on the demo fleet and on a generated 500-service estate.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import type { Report } from "../../src/model/report.js";
import type { ContainerInstance, Service, Snapshot, TaskDefinition } from "../../src/model/snapshot.js";
import { toPublishedReport } from "../../src/report/json.js";
import { demoReport } from "../helpers/demo-report.js";
import { PRICES, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

const cents = (x: number) => Math.round(x * 100);
const sum = (xs: number[]) => xs.reduce((a, b) => a + cents(b), 0) / 100;

/** Every identity the totals promise, on a published (rounded) report. */
function reconcile(r: Report) {
  const t = r.totals;
  const fargate = r.services.filter((s) => s.launchType === "FARGATE");
  // Now = Fargate tasks + EC2 instances.
  expect(t.fargateMonthlyUsd).toBe(sum(fargate.map((s) => s.current.monthlyUsd ?? 0)));
  expect(t.ec2InstancesMonthlyUsd).toBe(sum(r.clusters.map((c) => c.ec2?.monthlyUsd ?? 0)));
  expect(t.nowMonthlyUsd).toBe(sum([t.fargateMonthlyUsd, t.ec2InstancesMonthlyUsd]));
  // Each EC2 cluster: its services' shares + idle = its instances.
  for (const c of r.clusters.filter((x) => x.ec2?.monthlyUsd != null)) {
    const shares = sum(r.services.filter((s) => s.cluster === c.cluster && s.launchType === "EC2").map((s) => s.current.monthlyUsd ?? 0));
    expect(c.ec2!.servicesMonthlyUsd, c.cluster).toBe(shares);
    expect(sum([c.ec2!.servicesMonthlyUsd!, c.ec2!.idleMonthlyUsd!]), c.cluster).toBe(c.ec2!.monthlyUsd);
  }
  expect(t.ec2IdleMonthlyUsd).toBe(sum(r.clusters.map((c) => c.ec2?.idleMonthlyUsd ?? 0)));
  // The levers: Fargate services' own savings, the EC2 host plans, Fargate services' autoscaling.
  expect(t.byLever.fargateRightsizingMonthlyUsd).toBe(sum(fargate.map((s) => s.savingsMonthlyUsd ?? 0)));
  expect(t.byLever.ec2HostsMonthlyUsd).toBe(sum(r.clusters.map((c) => c.ec2?.plan?.savingsMonthlyUsd ?? 0)));
  expect(t.byLever.autoscalingMonthlyUsd).toBe(sum(fargate.map((s) => s.autoscaling?.savingsMonthlyUsd ?? 0)));
  const levers = [t.byLever.fargateRightsizingMonthlyUsd, t.byLever.ec2HostsMonthlyUsd, t.byLever.autoscalingMonthlyUsd];
  expect(t.realisableSavingsMonthlyUsd).toBe(sum(levers));
  expect(t.afterMonthlyUsd).toBe(sum([t.nowMonthlyUsd, -t.realisableSavingsMonthlyUsd]));
}

describe("the demo fleet's bill", () => {
  const r = toPublishedReport(demoReport());

  it("now is the bill: Fargate $3,665.16 + EC2 instances $2,114.08 = $5,779.24, of which $638.05 is idle EC2", () => {
    expect(r.totals.fargateMonthlyUsd).toBe(3665.16);
    expect(r.totals.ec2InstancesMonthlyUsd).toBe(2114.08);
    expect(r.totals.nowMonthlyUsd).toBe(5779.24);
    // core-ec2: 12 instances $2,114.08 = its 16 services' shares $1,476.03 + idle $638.05
    const ec2 = r.clusters.find((c) => c.cluster === "core-ec2")!.ec2!;
    expect([ec2.monthlyUsd, ec2.servicesMonthlyUsd, ec2.idleMonthlyUsd]).toEqual([2114.08, 1476.03, 638.05]);
    expect(r.totals.ec2IdleMonthlyUsd).toBe(638.05);
  });

  it("each saving once: Fargate right-sizing $1,446.76 + EC2 hosts $795.70 + autoscaling $146.74 = $2,389.20", () => {
    expect(r.totals.byLever).toEqual({ fargateRightsizingMonthlyUsd: 1446.76, ec2HostsMonthlyUsd: 795.7, autoscalingMonthlyUsd: 146.74 });
    expect(r.totals.realisableSavingsMonthlyUsd).toBe(2389.2);
    expect(r.totals.afterMonthlyUsd).toBe(3390.04);
    // The EC2 services' own savings ($741.21) and autoscaling ($30.65) are realised by the host plan, not added.
    const plan = r.clusters.find((c) => c.cluster === "core-ec2")!.ec2!.plan!;
    // The packing keeps hosts in 3 zones and at most half of a service a host: 5 × m5a.2xlarge ($0.344/h) +
    // 1 × m5a.large ($0.086/h) = $1.806/h × 730 = $1,318.38; $2,114.08 − $1,318.38 = $795.70.
    expect(plan).toEqual({ from: "packing", monthlyUsd: 1318.38, savingsMonthlyUsd: 795.7 });
  });

  it("reconciles to the cent", () => reconcile(r));
});

describe("a generated 500-service estate", () => {
  // Seeded: 250 Fargate services over 5 clusters, 250 EC2 services over 5 clusters of m5/c5 hosts.
  let seed = 7;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const sizes = [
    [256, 512],
    [512, 1024],
    [1024, 2048],
    [2048, 4096],
  ] as const;
  const services: Service[] = [];
  const taskDefinitions: TaskDefinition[] = [];
  const containerInstances: ContainerInstance[] = [];
  for (let k = 0; k < 500; k++) {
    const ec2 = k % 2 === 1;
    const cluster = `${ec2 ? "ec2" : "fargate"}-${k % 5}`;
    const [cpu, memory] = sizes[Math.floor(rand() * sizes.length)]!;
    const tasks = 1 + Math.floor(rand() * 4);
    taskDefinitions.push(taskDef(`svc-${k}:1`, { cpu, memory }));
    services.push(
      service(`svc-${k}`, {
        cluster,
        launchType: ec2 ? "EC2" : "FARGATE",
        desiredCount: tasks,
        runningCount: tasks,
        utilization: util({ hours: 72, cpu: 5 + rand() * 60, memory: 10 + rand() * 60, tasks }),
      }),
    );
  }
  for (let c = 0; c < 5; c++) {
    for (let h = 0; h < 14; h++) {
      const big = h % 3 === 0;
      const registered = big ? { cpu: 8192, memory: 15_206 } : { cpu: 4096, memory: 15_464 };
      containerInstances.push({
        cluster: `ec2-${c}`,
        id: `i-${c}-${h}`,
        instanceType: big ? "c5.2xlarge" : "m5.xlarge",
        status: "ACTIVE",
        agentConnected: true,
        registered,
        remaining: { cpu: Math.floor(registered.cpu * rand() * 0.5), memory: Math.floor(registered.memory * rand() * 0.5) },
        runningTasks: 3,
      });
    }
  }
  const s: Snapshot = snapshot({ services, taskDefinitions, containerInstances });
  const r = toPublishedReport(
    advise({
      snapshot: s,
      prices: PRICES,
      policy: DEFAULT_POLICY,
      generatedAt: "2026-11-16T00:00:00Z",
      sourceKind: "snapshot",
      toolVersion: "t",
    }),
  );

  it("reconciles to the cent", () => {
    expect(r.services).toHaveLength(500);
    expect(r.clusters.filter((c) => c.ec2?.plan)).toHaveLength(5);
    reconcile(r);
  });
});
