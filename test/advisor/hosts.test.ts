// Host scaling, packing and the Fargate comparison on hand-built EC2 clusters. Services here have no
// metrics, so the advisor keeps their sizes and counts as they are: every figure below is worked out
// from the task definitions, the container instances and the prices by hand.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { awsvpcSlots, maxNetworkInterfaces } from "../../src/advisor/capacity.js";
import { demandOf, hostCounts } from "../../src/advisor/host-demand.js";
import {
  type ClusterService,
  drainPlan,
  headroomNow,
  hostTypes,
  largestTask,
  scaleOutHosts,
  tasksPerHostMax,
} from "../../src/advisor/hosts.js";
import { cheapestPacking, packOnto } from "../../src/advisor/packing.js";
import { DEFAULT_POLICY, resolvePolicy } from "../../src/advisor/policy.js";
import type { ClusterFinding, ServiceFinding } from "../../src/model/report.js";
import type { ContainerInstance, Prices, Service, TaskDefinition } from "../../src/model/snapshot.js";
import { END, PRICES, iso, service, snapshot, taskDef } from "../helpers/snapshot.js";

/** Round prices so that every dollar figure is easy to check by hand. */
const HAND_PRICES: Prices = {
  ...PRICES,
  ec2: {
    "m5.large": { hourly: 0.1, vcpu: 2, memoryMiB: 8192, arch: "x86_64" },
    "m5.xlarge": { hourly: 0.2, vcpu: 4, memoryMiB: 16384, arch: "x86_64" },
    "m5.2xlarge": { hourly: 0.4, vcpu: 8, memoryMiB: 32768, arch: "x86_64" },
    "c5.2xlarge": { hourly: 0.34, vcpu: 8, memoryMiB: 16384, arch: "x86_64" },
    "t3.large": { hourly: 0.01, vcpu: 2, memoryMiB: 8192, arch: "x86_64" }, // burstable: never packed onto
  },
};

let ids = 0;
function host(
  type: string,
  registered: { cpu: number; memory: number },
  remaining: { cpu: number; memory: number },
  runningTasks = 0,
): ContainerInstance {
  ids++;
  return {
    cluster: "c1",
    id: `ci-${ids}`,
    instanceType: type,
    status: "ACTIVE",
    agentConnected: true,
    registered,
    remaining,
    runningTasks,
  };
}
const M5XL = { cpu: 4096, memory: 15_464 };
const M5_2XL = { cpu: 8192, memory: 31_608 };
const C5_2XL = { cpu: 8192, memory: 15_206 };

function ec2Service(name: string, tasks: number, fields: Partial<Service> = {}): Service {
  return service(name, {
    launchType: "EC2",
    desiredCount: tasks,
    runningCount: tasks,
    deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 },
    ...fields,
  });
}

/**
 * The packing mechanics on their own: one zone and no per-host share limit (the hosts here have no zone;
 * availability is tested in packing-availability.test.ts).
 */
const MECHANICS = resolvePolicy({ hosts: { zones: 1, maxServiceSharePercent: 100 } });

function cluster(
  services: Service[],
  taskDefinitions: TaskDefinition[],
  containerInstances: ContainerInstance[],
  prices: Prices = HAND_PRICES,
  policy = MECHANICS,
): ClusterFinding {
  const r = advise({
    snapshot: snapshot({ services, taskDefinitions, containerInstances, prices }),
    prices,
    policy,
    generatedAt: iso(END),
    sourceKind: "snapshot",
    toolVersion: "test",
  });
  return r.clusters.find((c) => c.cluster === "c1")!;
}

