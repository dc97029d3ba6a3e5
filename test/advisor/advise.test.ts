import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY, resolvePolicy } from "../../src/advisor/policy.js";
import type { ServiceFinding } from "../../src/model/report.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { END, HOUR, PRICES, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

/**
 * The hand-worked cases below use the seed's 60 % CPU target (the Duolingo example), stated here rather
 * than taken from the default, which bench:quality chooses (docs/recommendation-quality.md).
 */
const SEED_POLICY = resolvePolicy({ cpu: { target: 60 } });

function run(s: Snapshot, policy = SEED_POLICY) {
  return advise({ snapshot: s, prices: s.prices!, policy, generatedAt: iso(END), sourceKind: "snapshot", toolVersion: "test" });
}
function one(s: Snapshot, policy = SEED_POLICY): ServiceFinding {
  const r = run(s, policy);
  expect(r.services).toHaveLength(1);
  return r.services[0]!;
}
const codes = (f: ServiceFinding) => f.reasons.map((r) => r.code);

describe("Fargate right-sizing, worked by hand", () => {
  // 2048/4096, 2 tasks, CPU hottest task a flat 10 %, memory peak a flat 20 %, 14 days.
  //   cpu:    2048 × 10 % = 204.8 used; ÷ 60 % = 341.33 needed
  //   memory: 4096 × 20 % = 819.2 used; ÷ 80 % = 1024 needed
  //   cheapest Fargate size with ≥ 341.33 and ≥ 1024 → 512 / 1024
  //   now:   (2 × 0.04048 + 4 × 0.004445) = 0.09874/h × 2 tasks × 730 = $144.1604
  //   after: (0.5 × 0.04048 + 1 × 0.004445) = 0.024685/h × 2 × 730 = $36.0401 → saves $108.1203
  const f = one(
    snapshot({
      services: [service("api", { utilization: util({ cpu: 10, memory: 20, tasks: 2 }) })],
      taskDefinitions: [taskDef("api:1", { cpu: 2048, memory: 4096 })],
    }),
  );

  it("recommends 512 / 1024 with high confidence", () => {
    expect(f.recommended).toMatchObject({ cpu: 512, memory: 1024 });
    expect(f.action).toBe("downsize");
    expect(f.confidence).toBe("high");
  });

  it("shows its working", () => {
    expect(f.evidence.cpu.observedPercent).toBe(10);
    expect(f.evidence.cpu.observedUnits).toBeCloseTo(204.8, 6);
    expect(f.evidence.cpu.neededUnits).toBeCloseTo(341.3333, 4);
    expect(f.evidence.memory.neededUnits).toBeCloseTo(1024, 6);
    expect(f.evidence.dataHours).toBe(336);
    expect(codes(f)).toEqual(["cpu-overprovisioned", "memory-overprovisioned", "fargate-size-rounded"]);
  });

  it("prices now and after", () => {
    expect(f.current.monthlyUsd).toBeCloseTo(144.1604, 6);
    expect(f.recommended!.monthlyUsd).toBeCloseTo(36.0401, 6);
    expect(f.savingsMonthlyUsd).toBeCloseTo(108.1203, 6);
  });
});

