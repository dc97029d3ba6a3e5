// Capacity-based host scaling for EC2-backed clusters (Coursera's advice, after garbe.io; aws-facts §7):
// how many more of the largest task fit now, a scaling rule that cannot flap, hosts to run, the cheapest
// packing of the right-sized tasks, and the same fleet priced on Fargate. Pure. The demand model is in
// host-demand.ts, the packing and Fargate options in host-options.ts.
import type { ClusterFinding } from "../model/report.js";
import type { Cluster, ContainerInstance, Prices } from "../model/snapshot.js";
import { HOURS_PER_MONTH } from "../model/units.js";
import { awsvpcSlots, registeredByType } from "./capacity.js";
import {
  type ClusterService,
  daemonReserve,
  demandOf,
  type HostReserve,
  hostCounts,
  isAwsvpc,
  isDaemon,
  NO_RESERVE,
} from "./host-demand.js";
import { fargateComparison, instancesHourly, packingSection } from "./host-options.js";
import { managedScalingAdvice } from "./managed-scaling.js";
import type { Policy } from "./policy.js";

export type { ClusterService } from "./host-demand.js";

type HostScaling = NonNullable<ClusterFinding["hostScaling"]>;
type Largest = { cpu: number; memory: number; awsvpc: boolean };

/** Tasks of the largest size that fit in `free`, and which resource ran out first. */
export function fitsOf(free: { cpu: number; memory: number; slots: number }, largest: Largest) {
  const byCpu = largest.cpu > 0 ? Math.floor(free.cpu / largest.cpu) : Number.POSITIVE_INFINITY;
  const byMem = largest.memory > 0 ? Math.floor(free.memory / largest.memory) : Number.POSITIVE_INFINITY;
  const bySlots = largest.awsvpc ? Math.max(0, Math.floor(free.slots)) : Number.POSITIVE_INFINITY;
  const fits = Math.max(0, Math.min(byCpu, byMem, bySlots));
  const limitedBy = bySlots <= byCpu && bySlots <= byMem ? ("eni" as const) : byCpu <= byMem ? ("cpu" as const) : ("memory" as const);
  return { fits: Number.isFinite(fits) ? fits : 0, limitedBy };
}

/**
 * The most tasks one host of these types can hold, placed or placeable: its running tasks (each at least the
 * smallest task) plus the largest tasks that still fit. Removing a host loses its own fits, and each of its
 * tasks re-placed elsewhere takes at most one largest task's room (a task no larger than the largest lowers
 * each of floor(cpu ÷ largest), floor(memory ÷ largest) and the free ENIs by at most one), so
 *   after a drain  ≥  schedulable − (fits + tasks of the drained host)  ≥  schedulable − this.
 * For every type: min over cpu, memory (and ENIs when every task is awsvpc) of registered ÷ smallest.
 */
export function tasksPerHostMax(
  seen: ReadonlyMap<string, { cpu: number; memory: number }>,
  smallest: { cpu: number; memory: number; awsvpc: boolean },
  prices: Prices,
): number {
  let most = 0;
  for (const [type, reg] of seen) {
    const byCpu = smallest.cpu > 0 ? Math.floor(reg.cpu / smallest.cpu) : Number.POSITIVE_INFINITY;
    const byMem = smallest.memory > 0 ? Math.floor(reg.memory / smallest.memory) : Number.POSITIVE_INFINITY;
    const bySlots = smallest.awsvpc ? awsvpcSlots(type, prices) : Number.POSITIVE_INFINITY;
    const n = Math.min(byCpu, byMem, bySlots);
    most = Math.max(most, Number.isFinite(n) ? n : 0);
  }
  return most;
}

/**
 * Hosts a scale-in can remove today, and which: the ones whose drain costs the fewest largest-task slots
 * (fits + running tasks, see tasksPerHostMax), taken while more than `shortage` stay schedulable after
 * every drained task is re-placed — so the scale-in can never trigger a scale-out, whatever ECS's placement.
 */