describe("the no-flapping rule", () => {
  const at = (id: string, fits: number, runningTasks: number) => ({ id, fits, runningTasks });
  it("drains the hosts whose drain costs the fewest largest-task slots, while more than the shortage stays", () => {
    // Keep 2 spare. Each host's drain costs its fits plus its running tasks (each re-placed one can take a slot).
    expect(drainPlan([at("a", 4, 0), at("b", 4, 0)], 6, 2)).toEqual([]); // 6 − 4 = 2: not more than 2
    expect(drainPlan([at("a", 4, 0), at("b", 3, 0)], 7, 2)).toEqual(["b"]); // 7 − 3 = 4 > 2; then 4 − 4 = 0
    expect(drainPlan([at("a", 1, 4), at("b", 0, 2), at("c", 4, 0)], 10, 2)).toEqual(["b", "c"]); // 10 − 2 − 4 = 4; − 5 = −1
    expect(drainPlan([at("a", 4, 0), at("b", 4, 0), at("c", 4, 0)], 12, 2)).toEqual(["a", "b"]); // never the last host
    expect(scaleOutHosts(1, 4, 2)).toBe(1);
    expect(scaleOutHosts(0, 1, 2)).toBe(2);
    expect(scaleOutHosts(2, 4, 2)).toBe(0);
  });

  it("a host holds at most registered ÷ smallest task, on the roomiest type (ENIs when every task is awsvpc)", () => {
    const seen = new Map([
      ["m5.xlarge", M5XL],
      ["c5.2xlarge", C5_2XL],
    ]);
    // m5.xlarge: min(4096 ÷ 256, 15,464 ÷ 512) = min(16, 30) = 16; c5.2xlarge: min(32, 29) = 29.
    expect(tasksPerHostMax(seen, { cpu: 256, memory: 512, awsvpc: false }, HAND_PRICES)).toBe(29);
    // awsvpc: 3 slots each (4 ENIs less the host's own).
    expect(tasksPerHostMax(seen, { cpu: 256, memory: 512, awsvpc: true }, HAND_PRICES)).toBe(3);
    // no task-level cpu anywhere (0 units): memory alone bounds it.
    expect(tasksPerHostMax(seen, { cpu: 0, memory: 1024, awsvpc: false }, HAND_PRICES)).toBe(15);
  });
});

describe("a cluster one task short of placing the largest task", () => {
  // Largest task: big, 1024 cpu / 2048 MiB. Two m5.xlarge (4096 / 15,464 registered).
  //   host 1 has 1024 cpu / 4000 MiB left → 1 more big task (1024/1024 = 1, 4000/2048 = 1)
  //   host 2 has  512 cpu / 8000 MiB left → 0 (cpu)
  //   schedulable now = 1 < 2 (the shortage threshold) → scale out
  //   an empty m5.xlarge holds min(4096/1024, 15464/2048) = min(4, 7) = 4 → ceil((2 − 1) / 4) = 1 host
  const c = cluster(
    [ec2Service("big", 5), ec2Service("small", 2)],
    [taskDef("big:1", { cpu: 1024, memory: 2048 }), taskDef("small:1", { cpu: 512, memory: 1024 })],
    [host("m5.xlarge", M5XL, { cpu: 1024, memory: 4000 }, 4), host("m5.xlarge", M5XL, { cpu: 512, memory: 8000 }, 3)],
  );
  const h = c.hostScaling!;

  it("counts what fits on each host from its remaining resources", () => {
    expect(h.largestTask).toEqual({ cpu: 1024, memory: 2048, awsvpc: false, services: ["big"] });
    expect(h.instances.map((i) => [i.fits, i.limitedBy])).toEqual([
      [1, "cpu"],
      [0, "cpu"],
    ]);
    expect(h.schedulableNow).toBe(1);
    expect(h.tasksPerHostByType).toEqual({ "m5.xlarge": 4 });
  });

  it("says to scale out by one host today", () => {
    expect(h.today.action).toBe("scale-out");
    expect(h.today.hosts).toBe(1);
    expect(h.today.message).toContain("only 1 more");
    expect(h.rule.scaleOutBelow).toBe(2);
    // A host holds at most min(4096 ÷ 512, 15,464 ÷ 1024) = 8 small tasks: scale in only above 8 + 2.
    expect(h.tasksPerHostMax).toBe(8);
    expect(h.rule.scaleInAbove).toBe(10);
  });
});