describe("EC2 launch type: the seed example through the whole advisor", () => {
  // Task cpu 1024 at a flat 40 % with the 60 % target → 682.67 → 683 units (rounded up to a unit).
  // Memory 2048 at a flat 50 % with the 80 % target → 1280 MiB (a multiple of 32 already).
  const ec2Snapshot = snapshot({
    services: [service("api", { launchType: "EC2", utilization: util({ cpu: 40, memory: 50, tasks: 2 }) })],
    taskDefinitions: [taskDef("api:1", { cpu: 1024, memory: 2048 })],
    containerInstances: [
      {
        cluster: "c1",
        id: "ci-1",
        instanceType: "m5.xlarge",
        status: "ACTIVE",
        agentConnected: true,
        registered: { cpu: 4096, memory: 16000 },
        remaining: { cpu: 2048, memory: 11904 },
      },
    ],
  });
  const f = one(ec2Snapshot);

  it("recommends exactly 683 cpu units and 1280 MiB", () => {
    expect(f.launchType).toBe("EC2");
    expect(f.recommended).toMatchObject({ cpu: 683, memory: 1280 });
  });

  it("prices the service as its share of the host (see cost.test.ts): 2 × 1024/2048 tasks = $59.64/mo", () => {
    expect(f.current.monthlyUsd).toBeCloseTo(59.64, 2);
    // after: 683/4096 of the cpu part and 1280/16000 of the memory part of $0.192/h, × 2 × 730
    const cpuPart = (0.192 * 0.16192) / 0.23304;
    const memPart = (0.192 * 0.07112) / 0.23304;
    const after = ((683 / 4096) * cpuPart + (1280 / 16000) * memPart) * 2 * 730;
    expect(f.recommended!.monthlyUsd).toBeCloseTo(after, 8);
    expect(after).toBeCloseTo(39.32, 2);
  });

  it("reports the cluster's instance cost and its unreserved part", () => {
    const c = run(ec2Snapshot).clusters[0]!;
    expect(c.ec2!.monthlyUsd).toBeCloseTo(0.192 * 730, 8);
    expect(c.ec2!.reserved).toEqual({ cpu: 2048, memory: 4096 });
    expect(c.ec2!.reservedPercent.cpu).toBe(50);
  });
});

describe("no advice without enough data", () => {
  it("no metrics at all → recommended null, confidence none, reason no-metrics", () => {
    const f = one(snapshot({ services: [service("quiet")], taskDefinitions: [taskDef("quiet:1", { cpu: 256, memory: 512 })] }));
    expect(f.recommended).toBeNull();
    expect(f.confidence).toBe("none");
    expect(codes(f)).toEqual(["no-metrics"]);
    // still priced from the task size and running count: 2 × 0.0123425 × 730
    expect(f.current.monthlyUsd).toBeCloseTo(2 * 0.0123425 * 730, 8);
  });

  it("18 hours of data → insufficient-data (24 h needed)", () => {
    const f = one(
      snapshot({
        services: [service("new", { utilization: util({ hours: 18, cpu: 5, memory: 5 }) })],
        taskDefinitions: [taskDef("new:1", { cpu: 1024, memory: 2048 })],
      }),
    );
    expect(f.recommended).toBeNull();
    expect(codes(f)).toContain("insufficient-data");
    expect(f.reasons[0]!.message).toContain("18 h");
  });

  it("a task definition missing from the snapshot → no advice, said so", () => {
    const f = one(snapshot({ services: [service("ghost")], taskDefinitions: [] }));
    expect(f.recommended).toBeNull();
    expect(codes(f)).toEqual(["task-definition-missing"]);
  });
});

