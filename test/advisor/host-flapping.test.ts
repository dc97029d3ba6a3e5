// Host scaling that cannot flap, proved against a simulated drain: take a host out, re-place its tasks the
// way ECS would (spread or binpack), and ask the advisor again. The clusters here have every task on a
// known host (test/helpers/ecs-placement.ts), so what ECS would report after the drain is exact.
import { describe, expect, it } from "vitest";
import { type ClusterService, hostScaling } from "../../src/advisor/hosts.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import type { ServiceFinding } from "../../src/model/report.js";
import type { Prices } from "../../src/model/snapshot.js";
import {
  type SimHost,
  type SimTask,
  type Strategy,
  cloneHosts,
  drain,
  place,
  rng,
  schedulable,
  toInstances,
} from "../helpers/ecs-placement.js";
import { PRICES, service, taskDef } from "../helpers/snapshot.js";

const HAND_PRICES: Prices = {
  ...PRICES,
  ec2: {
    "m5.large": { hourly: 0.1, vcpu: 2, memoryMiB: 8192, arch: "x86_64" },
    "m5.xlarge": { hourly: 0.2, vcpu: 4, memoryMiB: 16384, arch: "x86_64" },
    "m5.2xlarge": { hourly: 0.4, vcpu: 8, memoryMiB: 32768, arch: "x86_64" },
    "c5.2xlarge": { hourly: 0.34, vcpu: 8, memoryMiB: 16384, arch: "x86_64" },
  },
};
const REGISTERED: Record<string, { cpu: number; memory: number }> = {
  "m5.large": { cpu: 2048, memory: 7_681 },
  "m5.xlarge": { cpu: 4096, memory: 15_576 },
  "m5.2xlarge": { cpu: 8192, memory: 31_608 },
  "c5.2xlarge": { cpu: 8192, memory: 15_206 },
};
const SLOTS: Record<string, number> = { "m5.large": 2, "m5.xlarge": 3, "m5.2xlarge": 3, "c5.2xlarge": 3 };

/** The services behind the tasks on the hosts: sizes as they run, no metrics, so no right-sizing. */
function servicesOf(hosts: readonly SimHost[]): ClusterService[] {
  const byName = new Map<string, { task: SimTask; count: number }>();
  for (const h of hosts)
    for (const t of h.tasks) {
      const e = byName.get(t.service) ?? { task: t, count: 0 };
      e.count++;
      byName.set(t.service, e);
    }
  return [...byName.entries()].map(([name, { task, count }]) => ({
    finding: {
      service: name,
      launchType: "EC2",
      operatingSystemFamily: "LINUX",
      current: { cpu: task.cpu, memory: task.memory, tasks: count },
      recommended: null,
      evidence: { peakTasks: null, averageTasks: null, minTasks: null },
    } as unknown as ServiceFinding,
    service: service(name, {
      launchType: "EC2",
      desiredCount: count,
      runningCount: count,
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 },
    }),
    taskDefinition: taskDef(`${name}:1`, {
      cpu: task.cpu,
      memory: task.memory,
      ...(task.awsvpc ? { networkMode: "awsvpc" as const } : {}),
    }),
  }));
}

/** The advice for a simulated cluster; `services` fixed so that a drain changes no demand. */
const adviceFor = (hosts: readonly SimHost[], services = servicesOf(hosts)) =>
  hostScaling(services, toInstances(hosts), HAND_PRICES, DEFAULT_POLICY)!.hostScaling!;

function hostWith(id: string, type: string, tasks: SimTask[]): SimHost {
  return { id, instanceType: type, registered: REGISTERED[type]!, slots: SLOTS[type]!, tasks };
}
const times = (n: number, t: SimTask) => Array.from({ length: n }, () => ({ ...t }));