describe("an instance whose agent is disconnected", () => {
  it("places nothing, whatever it has free", () => {
    const idle = { ...host("m5.xlarge", M5XL, { ...M5XL }, 0), agentConnected: false };
    const c = cluster(
      [ec2Service("big", 1)],
      [taskDef("big:1", { cpu: 1024, memory: 2048 })],
      [idle, host("m5.xlarge", M5XL, { cpu: 1024, memory: 2048 }, 3)],
    );
    expect(c.hostScaling!.instances.map((i) => [i.fits, i.limitedBy])).toEqual([
      [0, "agent-disconnected"],
      [1, "cpu"],
    ]);
    expect(c.hostScaling!.today.action).toBe("scale-out");
  });
});

describe("a cluster with two idle hosts", () => {
  // Four m5.xlarge: two full, two empty. Largest task 1024 / 2048 → 4 per empty host.
  //   schedulable = 0 + 0 + 4 + 4 = 8 > 4 + 2 → scale in
  //   k = ceil((8 − 2) / 4) − 1 = 1: removing one leaves 4 ≥ 2; removing both would leave 0 < 2,
  //   which would trigger a scale-out at once (flapping).
  const c = cluster(
    [ec2Service("big", 8)],
    [taskDef("big:1", { cpu: 1024, memory: 2048 })],
    [
      host("m5.xlarge", M5XL, { cpu: 0, memory: 7272 }, 4),
      host("m5.xlarge", M5XL, { cpu: 0, memory: 7272 }, 4),
      host("m5.xlarge", M5XL, { ...M5XL }, 0),
      host("m5.xlarge", M5XL, { ...M5XL }, 0),
    ],
  );
  const h = c.hostScaling!;

  it("scales in by one, not two", () => {
    expect(h.schedulableNow).toBe(8);
    expect(h.today).toMatchObject({ action: "scale-in", hosts: 1 });
    expect(h.today.message).toContain("not 2");
  });

  it("recommends hosts for the demand: 8 tasks + 1 spare at 4 a host = 3", () => {
    // desired: 9 tasks → 3 hosts; min (no metrics: desired count) the same; max the same (no autoscaling).
    expect(h.hosts).toMatchObject({ current: 4, instanceType: "m5.xlarge", min: 3, desired: 3, max: 3 });
    // targetCapacity: 8 tasks need 2 hosts; 2 spare tasks need ceil(2/4) = 1 spare host → 100 × 2 / 3 = 66.7,
    // rounded up to 67 so that ECS keeps ⌈200 ÷ 67⌉ = 3 hosts (66 would keep ⌈200 ÷ 66⌉ = 4).
    expect(h.rule.targetCapacity).toBe(67);
  });
});