describe("risks", () => {
  // 512/1024 on Fargate, memory peak 95 %, three OOM kills, CPU at 30 %.
  //   memory: 1024 × 95 % ÷ 80 % = 1216, but after OOM kills ≥ max(1024 × 1.2, 1024 + 100) = 1228.8 → up
  //   confidence is low after OOM kills, so the CPU downsize (512 × 30 % ÷ 60 % = 256) is held back
  //   Fargate with 512 cpu and ≥ 1228.8 MiB → 512 / 2048
  const oom = (at: number) => ({
    stoppedAt: iso(at),
    stoppedReason: "Essential container in task exited",
    containers: [{ name: "app", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }],
  });
  const f = one(
    snapshot({
      services: [
        service("hungry", {
          utilization: util({ cpu: 30, memory: 95 }),
          stoppedTasks: [oom(END - 30 * HOUR), oom(END - 20 * HOUR), oom(END - 10 * HOUR)],
        }),
      ],
      taskDefinitions: [taskDef("hungry:1", { cpu: 512, memory: 1024 })],
    }),
  );

  it("raises memory after OOM kills and never shrinks anything", () => {
    expect(f.recommended).toMatchObject({ cpu: 512, memory: 2048 });
    expect(f.action).toBe("upsize");
    expect(f.confidence).toBe("low");
    expect(f.evidence.memory.neededUnits).toBeCloseTo(1228.8, 6);
    expect(f.evidence.oomKills).toBe(3);
    expect(codes(f)).toEqual([
      "oom-kills",
      "memory-underprovisioned",
      "downsize-blocked",
      "cpu-overprovisioned", // what would have been cut, and was held back
      "fargate-size-rounded",
    ]);
  });

  it("exit code 137 alone is not proof of an OOM kill", () => {
    const g = one(
      snapshot({
        services: [
          service("stopper", {
            utilization: util({ cpu: 30, memory: 30 }),
            stoppedTasks: [{ stoppedAt: iso(END - HOUR), stoppedReason: "Scaling activity", containers: [{ name: "app", exitCode: 137 }] }],
          }),
        ],
        taskDefinitions: [taskDef("stopper:1", { cpu: 1024, memory: 2048 })],
      }),
    );
    expect(codes(g)).toContain("possible-oom");
    expect(codes(g)).not.toContain("oom-kills");
    expect(g.confidence).toBe("medium");
  });

  it("CPU pinned at its limit on Fargate is a saturation risk", () => {
    const g = one(
      snapshot({
        services: [service("pinned", { utilization: util({ cpu: 100, memory: 50 }) })],
        taskDefinitions: [taskDef("pinned:1", { cpu: 512, memory: 1024 })],
      }),
    );
    // 512 × 100 % ÷ 60 % = 853.33 → 1024 cpu, whose least memory is 2048
    expect(g.recommended).toMatchObject({ cpu: 1024, memory: 2048 });
    expect(codes(g)).toContain("cpu-saturated");
    expect(codes(g)).toContain("cpu-underprovisioned");
  });
});

describe("what lowers confidence or holds a downsize back", () => {
  it("a third of the periods missing → low confidence, the downsize is held back", () => {
    const f = one(
      snapshot({
        services: [service("gappy", { utilization: util({ cpu: 10, memory: 20, missing: (i) => i % 3 === 0 }) })],
        taskDefinitions: [taskDef("gappy:1", { cpu: 2048, memory: 4096 })],
      }),
    );
    expect(f.evidence.gapPercent).toBeCloseTo(33.33, 1);
    expect(f.confidence).toBe("low");
    expect(f.action).toBe("keep");
    expect(codes(f)).toEqual(expect.arrayContaining(["gaps-in-data", "downsize-blocked"]));
  });

  it("3 to 7 days of data → medium, and a downsize still happens", () => {
    const f = one(
      snapshot({
        services: [service("young", { utilization: util({ hours: 96, cpu: 10, memory: 20 }) })],
        taskDefinitions: [taskDef("young:1", { cpu: 2048, memory: 4096 })],
      }),
    );
    expect(f.confidence).toBe("medium");
    expect(f.action).toBe("downsize");
  });

  it("a deployment 6 h before the window ends → medium", () => {
    const f = one(
      snapshot({
        services: [
          service("fresh", {
            utilization: util({ cpu: 10, memory: 20 }),
            deployments: [{ status: "PRIMARY", taskDefinition: "fresh:1", startedAt: iso(END - 6 * HOUR) }],
          }),
        ],
        taskDefinitions: [taskDef("fresh:1", { cpu: 2048, memory: 4096 })],
      }),
    );
    expect(f.confidence).toBe("medium");
    expect(codes(f)).toContain("recent-deployment");
  });

  it("an older deployment in the window is noted without lowering confidence", () => {
    const f = one(
      snapshot({
        services: [
          service("weekly", {
            utilization: util({ cpu: 10, memory: 20 }),
            deployments: [
              { taskDefinition: "weekly:1", startedAt: iso(END - 9 * 24 * HOUR) },
              { taskDefinition: "weekly:1", startedAt: iso(END - 2 * 24 * HOUR) },
            ],
          }),
        ],
        taskDefinitions: [taskDef("weekly:1", { cpu: 2048, memory: 4096 })],
      }),
    );
    expect(f.confidence).toBe("high");
    expect(f.reasons.find((r) => r.code === "deployed-in-window")?.message).toBe(
      "2 deployments in the window, the last 2 days before its end: the data spans more than one version",
    );
  });

  it("target tracking on CPU: cpu is left alone, memory is still sized", () => {
    // memory: 3072 × 30 % ÷ 80 % = 1152 → Fargate 1024 cpu with ≥ 1152 MiB → 1024 / 2048
    const f = one(
      snapshot({
        services: [
          service("tracked", {
            utilization: util({ cpu: 20, memory: 30 }),
            autoscaling: {
              minCapacity: 2,
              maxCapacity: 10,
              policies: [
                {
                  name: "cpu",
                  type: "TargetTrackingScaling",
                  targetTracking: { metric: "ECSServiceAverageCPUUtilization", targetValue: 60 },
                },
              ],
            },
          }),
        ],
        taskDefinitions: [taskDef("tracked:1", { cpu: 1024, memory: 3072 })],
      }),
    );
    expect(f.recommended).toMatchObject({ cpu: 1024, memory: 2048 });
    expect(codes(f)).toContain("autoscaling-on-cpu");
    expect(f.evidence.cpu.decision).toBe("keep");
  });

  it("a resize inside the window: older data is rescaled to today's size", () => {
    // ran rev 1 (2048 cpu) at 10 %, then rev 2 (1024 cpu) at 20 % from 5 days before the end: the same
    // 204.8 units throughout, so the whole window reads 20 % of 1024 → needs 341.33 → Fargate 512.
    const resizeAt = END - 5 * 24 * HOUR;
    const n = (14 * 24 * 3600) / 300;
    const switchIndex = n - (5 * 24 * 3600) / 300;
    const f = one(
      snapshot({
        services: [
          service("resized", {
            taskDefinition: "resized:2",
            utilization: util({ cpu: (i) => (i < switchIndex ? 10 : 20), memory: (i) => (i < switchIndex ? 10 : 20) }),
            deployments: [
              { taskDefinition: "resized:1", startedAt: iso(END - 30 * 24 * HOUR) },
              { taskDefinition: "resized:2", startedAt: iso(resizeAt) },
            ],
          }),
        ],
        taskDefinitions: [taskDef("resized:1", { cpu: 2048, memory: 4096 }), taskDef("resized:2", { cpu: 1024, memory: 2048 })],
      }),
    );
    expect(f.evidence.cpu.observedPercent).toBeCloseTo(20, 5);
    expect(f.recommended).toMatchObject({ cpu: 512, memory: 1024 });
    expect(codes(f)).toContain("size-changed-in-window");
  });
});

