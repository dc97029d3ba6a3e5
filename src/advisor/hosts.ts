// Capacity-based host scaling for EC2-backed clusters (Coursera's advice, after garbe.io; aws-facts §7):
// how many more of the largest task fit now, a scaling rule that cannot flap, hosts to run, the cheapest
// packing of the right-sized tasks, and the same fleet priced on Fargate. Pure. The demand model is in
// host-demand.ts, the packing and Fargate options in host-options.ts.
import type { ClusterFinding } from "../model/report.js";
import type { ContainerInstance, Prices } from "../model/snapshot.js";
import { HOURS_PER_MONTH } from "../model/units.js";
import { awsvpcSlots, registeredByType } from "./capacity.js";
import { type ClusterService, demandOf, hostCounts, isAwsvpc } from "./host-demand.js";
import { fargateComparison, instancesHourly, packingSection } from "./host-options.js";
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
 * How many hosts a scale-in may remove: each step only when more than one host's worth plus the shortage
 * threshold is free, so that removing a host can never make the cluster short (no flapping).
 *   schedulable > k × perHost + shortage  ⇒  k = ceil((schedulable − shortage) / perHost) − 1
 */
export function scaleInHosts(schedulable: number, perHost: number, shortage: number): number {
  if (perHost <= 0 || schedulable <= perHost + shortage) return 0;
  return Math.max(0, Math.ceil((schedulable - shortage) / perHost) - 1);
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

/** The cluster's instance types: what one host of each holds, and the main type (the most hosts). */
export function hostTypes(live: readonly ContainerInstance[], largest: Largest, prices: Prices) {
  const seen = registeredByType(live);
  const perHostByType: Record<string, number> = {};
  for (const [type, reg] of seen)
    perHostByType[type] = fitsOf({ cpu: reg.cpu, memory: reg.memory, slots: awsvpcSlots(type, prices) }, largest).fits;
  // Removing the roomiest host takes away the most schedulable tasks: the rule must allow for that one.
  const perHost = Math.max(0, ...Object.values(perHostByType));
  const typeCounts = new Map<string, number>();
  for (const i of live) typeCounts.set(i.instanceType ?? "unknown", (typeCounts.get(i.instanceType ?? "unknown") ?? 0) + 1);
  const mainType = [...typeCounts.entries()].sort((a, b) => b[1] - a[1] || (perHostByType[b[0]] ?? 0) - (perHostByType[a[0]] ?? 0))[0]![0];
  return { seen, perHostByType, perHost, typeCounts, mainType, mainPerHost: perHostByType[mainType] ?? perHost };
}

export function hostScaling(
  services: readonly ClusterService[],
  instances: readonly ContainerInstance[],
  prices: Prices,
  policy: Policy,
): Pick<ClusterFinding, "hostScaling" | "packing" | "fargateComparison"> | undefined {
  const ec2 = services.filter((s) => s.finding.launchType === "EC2" && s.finding.current.cpu !== null && s.finding.current.memory !== null);
  const live = instances.filter((i) => i.status === "ACTIVE");
  if (ec2.length === 0 || live.length === 0) return undefined;
  const largest = largestTask(ec2);
  const now = headroomNow(ec2, live, largest, prices);
  const types = hostTypes(live, largest, prices);
  const demand = demandOf(ec2);
  const counts = hostCounts(demand, { instanceType: types.mainType, perHost: types.mainPerHost }, types.seen, live, prices, policy);
  const packing = packingSection(demand, { ...types, live, minPacked: counts.minPacked }, prices);
  const ec2Monthly = { packed: packing ? packing.best.monthlyUsd : null, current: instancesHourly(live, prices) * HOURS_PER_MONTH };
  return {
    hostScaling: scalingAdvice(largest, now, types, counts, live.length, prices, policy),
    packing,
    fargateComparison: fargateComparison(ec2, demand, ec2Monthly, prices, policy),
  };
}

/** The rule, today's action by it, and the hosts to run. */
function scalingAdvice(
  largest: ReturnType<typeof largestTask>,
  now: ReturnType<typeof headroomNow>,
  types: ReturnType<typeof hostTypes>,
  counts: ReturnType<typeof hostCounts>,
  current: number,
  prices: Prices,
  policy: Policy,
): HostScaling {
  const N = policy.hosts.shortageLargestTasks;
  const { perHost, mainType } = types;
  const { desired, spareHosts, withoutSpare, targetCapacity } = counts;
  return {
    largestTask: { cpu: largest.cpu, memory: largest.memory, awsvpc: largest.awsvpc, services: largest.services },
    instances: now.instances,
    schedulableNow: now.schedulable,
    tasksPerHost: perHost,
    tasksPerHostByType: types.perHostByType,
    rule: {
      scaleOutBelow: N,
      scaleInAbove: perHost + N,
      targetCapacity,
      text: `scale out when fewer than ${N} of the largest task fit; scale in only when more than ${perHost + N} fit (one host holds up to ${perHost}, plus the ${N} kept spare), so removing a host can never trigger a scale-out. With ECS managed scaling: targetCapacity ${targetCapacity} (${spareHosts} spare host${spareHosts === 1 ? "" : "s"} over ${withoutSpare ?? "?"}).`,
    },
    today: today(largest, now, types, desired, current, N),
    hosts: {
      current,
      instanceType: mainType,
      min: counts.min,
      desired,
      max: counts.max,
      desiredMonthlyUsd: desired !== null && prices.ec2[mainType] ? desired * prices.ec2[mainType]!.hourly * HOURS_PER_MONTH : null,
    },
  };
}

/** Today's action by the rule, in words. */
function today(
  largest: ReturnType<typeof largestTask>,
  now: ReturnType<typeof headroomNow>,
  types: ReturnType<typeof hostTypes>,
  desired: number | null,
  current: number,
  N: number,
): HostScaling["today"] {
  const { schedulable, instances } = now;
  const { perHost, mainType, mainPerHost } = types;
  const out = scaleOutHosts(schedulable, mainPerHost, N);
  const inHosts = out > 0 ? 0 : scaleInHosts(schedulable, perHost, N);
  const idle = instances.filter(
    (i) => i.runningTasks === 0 && i.remaining.cpu >= i.registered.cpu && i.remaining.memory >= i.registered.memory,
  ).length;
  const task = `the largest task (${largest.services.join(" + ")}: ${largest.cpu} cpu / ${largest.memory} MiB${largest.awsvpc ? ", awsvpc" : ""})`;
  if (out > 0) {
    return {
      action: "scale-out",
      hosts: out,
      message: `only ${schedulable} more of ${task} fit; add ${out} ${mainType} host${out === 1 ? "" : "s"} to keep room for ${N}`,
    };
  }
  if (inHosts > 0) {
    const notAll =
      idle > inHosts ? ` — not ${idle}, though ${idle} run no tasks: that would leave fewer than ${N} and trigger a scale-out` : "";
    return {
      action: "scale-in",
      hosts: inHosts,
      message: `${schedulable} more of ${task} fit; ${inHosts} host${inHosts === 1 ? "" : "s"} can go (drain the emptiest), leaving room for at least ${N}${notAll}`,
    };
  }
  return {
    action: "hold",
    hosts: 0,
    message:
      `${schedulable} more of ${task} fit: enough, and less than a host's worth (${perHost}) plus ${N} spare` +
      (desired !== null && desired < current
        ? `; once the tasks are right-sized, ${desired} ${mainType} hosts would do (${current} now)`
        : ""),
  };
}