describe("packing a mixed-size fleet onto the cheapest type", () => {
  // Tasks: web 10 × (512 cpu, 1024 MiB), api 4 × (1024, 4096), plus one largest (1024, 4096) spare.
  //   total: cpu 10×512 + 5×1024 = 10,240; memory 10×1024 + 5×4096 = 30,720
  // Registered capacity of types not in the cluster is estimated: vCPU × 1024, 97.5 % of memory.
  //   m5.large  2048 / 7987: 1 api per host (2 × 4096 > 7987), then 2 web each → 5 hosts × $0.10 = $0.50/h
  //   m5.xlarge 4096 / 15,974: 3 api, then 2 api + 4 web, then 4 web → 3 hosts × $0.20 = $0.60/h
  //   m5.2xlarge (seen: 8192 / 31,608): 5 api + 6 web, 4 web → 2 hosts = $0.80/h
  //     … but its second host holds only 4 web (2048 / 4096), which an m5.large holds: $0.40 + $0.10
  //   c5.2xlarge: at least ceil(30,720 / 15,206) = 3 hosts = $1.02/h: never packed (lower bound)
  // Best: 1 × m5.2xlarge + 1 × m5.large = $0.50/h, the same as 5 × m5.large but on 2 hosts, not 5.
  // Now: 2 × m5.2xlarge + 2 × c5.2xlarge = $1.48/h = $1,080.40/mo; packed: $0.50/h = $365.00/mo.
  const c = cluster(
    [ec2Service("web", 10), ec2Service("api", 4)],
    [taskDef("web:1", { cpu: 512, memory: 1024 }), taskDef("api:1", { cpu: 1024, memory: 4096 })],
    [
      host("m5.2xlarge", M5_2XL, { cpu: 2048, memory: 11_128 }, 6),
      host("m5.2xlarge", M5_2XL, { cpu: 4096, memory: 19_320 }, 4),
      host("c5.2xlarge", C5_2XL, { cpu: 6144, memory: 11_110 }, 2),
      host("c5.2xlarge", C5_2XL, { ...C5_2XL }, 0),
    ],
  );
  const p = c.packing!;

  it("states the demand it packed", () => {
    expect(p.demand).toMatchObject({ tasks: 15, cpu: 10_240, memory: 30_720, awsvpcTasks: 0, rolling: null });
  });

  it("finds 1 × m5.2xlarge + 1 × m5.large at $365.00/mo against $1,080.40/mo now", () => {
    expect(p.best.instanceTypes).toEqual({ "m5.2xlarge": 1, "m5.large": 1 });
    expect(p.best.hosts).toBe(2);
    expect(p.best.monthlyUsd).toBeCloseTo(365.0, 6);
    expect(p.current).toEqual({ instanceTypes: { "c5.2xlarge": 2, "m5.2xlarge": 2 }, monthlyUsd: expect.closeTo(1080.4, 6) });
    expect(p.savingsMonthlyUsd).toBeCloseTo(715.4, 6);
    expect(p.capacityEstimated).toBe(true);
    // 10,240 of 8192 + 2048 cpu reserved: 100 %
    expect(p.best.cpuReservedPercent).toBeCloseTo(100, 6);
  });

  it("lists the next cheapest single types and skips burstable ones", () => {
    expect(p.alternatives.map((a) => [a.instanceTypes, a.monthlyUsd])).toEqual([
      [{ "m5.large": 5 }, expect.closeTo(365, 6)],
      [{ "m5.xlarge": 3 }, expect.closeTo(438, 6)],
    ]);
    expect(p.typesConsidered).toBe(4); // t3.large is left out
  });

  it("prices the same fleet on Fargate", () => {
    // web 512/1024: 0.5 × 0.04048 + 1 × 0.004445 = 0.024685/h × 10 tasks = 0.24685
    // api 1024/4096: 1 × 0.04048 + 4 × 0.004445 = 0.05826/h × 4 tasks = 0.23304
    // x86: 0.47989/h × 730 = $350.3197; 50 % on Spot at 70 % off: × (0.5 + 0.5 × 0.3) = × 0.65 = $227.7078
    const f = c.fargateComparison!;
    expect(f.fargateX86MonthlyUsd).toBeCloseTo(350.3197, 3);
    expect(f.fargateSpotMonthlyUsd).toBeCloseTo(227.7078, 3);
    expect(f.ec2PackedMonthlyUsd).toBeCloseTo(365.0, 6);
    expect(f.ec2CurrentMonthlyUsd).toBeCloseTo(1080.4, 6);
    // ARM: web 0.5 × 0.03238 + 1 × 0.00356 = 0.01975 × 10; api 0.03238 + 4 × 0.00356 = 0.04662 × 4 → 0.38398/h = $280.3054
    expect(f.fargateArmMonthlyUsd).toBeCloseTo(280.3054, 3);
    expect(f.cheapest).toBe("Fargate x86 with 50% on Fargate Spot");
  });
});