export function drainPlan(
  instances: ReadonlyArray<{ id: string; fits: number; runningTasks: number }>,
  schedulable: number,
  shortage: number,
): string[] {
  const order = [...instances].sort((a, b) => a.fits + a.runningTasks - (b.fits + b.runningTasks) || a.runningTasks - b.runningTasks);
  const out: string[] = [];
  let left = schedulable;
  for (const i of order) {
    if (out.length === instances.length - 1 || left - (i.fits + i.runningTasks) <= shortage) break;
    left -= i.fits + i.runningTasks;
    out.push(i.id);
  }
  return out;
}

export function scaleOutHosts(schedulable: number, perHost: number, shortage: number): number {
  if (schedulable >= shortage) return 0;
  return perHost > 0 ? Math.ceil((shortage - schedulable) / perHost) : 1;
}

/** The largest task: the largest cpu and the largest memory reserved by any service here (garbe.io). */
export function largestTask(ec2: readonly ClusterService[]): Largest & { services: string[] } {
  const cpuMax = ec2.reduce((a, s) => (s.finding.current.cpu! > a.finding.current.cpu! ? s : a));
  const memMax = ec2.reduce((a, s) => (s.finding.current.memory! > a.finding.current.memory! ? s : a));
  return {
    cpu: cpuMax.finding.current.cpu!,
    memory: memMax.finding.current.memory!,
    awsvpc: ec2.some(isAwsvpc),
    services: [...new Set([cpuMax.finding.service, memMax.finding.service])],
  };
}

/** How many more of the largest task each ACTIVE instance can take now, and their sum. */
export function headroomNow(ec2: readonly ClusterService[], live: readonly ContainerInstance[], largest: Largest, prices: Prices) {
  const runningTasks = ec2.reduce((a, s) => a + s.service.runningCount, 0);
  const awsvpcTasks = ec2.filter(isAwsvpc).reduce((a, s) => a + s.service.runningCount, 0);
  const awsvpcShare = runningTasks > 0 ? awsvpcTasks / runningTasks : largest.awsvpc ? 1 : 0;
  const instances = live.map((i) => {
    const slots = i.instanceType ? awsvpcSlots(i.instanceType, prices) : 0;
    const usedSlots = (i.runningTasks ?? 0) * awsvpcShare;
    // An instance whose agent is disconnected accepts no placements (aws-facts §7.1).
    const f = i.agentConnected
      ? fitsOf({ cpu: i.remaining.cpu, memory: i.remaining.memory, slots: slots - usedSlots }, largest)
      : { fits: 0, limitedBy: "agent-disconnected" as const };
    return {
      id: i.id,
      instanceType: i.instanceType ?? "unknown",
      registered: i.registered,
      remaining: i.remaining,
      runningTasks: i.runningTasks ?? 0,
      fits: f.fits,
      limitedBy: f.limitedBy,
    };
  });
  return { instances, schedulable: instances.reduce((a, i) => a + i.fits, 0) };
}

/**
 * The cluster's instance types: what one host of each holds, and the main type (the most hosts). `free` is
 * what each type registers less what the DAEMON services keep on every host, which other tasks cannot use.
 */
export function hostTypes(live: readonly ContainerInstance[], largest: Largest, prices: Prices, reserve: HostReserve = NO_RESERVE) {
  const seen = registeredByType(live);
  const free = new Map(
    [...seen].map(([t, r]) => [t, { cpu: Math.max(0, r.cpu - reserve.cpu), memory: Math.max(0, r.memory - reserve.memory) }]),
  );
  const perHostByType: Record<string, number> = {};
  for (const [type, reg] of free)
    perHostByType[type] = fitsOf(
      { cpu: reg.cpu, memory: reg.memory, slots: Math.max(0, awsvpcSlots(type, prices) - reserve.enis) },
      largest,
    ).fits;
  // Removing the roomiest host takes away the most schedulable tasks: the rule must allow for that one.
  const perHost = Math.max(0, ...Object.values(perHostByType));
  const typeCounts = new Map<string, number>();
  for (const i of live) typeCounts.set(i.instanceType ?? "unknown", (typeCounts.get(i.instanceType ?? "unknown") ?? 0) + 1);
  const mainType = [...typeCounts.entries()].sort((a, b) => b[1] - a[1] || (perHostByType[b[0]] ?? 0) - (perHostByType[a[0]] ?? 0))[0]![0];
  return { seen, free, perHostByType, perHost, typeCounts, mainType, mainPerHost: perHostByType[mainType] ?? perHost };
}