describe("when only the current deployment is known (no ecs:ListServiceDeployments)", () => {
  const deployedAgo = (hours: number) =>
    snapshot({
      services: [
        service("api", {
          utilization: util({ cpu: 10, memory: 20 }),
          deploymentHistory: "current-only",
          deployments: [{ status: "PRIMARY", taskDefinition: "api:1", startedAt: iso(END - hours * HOUR) }],
        }),
      ],
      taskDefinitions: [taskDef("api:1", { cpu: 2048, memory: 4096 })],
    });

  it("deployed 5 days ago: only the 5 days since are used (the size before is unknown)", () => {
    const f = one(deployedAgo(120));
    expect(f.evidence.dataHours).toBe(120);
    expect(f.confidence).toBe("medium");
    expect(f.action).toBe("downsize");
    expect(f.reasons.find((r) => r.code === "deployment-history-unknown")?.message).toBe(
      "only the deployment of 2026-11-11 00:00 UTC is known, not the task size before it: only the data since then is used",
    );
  });

  it("deployed 6 hours ago: too little since, so everything is kept and nothing is made smaller", () => {
    const f = one(deployedAgo(6));
    expect(f.evidence.dataHours).toBe(336);
    expect(f.confidence).toBe("low");
    expect(f.action).toBe("keep");
    expect(codes(f)).toEqual(expect.arrayContaining(["deployment-history-unknown", "downsize-blocked"]));
  });

  it("deployed before the window: nothing to doubt", () => {
    const f = one(deployedAgo(20 * 24));
    expect(codes(f)).not.toContain("deployment-history-unknown");
    expect(f.confidence).toBe("high");
  });
});