describe("awsvpc: ENIs per instance limit packing", () => {
  // 12 tiny awsvpc tasks (256 / 512) + 1 spare = 13. CPU and memory would put 8 on an m5.large; its
  // 3 ENIs (one the host's own) leave 2 task slots.
  //   m5.large: ceil(13 / 2) = 7 hosts × $0.10 = $0.70/h; m5.xlarge and m5.2xlarge: 3 slots → 5 hosts
  const tiny = [ec2Service("tiny", 12)];
  const tds = [taskDef("tiny:1", { cpu: 256, memory: 512, networkMode: "awsvpc" })];
  const instances = () => [host("m5.large", { cpu: 2048, memory: 7987 }, { cpu: 1536, memory: 6963 }, 2)];

  it("estimates ENI slots from the instance size", () => {
    expect(maxNetworkInterfaces("m5.large", HAND_PRICES)).toBe(3);
    expect(awsvpcSlots("m5.large", HAND_PRICES)).toBe(2);
    expect(awsvpcSlots("m5.2xlarge", HAND_PRICES)).toBe(3);
    expect(awsvpcSlots("c6i.16xlarge", HAND_PRICES)).toBe(14);
  });

  it("packs by ENI slots and says so", () => {
    const c = cluster(tiny, tds, instances());
    expect(c.packing!.best).toMatchObject({ instanceTypes: { "m5.large": 7 }, hosts: 7, limitedBy: "eni" });
    expect(c.packing!.best.monthlyUsd).toBeCloseTo(0.7 * 730, 6);
    expect(c.packing!.demand.awsvpcTasks).toBe(13);
  });

  it("counts a host with no free ENI as full, whatever cpu and memory it has left", () => {
    const h = cluster(tiny, tds, instances()).hostScaling!;
    expect(h.largestTask.awsvpc).toBe(true);
    expect(h.instances[0]).toMatchObject({ fits: 0, limitedBy: "eni" });
    expect(h.today.action).toBe("scale-out");
  });

  it("uses the exact ENI count when the price book has it", () => {
    // m5.xlarge with 9 ENIs → 8 slots: 13 tasks on 2 hosts = $0.40/h, cheaper than 7 × m5.large.
    const prices: Prices = {
      ...HAND_PRICES,
      ec2: { ...HAND_PRICES.ec2, "m5.xlarge": { ...HAND_PRICES.ec2["m5.xlarge"]!, maxNetworkInterfaces: 9 } },
    };
    const c = cluster(tiny, tds, instances(), prices);
    expect(c.packing!.best.instanceTypes).toEqual({ "m5.xlarge": 2 });
  });
});

describe("rolling-deployment headroom", () => {
  // api: 4 × (1024, 2048), maximumPercent 200 → a deployment starts 4 more before stopping any.
  // jobs: 2 × (512, 1024), maximumPercent 150 → 1 more; api's surge is the larger, and only the largest
  // one is kept (services rarely deploy at the same moment).
  //   on m5.xlarge (4096 / 15,464): 4 + 4 + 1 spare = 9 api-sized → 4, 4, 1 (+ both jobs) = 3 hosts
  //   without the surge (maximumPercent 100): 5 api-sized → 4, 1 (+ jobs) = 2 hosts
  const tds = [taskDef("api:1", { cpu: 1024, memory: 2048 }), taskDef("jobs:1", { cpu: 512, memory: 1024 })];
  const instances = () => [host("m5.xlarge", M5XL, { cpu: 0, memory: 7272 }, 4), host("m5.xlarge", M5XL, { cpu: 3072, memory: 13_416 }, 2)];
  const jobs = ec2Service("jobs", 2, { deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 100 } });

  it("adds the largest rolling deployment's extra tasks to the demand", () => {
    const c = cluster(
      [ec2Service("api", 4, { deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 } }), jobs],
      tds,
      instances(),
    );
    expect(c.packing!.demand.rolling).toEqual({ label: "rolling deployment of api (maximumPercent 200)", tasks: 4 });
    expect(c.packing!.demand.tasks).toBe(4 + 2 + 4 + 1);
    expect(c.hostScaling!.hosts.desired).toBe(3);
  });

  it("needs a host less without the surge", () => {
    const c = cluster([ec2Service("api", 4), { ...jobs, deploymentConfiguration: { maximumPercent: 100 } }], tds, instances());
    expect(c.packing!.demand.rolling).toBeNull();
    expect(c.hostScaling!.hosts.desired).toBe(2);
  });
});