export function hostScaling(
  services: readonly ClusterService[],
  instances: readonly ContainerInstance[],
  prices: Prices,
  policy: Policy,
  cluster?: Cluster,
): Pick<ClusterFinding, "hostScaling" | "packing" | "fargateComparison"> | undefined {
  const all = services.filter((s) => s.finding.launchType === "EC2" && s.finding.current.cpu !== null && s.finding.current.memory !== null);
  const live = instances.filter((i) => i.status === "ACTIVE");
  // DAEMON services run one task on every host: room kept on each, never a task to place (unless nothing else runs).
  const daemons = all.filter(isDaemon);
  const ec2 = daemons.length < all.length ? all.filter((s) => !isDaemon(s)) : all;
  const placed = ec2 === all ? [] : daemons;
  if (ec2.length === 0 || live.length === 0) return undefined;
  const largest = largestTask(ec2);
  const now = headroomNow(ec2, live, largest, prices);
  const types = hostTypes(live, largest, prices, daemonReserve(placed, "current"));
  const demand = demandOf(ec2, placed);
  const counts = hostCounts(demand, { instanceType: types.mainType, perHost: types.mainPerHost }, types.seen, live, prices, policy);
  const packing = packingSection(demand, { ...types, live, minPacked: counts.minPacked }, prices, policy);
  const ec2Monthly = { packed: packing ? packing.best.monthlyUsd : null, current: instancesHourly(live, prices) * HOURS_PER_MONTH };
  const drainMax = tasksPerHostMax(types.free, smallestTask(ec2), prices);
  return {
    hostScaling: scalingAdvice({ largest, now, types, counts, drainMax, live, cluster }, prices, policy),
    packing,
    fargateComparison: fargateComparison(ec2, demand, ec2Monthly, prices, policy),
  };
}

/** The smallest task: the smallest cpu and the smallest memory any service here reserves now. */
export function smallestTask(ec2: readonly ClusterService[]) {
  return {
    cpu: Math.min(...ec2.map((s) => s.finding.current.cpu!)),
    memory: Math.min(...ec2.map((s) => s.finding.current.memory!)),
    awsvpc: ec2.every(isAwsvpc),
  };
}

interface ScalingInputs {
  largest: ReturnType<typeof largestTask>;
  now: ReturnType<typeof headroomNow>;
  types: ReturnType<typeof hostTypes>;
  counts: ReturnType<typeof hostCounts>;
  /** tasksPerHostMax */
  drainMax: number;
  live: readonly ContainerInstance[];
  cluster: Cluster | undefined;
}