describe("the issue's cluster: 6 × m5.xlarge, h1–h5 with 4 small tasks each, h6 with 2 large", () => {
  // small 512 / 1024, large 2048 / 4096. m5.xlarge registers 4096 cpu / 15,576 MiB.
  //   h1–h5: 2048 cpu, 11,480 MiB left → 1 large each; h6: 0 cpu left → 0.  Schedulable: 5.
  //   Draining h1 puts one small task on each of h2–h5: 1536 cpu left each → 0 large fit → scale out.
  const small = { service: "small", cpu: 512, memory: 1024, awsvpc: false };
  const large = { service: "large", cpu: 2048, memory: 4096, awsvpc: false };
  const hosts = [
    ...[1, 2, 3, 4, 5].map((n) => hostWith(`h${n}`, "m5.xlarge", times(4, small))),
    hostWith("h6", "m5.xlarge", times(2, large)),
  ];
  const services = servicesOf(hosts);
  const h = adviceFor(hosts, services);

  it("counts 5 of the largest task schedulable now", () => {
    expect(h.schedulableNow).toBe(5);
    expect(schedulable(hosts, large)).toBe(5);
  });

  it("its scale-in threshold holds whichever host goes: no host's drain leads to a scale-out", () => {
    for (const gone of hosts)
      for (const strategy of ["spread", "binpack"] as const) {
        if (h.schedulableNow <= h.rule.scaleInAbove) continue;
        const after = drain(hosts, gone.id, strategy)!;
        expect(adviceFor(after, services).today.action, `drain ${gone.id} (${strategy})`).not.toBe("scale-out");
      }
    // h1's drain leaves 0 schedulable, so 5 must not be above the threshold: a host holds up to 8 small tasks
    // (4096 / 512), each re-placed one can take a largest task's room, plus the 2 kept spare → above 10.
    expect(h.rule.scaleInAbove).toBe(10);
  });

  it("today: drains the host whose tasks cost the fewest largest-task slots (h6), named, and that is safe", () => {
    // h6: 0 fit + 2 tasks → at most 2 slots lost: 5 − 2 = 3 > 2. h1: 1 + 4 = 5 lost → 0.
    expect(h.today).toMatchObject({ action: "scale-in", hosts: 1, drain: ["h6"] });
    for (const strategy of ["spread", "binpack"] as const) {
      const after = drain(hosts, "h6", strategy)!;
      expect(schedulable(after, large)).toBeGreaterThanOrEqual(2);
      expect(adviceFor(after, services).today.action).not.toBe("scale-out");
    }
  });
});

describe("no scale-in is followed by a scale-out without a change in demand (random clusters)", () => {
  const TYPES = Object.keys(REGISTERED);
  const SIZES = [
    [128, 256],
    [256, 512],
    [512, 1024],
    [512, 2048],
    [1024, 2048],
    [1024, 4096],
    [2048, 4096],
    [2048, 1024],
  ] as const;

  /** 2–9 hosts of 1–2 types; 1–4 services whose tasks fill them to a random level, placed as ECS would. */
  function randomCluster(seed: number): { hosts: SimHost[]; strategy: Strategy } {
    const r = rng(seed);
    const types = [r.pick(TYPES), r.pick(TYPES)];
    const strategy: Strategy = r.next() < 0.5 ? "spread" : "binpack";
    const awsvpc = r.next() < 0.25; // all awsvpc or none: the advisor's ENI count is exact then
    const hosts = Array.from({ length: r.int(2, 9) }, (_, i) => hostWith(`h${i + 1}`, r.pick(types), []));
    const services = Array.from({ length: r.int(1, 4) }, (_, i) => {
      const [cpu, memory] = r.pick(SIZES);
      return { service: `s${i + 1}`, cpu, memory, awsvpc };
    });
    const fill = r.next();
    for (let k = 0; k < 200 && r.next() < 0.97 + fill * 0.03; k++) {
      if (!place(hosts, { ...r.pick(services) }, strategy)) break;
      if (r.next() > fill + 0.3) break;
    }
    for (const s of services) if (!hosts.some((h) => h.tasks.some((t) => t.service === s.service))) place(hosts, { ...s }, strategy);
    return { hosts: hosts.filter(() => true), strategy };
  }

  it("holds for today's advice and for the alarm rule over 3,000 clusters", () => {
    let scaleIns = 0;
    let ruleChecks = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const { hosts, strategy } = randomCluster(seed);
      const services = servicesOf(hosts);
      if (services.length === 0) continue;
      const h = adviceFor(hosts, services);
      const where = `seed ${seed} (${strategy})`;
      // Today's advice: drain the named hosts one after the other, as the message says.
      if (h.today.action === "scale-in") {
        scaleIns++;
        expect(h.today.drain, where).toHaveLength(h.today.hosts);
        let state: SimHost[] | undefined = cloneHosts(hosts);
        for (const id of h.today.drain!) state = drain(state!, id, strategy);
        expect(state, `${where}: the drained tasks found room`).toBeDefined();
        expect(adviceFor(state!, services).today.action, where).not.toBe("scale-out");
      }
      // The alarm rule: whichever host the Auto Scaling group removes.
      if (h.schedulableNow > h.rule.scaleInAbove) {
        for (const gone of hosts) {
          ruleChecks++;
          const after = drain(hosts, gone.id, strategy);
          expect(after, `${where}: drain ${gone.id}`).toBeDefined();
          expect(schedulable(after!, h.largestTask), `${where}: drain ${gone.id}`).toBeGreaterThanOrEqual(h.rule.scaleOutBelow);
        }
      }
    }
    // The property is not vacuous: scale-ins and rule-driven scale-ins both happen.
    expect(scaleIns).toBeGreaterThan(200);
    expect(ruleChecks).toBeGreaterThan(200);
  });
});