describe("packing internals", () => {
  const t = { instanceType: "x", cpu: 4096, memory: 8192, awsvpcSlots: 3, hourly: 1 };
  it("first-fit decreasing fills the open hosts before opening new ones", () => {
    const r = packOnto(
      [
        { cpu: 3072, memory: 1024, awsvpc: false, count: 2, label: "a" },
        { cpu: 1024, memory: 1024, awsvpc: false, count: 2, label: "b" },
      ],
      t,
    )!;
    expect(r.bins).toHaveLength(2); // each big one shares a host with a small one
  });
  it("refuses a task larger than the host", () => {
    expect(packOnto([{ cpu: 8192, memory: 1, awsvpc: false, count: 1, label: "x" }], t)).toBeUndefined();
    expect(cheapestPacking([{ cpu: 8192, memory: 1, awsvpc: false, count: 1, label: "x" }], [t])).toBeUndefined();
  });
  it("swaps the least-full host for a smaller type when that is cheaper", () => {
    const big = { instanceType: "big", cpu: 4096, memory: 8192, awsvpcSlots: 3, hourly: 1 };
    const small = { instanceType: "small", cpu: 1024, memory: 2048, awsvpcSlots: 2, hourly: 0.3 };
    // 5 tasks of 1024/2048: 4 on one big host, the 5th alone → a small host takes it: $1.30 instead of $2.
    const r = cheapestPacking([{ cpu: 1024, memory: 2048, awsvpc: false, count: 5, label: "t" }], [big, small])!;
    expect(r.best.instanceTypes).toEqual({ big: 1, small: 1 });
    expect(r.best.hourly).toBeCloseTo(1.3, 9);
  });
});