/** The rule, the managed-scaling lever, today's action, and the hosts to run. */
function scalingAdvice(x: ScalingInputs, prices: Prices, policy: Policy): HostScaling {
  const N = policy.hosts.shortageLargestTasks;
  const { largest, now, types, counts, drainMax } = x;
  const { perHost, mainType } = types;
  const { desired, spareHosts, withoutSpare, targetCapacity, hostsAtPeak } = counts;
  const managed = managedScalingAdvice(x.cluster, x.live, { targetCapacity, hostsAtPeak, withoutSpare, spareHosts, N, counts });
  const lever = managed?.status === "ENABLED" ? ("managed-scaling" as const) : ("alarm-rule" as const);
  const smallHigh =
    drainMax > 2 * Math.max(1, perHost)
      ? ` With small tasks beside large ones that threshold is high; ECS managed scaling with managed termination protection, which removes only hosts that run no tasks, scales in sooner.`
      : "";
  return {
    largestTask: { cpu: largest.cpu, memory: largest.memory, awsvpc: largest.awsvpc, services: largest.services },
    instances: now.instances,
    schedulableNow: now.schedulable,
    tasksPerHost: perHost,
    tasksPerHostByType: types.perHostByType,
    tasksPerHostMax: drainMax,
    lever,
    managedScaling: managed,
    rule: {
      scaleOutBelow: N,
      scaleInAbove: drainMax + N,
      targetCapacity,
      text:
        `scale out when fewer than ${N} of the largest task fit; scale in only when more than ${drainMax + N} fit ` +
        `(a host holds at most ${drainMax} tasks, running or placeable, and each of its tasks re-placed elsewhere takes at most one largest task's room; plus the ${N} kept spare), ` +
        `so removing any host can never trigger a scale-out.${smallHigh}`,
    },
    today: today(x, desired, N, lever),
    hosts: {
      current: x.live.length,
      instanceType: mainType,
      min: counts.min,
      desired,
      max: counts.max,
      desiredMonthlyUsd: desired !== null && prices.ec2[mainType] ? desired * prices.ec2[mainType]!.hourly * HOURS_PER_MONTH : null,
    },
  };
}

/** Today's action, in words: scale out, drain the named hosts, or hold. */
function today(x: ScalingInputs, desired: number | null, N: number, lever: HostScaling["lever"]): HostScaling["today"] {
  const { largest, now, types } = x;
  const { schedulable, instances } = now;
  const { mainType, mainPerHost } = types;
  const current = x.live.length;
  const out = scaleOutHosts(schedulable, mainPerHost, N);
  const drain = out > 0 ? [] : drainPlan(instances, schedulable, N);
  const idle = instances.filter(
    (i) => i.runningTasks === 0 && i.remaining.cpu >= i.registered.cpu && i.remaining.memory >= i.registered.memory,
  ).length;
  const task = `the largest task (${largest.services.join(" + ")}: ${largest.cpu} cpu / ${largest.memory} MiB${largest.awsvpc ? ", awsvpc" : ""})`;
  const byEcs = lever === "managed-scaling" ? "; ECS managed scaling sets the host count: change its targetCapacity, not the hosts" : "";
  if (out > 0) {
    return {
      action: "scale-out",
      hosts: out,
      drain: [],
      message: `only ${schedulable} more of ${task} fit; add ${out} ${mainType} host${out === 1 ? "" : "s"} to keep room for ${N}${byEcs}`,
    };
  }
  if (drain.length > 0) {
    const gone = instances.filter((i) => drain.includes(i.id));
    const moved = gone.reduce((a, i) => a + i.runningTasks, 0);
    const left = schedulable - gone.reduce((a, i) => a + i.fits + i.runningTasks, 0);
    const notAll =
      idle > drain.length
        ? ` — not ${idle}, though ${idle} run no tasks: that would leave fewer than ${N + 1} and trigger a scale-out`
        : "";
    return {
      action: "scale-in",
      hosts: drain.length,
      drain,
      message:
        `${schedulable} more of ${task} fit; ${drain.length} host${drain.length === 1 ? "" : "s"} can go: drain ${drain.join(", ")}` +
        `${moved > 0 ? ` (${moved} task${moved === 1 ? "" : "s"} to re-place), and at least ${left} still fit after` : `, and at least ${left} still fit after`}` +
        `${notAll}${byEcs}`,
    };
  }
  return {
    action: "hold",
    hosts: 0,
    drain: [],
    message:
      `${schedulable} more of ${task} fit: enough, and no host can go without leaving fewer than ${N + 1} once its tasks move` +
      (desired !== null && desired < current ? `; right-sized, ${desired} ${mainType} hosts would do (${current} now)` : ""),
  };
}