describe("placement and prices", () => {
  it("ARM tasks are priced at ARM rates", () => {
    const f = one(
      snapshot({
        services: [service("arm", { runningCount: 1 })],
        taskDefinitions: [taskDef("arm:1", { cpu: 1024, memory: 2048, cpuArchitecture: "ARM64" })],
      }),
    );
    expect(f.current.monthlyUsd).toBeCloseTo(28.835, 8);
  });

  it("EXTERNAL (ECS Anywhere) has no AWS price", () => {
    const f = one(
      snapshot({
        services: [service("onprem", { launchType: "EXTERNAL", utilization: util({ cpu: 10, memory: 20 }) })],
        taskDefinitions: [taskDef("onprem:1", { cpu: 1024, memory: 2048 })],
      }),
    );
    expect(f.current.monthlyUsd).toBeNull();
    expect(codes(f)).toContain("external-launch-type");
  });

  it("EC2 service in a cluster with no priced instances is unpriced, and the totals say so", () => {
    const r = run(
      snapshot({
        services: [service("lost", { launchType: "EC2" })],
        taskDefinitions: [taskDef("lost:1", { cpu: 1024, memory: 2048 })],
      }),
    );
    expect(r.services[0]!.current.monthlyUsd).toBeNull();
    expect(r.totals.unpricedServices).toBe(1);
    expect(r.warnings.map((w) => w.code)).toContain("unpriced-services");
  });
});

describe("policy knobs", () => {
  it("a 100 % CPU target with p50 shrinks further than the default", () => {
    const s = snapshot({
      services: [service("api", { utilization: util({ cpu: 40, memory: 20 }), launchType: "EC2" })],
      taskDefinitions: [taskDef("api:1", { cpu: 1024, memory: 2048 })],
      containerInstances: [
        {
          cluster: "c1",
          id: "i",
          instanceType: "m5.xlarge",
          status: "ACTIVE",
          agentConnected: true,
          registered: { cpu: 4096, memory: 16000 },
          remaining: { cpu: 0, memory: 0 },
        },
      ],
    });
    // 1024 × 40 % ÷ 100 % = 409.6 → 410
    expect(one(s, resolvePolicy({ cpu: { target: 100, percentile: 50 } })).recommended!.cpu).toBe(410);
    expect(one(s).recommended!.cpu).toBe(683);
    // the default (p95 at 80 %): 1024 × 40 % ÷ 80 % = 512
    expect(one(s, DEFAULT_POLICY).recommended!.cpu).toBe(512);
  });
});

describe("totals", () => {
  it("savings = current − recommended, and services without advice count at their current cost", () => {
    const r = run(
      snapshot({
        services: [service("a", { utilization: util({ cpu: 10, memory: 20 }) }), service("b")],
        taskDefinitions: [taskDef("a:1", { cpu: 2048, memory: 4096 }), taskDef("b:1", { cpu: 256, memory: 512 })],
      }),
    );
    const b = 2 * 0.0123425 * 730;
    expect(r.totals.currentMonthlyUsd).toBeCloseTo(144.1604 + b, 8);
    expect(r.totals.recommendedMonthlyUsd).toBeCloseTo(36.0401 + b, 8);
    expect(r.totals.savingsMonthlyUsd).toBeCloseTo(108.1203, 8);
    expect(r.totals.withAdvice).toBe(1);
    expect(r.services.map((s) => s.service)).toEqual(["a", "b"]); // biggest savings first, no advice last
  });

  it("uses only what the snapshot carries: prices are an input", () => {
    const cheap = { ...PRICES, fargate: { ...PRICES.fargate, linuxX86: { vcpuHour: 0.02024, gbHour: 0.0022225 } } };
    const s = snapshot({ services: [service("b")], taskDefinitions: [taskDef("b:1", { cpu: 256, memory: 512 })] });
    const r = advise({ snapshot: s, prices: cheap, policy: SEED_POLICY, generatedAt: iso(END), sourceKind: "snapshot", toolVersion: "t" });
    expect(r.totals.currentMonthlyUsd).toBeCloseTo(b2(), 8);
    function b2() {
      return 2 * 0.0123425 * 730 * 0.5;
    }
  });
});