describe("the steps of host scaling, one by one", () => {
  // Two EC2 services, worked by hand. a: 1024 cpu / 2048 MiB now, right-sized to 512 / 1024, peak 3.2
  // tasks (→ 4), fewest 1, autoscaling 2–6. b: 512 / 4096 with no advice and no metrics, 3 tasks.
  const finding = (name: string, fields: object) => ({ service: name, launchType: "EC2", operatingSystemFamily: "LINUX", ...fields });
  const a: ClusterService = {
    finding: finding("a", {
      current: { cpu: 1024, memory: 2048, tasks: 2.5 },
      recommended: { cpu: 512, memory: 1024 },
      evidence: { peakTasks: 3.2, averageTasks: 2.5, minTasks: 1 },
    }) as unknown as ServiceFinding,
    service: ec2Service("a", 3, {
      autoscaling: { minCapacity: 2, maxCapacity: 6, policies: [] },
      deploymentConfiguration: { maximumPercent: 200 },
    }),
    taskDefinition: taskDef("a:1", { cpu: 1024, memory: 2048 }),
  };
  const b: ClusterService = {
    finding: finding("b", {
      current: { cpu: 512, memory: 4096, tasks: 3 },
      recommended: null,
      evidence: { peakTasks: null, averageTasks: null, minTasks: null },
    }) as unknown as ServiceFinding,
    service: ec2Service("b", 3, { deploymentConfiguration: { maximumPercent: 200 } }),
    taskDefinition: taskDef("b:1", { cpu: 512, memory: 4096 }),
  };

  it("the largest task takes the largest cpu and the largest memory, from whichever services have them", () => {
    expect(largestTask([a, b])).toEqual({ cpu: 1024, memory: 4096, awsvpc: false, services: ["a", "b"] });
  });

  it("headroom now: per instance, from what it has left", () => {
    // 4096 − 1024 = 3072 cpu, 15464 − 9000 = 6464 MiB left: min(3, 1) = 1 by memory; the second has room for 3.
    const now = headroomNow(
      [a, b],
      [host("m5.xlarge", M5XL, { cpu: 3072, memory: 6464 }, 3), host("m5.xlarge", M5XL, M5XL)],
      largestTask([a, b]),
      HAND_PRICES,
    );
    expect(now.instances.map((i) => [i.fits, i.limitedBy])).toEqual([
      [1, "memory"],
      [3, "memory"],
    ]);
    expect(now.schedulable).toBe(4);
  });

  it("the main type has the most hosts; one host of it holds 3 of the largest task", () => {
    const types = hostTypes(
      [host("m5.xlarge", M5XL, M5XL), host("m5.xlarge", M5XL, M5XL), host("c5.2xlarge", C5_2XL, C5_2XL)],
      largestTask([a, b]),
      HAND_PRICES,
    );
    // m5.xlarge: min(4096 ÷ 1024, 15464 ÷ 4096) = 3; c5.2xlarge: min(8, 15206 ÷ 4096 = 3) = 3.
    expect(types.mainType).toBe("m5.xlarge");
    expect(types.perHostByType).toEqual({ "m5.xlarge": 3, "c5.2xlarge": 3 });
    expect(types.perHost).toBe(3);
  });

  it("demand: each service at its trough, peak and maximum, the heaviest rolling deployment, one spare", () => {
    const d = demandOf([a, b]);
    expect([a, b].map((s) => [d.count("trough", s), d.count("peak", s), d.count("max", s)])).toEqual([
      [2, 4, 6], // trough max(min 2, ⌊1⌋); peak ⌈3.2⌉; max max(4, 6)
      [3, 3, 3], // no metrics: the desired count throughout
    ]);
    // At the peak: a's surge is 4 tasks of 512 / 1024 (weight 4 × 0.5 = 2), b's 3 of 512 / 4096 (3 × 1 = 3).
    expect(d.rolling("peak")).toMatchObject({ cpu: 512, memory: 4096, count: 3, label: "rolling deployment of b (maximumPercent 200)" });
    expect(d.spare).toMatchObject({ cpu: 512, memory: 4096, count: 1 });
  });

  it("hosts of the main type for trough, peak and maximum, and managed scaling's targetCapacity", () => {
    // m5.xlarge holds 4096 cpu / 15464 MiB: three 512/4096 tasks fill its memory (12288 MiB), leaving
    // room for three 512/1024 ones. Peak without the spare: b 3 + surge 3 = 6 → 2 hosts, a's 4 → 3 + 1 on
    // them: 2 hosts; with the spare, 7 b-sized tasks need 3 hosts. Trough: b 3 + spare → 2 hosts, a's 2 fit.
    // Maximum: a 6 + its surge 6 (a's weight 3 ties b's, and a comes first), b 3 + spare: 3 hosts.
    const counts = hostCounts(
      demandOf([a, b]),
      { instanceType: "m5.xlarge", perHost: 3 },
      new Map([["m5.xlarge", M5XL]]),
      [],
      HAND_PRICES,
      MECHANICS,
    );
    expect(counts).toMatchObject({ min: 2, desired: 3, max: 3, withoutSpare: 2, spareHosts: 1, minPacked: 2 });
    // With no zones known the default 3 zones apply: never fewer hosts than zones.
    expect(
      hostCounts(
        demandOf([a, b]),
        { instanceType: "m5.xlarge", perHost: 3 },
        new Map([["m5.xlarge", M5XL]]),
        [],
        HAND_PRICES,
        DEFAULT_POLICY,
      ),
    ).toMatchObject({ min: 3, desired: 3, max: 3, minPacked: 3 });
    expect(counts.targetCapacity).toBe(67); // ⌈100 × 2 ÷ (2 + 1)⌉
    expect(counts.hostsAtPeak).toBe(3); // ⌈200 ÷ 67⌉
  });
});
