// Capacity-based host scaling for EC2-backed clusters (Coursera's advice, after garbe.io; aws-facts §7):
// how many more of the largest task fit now, a scaling rule that cannot flap, hosts to run, the cheapest
// packing of the right-sized tasks, and the same fleet priced on Fargate.
import type { ClusterFinding, ServiceFinding } from "../model/report.js";
import type { ContainerInstance, Prices, Service, TaskDefinition } from "../model/snapshot.js";
import { HOURS_PER_MONTH, isWindowsFamily } from "../model/units.js";
import { awsvpcSlots, hostCapacity, isGeneralPurposeCandidate, registeredByType } from "./capacity.js";
import { fargateTaskHourly, withSpot } from "./cost.js";
import { snapToFargate } from "./fargate.js";
import { cheapestPacking, mergeGroups, packOnto, type HostType, type TaskGroup } from "./packing.js";
import type { Policy } from "./policy.js";

export interface ClusterService {
  finding: ServiceFinding;
  service: Service;
  taskDefinition: TaskDefinition | undefined;
}

type HostScaling = NonNullable<ClusterFinding["hostScaling"]>;
type PackingSection = NonNullable<ClusterFinding["packing"]>;
type FargateComparison = NonNullable<ClusterFinding["fargateComparison"]>;

const isAwsvpc = (s: ClusterService) => s.taskDefinition?.networkMode === "awsvpc";

/** Tasks of the largest size that fit in `free`, and which resource ran out first. */
export function fitsOf(free: { cpu: number; memory: number; slots: number }, largest: { cpu: number; memory: number; awsvpc: boolean }) {
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

export function hostScaling(
  services: readonly ClusterService[],
  instances: readonly ContainerInstance[],
  prices: Prices,
  policy: Policy,
): { hostScaling: HostScaling; packing: PackingSection | null; fargateComparison: FargateComparison | null } | undefined {
  const ec2 = services.filter((s) => s.finding.launchType === "EC2" && s.finding.current.cpu !== null && s.finding.current.memory !== null);
  const live = instances.filter((i) => i.status === "ACTIVE");
  if (ec2.length === 0 || live.length === 0) return undefined;
  const N = policy.hosts.shortageLargestTasks;

  // The largest task: the largest cpu and the largest memory reserved by any service here (garbe.io).
  const cpuMax = ec2.reduce((a, s) => (s.finding.current.cpu! > a.finding.current.cpu! ? s : a));
  const memMax = ec2.reduce((a, s) => (s.finding.current.memory! > a.finding.current.memory! ? s : a));
  const anyAwsvpc = ec2.some(isAwsvpc);
  const largest = { cpu: cpuMax.finding.current.cpu!, memory: memMax.finding.current.memory!, awsvpc: anyAwsvpc };
  const runningTasks = ec2.reduce((a, s) => a + s.service.runningCount, 0);
  const awsvpcShare =
    runningTasks > 0 ? ec2.filter(isAwsvpc).reduce((a, s) => a + s.service.runningCount, 0) / runningTasks : anyAwsvpc ? 1 : 0;

  const perInstance = live.map((i) => {
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
  const schedulable = perInstance.reduce((a, i) => a + i.fits, 0);
  const seen = registeredByType(live);
  const perHostByType: Record<string, number> = {};
  for (const [type, reg] of seen) {
    perHostByType[type] = fitsOf({ cpu: reg.cpu, memory: reg.memory, slots: awsvpcSlots(type, prices) }, largest).fits;
  }
  // Removing the roomiest host takes away the most schedulable tasks: the rule must allow for that one.
  const perHost = Math.max(0, ...Object.values(perHostByType));
  const typeCounts = new Map<string, number>();
  for (const i of live) typeCounts.set(i.instanceType ?? "unknown", (typeCounts.get(i.instanceType ?? "unknown") ?? 0) + 1);
  const mainType = [...typeCounts.entries()].sort((a, b) => b[1] - a[1] || (perHostByType[b[0]] ?? 0) - (perHostByType[a[0]] ?? 0))[0]![0];
  const mainPerHost = perHostByType[mainType] ?? perHost;

  // Demand for packing: right-sized tasks at their observed peak count, one service's rolling
  // deployment, and one more largest task.
  const sizes = new Map(
    ec2.map((s) => [
      s,
      { cpu: s.finding.recommended?.cpu ?? s.finding.current.cpu!, memory: s.finding.recommended?.memory ?? s.finding.current.memory! },
    ]),
  );
  const size = (s: ClusterService) => sizes.get(s)!;
  const peakOf = (s: ClusterService) => Math.ceil(s.finding.evidence.peakTasks ?? Math.max(s.service.desiredCount, s.service.runningCount));
  const troughOf = (s: ClusterService) =>
    Math.max(
      s.service.autoscaling?.minCapacity ?? 0,
      Math.floor(s.finding.evidence.averageTasks === null ? s.service.desiredCount : minTasks(s)),
    );
  const maxOf = (s: ClusterService) => Math.max(peakOf(s), s.service.autoscaling?.maxCapacity ?? 0);
  const groupsAt = (count: (s: ClusterService) => number): TaskGroup[] =>
    ec2.map((s) => {
      const { cpu, memory } = size(s);
      return { cpu, memory, awsvpc: isAwsvpc(s), count: count(s), label: s.finding.service };
    });
  const rolling = (base: (s: ClusterService) => number): TaskGroup | undefined => {
    let best: TaskGroup | undefined;
    let bestWeight = 0;
    for (const s of ec2) {
      const maxPercent = s.service.deploymentConfiguration?.maximumPercent ?? 200;
      const extra = Math.ceil((base(s) * Math.max(0, maxPercent - 100)) / 100);
      const sz = size(s);
      const weight = extra * Math.max(sz.cpu / 1024, sz.memory / 4096);
      if (extra > 0 && weight > bestWeight) {
        bestWeight = weight;
        best = {
          ...sz,
          awsvpc: isAwsvpc(s),
          count: extra,
          label: `rolling deployment of ${s.finding.service} (maximumPercent ${maxPercent})`,
        };
      }
    }
    return best;
  };
  const sizedLargest = {
    cpu: Math.max(...ec2.map((s) => size(s).cpu)),
    memory: Math.max(...ec2.map((s) => size(s).memory)),
  };
  const spare: TaskGroup = { ...sizedLargest, awsvpc: anyAwsvpc, count: 1, label: "room for one more largest task" };
  const demand = (count: (s: ClusterService) => number) => [
    ...groupsAt(count),
    ...[rolling(count)].filter((g): g is TaskGroup => !!g),
    spare,
  ];

  // Hosts of the cluster's main type for trough, peak and maximum demand.
  const mainCap = hostCapacity(mainType, prices, seen);
  const mainHost: HostType | undefined = mainCap
    ? {
        instanceType: mainType,
        cpu: mainCap.cpu,
        memory: mainCap.memory,
        awsvpcSlots: awsvpcSlots(mainType, prices),
        hourly: prices.ec2[mainType]?.hourly ?? 0,
      }
    : undefined;
  const zones = new Set(live.map((i) => i.availabilityZone).filter(Boolean)).size;
  const minPacked = Math.max(policy.hosts.minPackedHosts, zones);
  const binsFor = (groups: TaskGroup[]) => (mainHost ? (packOnto(mergeGroups(groups), mainHost)?.bins.length ?? null) : null);
  const hostsFor = (groups: TaskGroup[]) => {
    const n = binsFor(groups);
    return n === null ? null : Math.max(minPacked, n);
  };
  const desired = hostsFor(demand(peakOf));
  const withoutSpare = binsFor([...groupsAt(peakOf), ...[rolling(peakOf)].filter((g): g is TaskGroup => !!g)]);
  const minHosts = hostsFor([...groupsAt(troughOf), spare]);
  const maxHosts = hostsFor(demand(maxOf));
  const spareHosts = Math.max(1, mainPerHost > 0 ? Math.ceil(N / mainPerHost) : 1);
  const targetCapacity =
    withoutSpare !== null && withoutSpare > 0
      ? Math.max(1, Math.min(100, Math.floor((100 * withoutSpare) / (withoutSpare + spareHosts))))
      : 100;

  const out = scaleOutHosts(schedulable, mainPerHost, N);
  const inHosts = out > 0 ? 0 : scaleInHosts(schedulable, perHost, N);
  const idleHosts = live.filter(
    (i) => (i.runningTasks ?? 0) === 0 && i.remaining.cpu >= i.registered.cpu && i.remaining.memory >= i.registered.memory,
  ).length;
  const action = out > 0 ? "scale-out" : inHosts > 0 ? "scale-in" : "hold";
  const largestFrom = [...new Set([cpuMax.finding.service, memMax.finding.service])];
  const task = `the largest task (${largestFrom.join(" + ")}: ${largest.cpu} cpu / ${largest.memory} MiB${largest.awsvpc ? ", awsvpc" : ""})`;
  const todayMessage =
    action === "scale-out"
      ? `only ${schedulable} more of ${task} fit; add ${out} ${mainType} host${out === 1 ? "" : "s"} to keep room for ${N}`
      : action === "scale-in"
        ? `${schedulable} more of ${task} fit; ${inHosts} host${inHosts === 1 ? "" : "s"} can go (drain the emptiest), leaving room for at least ${N}${idleHosts > inHosts ? ` — not ${idleHosts}, though ${idleHosts} run no tasks: that would leave fewer than ${N} and trigger a scale-out` : ""}`
        : `${schedulable} more of ${task} fit: enough, and less than a host's worth (${perHost}) plus ${N} spare` +
          (desired !== null && desired < live.length
            ? `; once the tasks are right-sized, ${desired} ${mainType} hosts would do (${live.length} now)`
            : "");

  const hostScalingOut: HostScaling = {
    largestTask: { cpu: largest.cpu, memory: largest.memory, awsvpc: largest.awsvpc, services: largestFrom },
    instances: perInstance,
    schedulableNow: schedulable,
    tasksPerHost: perHost,
    tasksPerHostByType: perHostByType,
    rule: {
      scaleOutBelow: N,
      scaleInAbove: perHost + N,
      targetCapacity,
      text: `scale out when fewer than ${N} of the largest task fit; scale in only when more than ${perHost + N} fit (one host holds up to ${perHost}, plus the ${N} kept spare), so removing a host can never trigger a scale-out. With ECS managed scaling: targetCapacity ${targetCapacity} (${spareHosts} spare host${spareHosts === 1 ? "" : "s"} over ${withoutSpare ?? "?"}).`,
    },
    today: { action, hosts: out > 0 ? out : inHosts, message: todayMessage },
    hosts: {
      current: live.length,
      instanceType: mainType,
      min: minHosts,
      desired,
      max: maxHosts,
      desiredMonthlyUsd: desired !== null && prices.ec2[mainType] ? desired * prices.ec2[mainType]!.hourly * HOURS_PER_MONTH : null,
    },
  };

  // Packing onto the cheapest type (same architecture), and the Graviton option.
  const arch = prices.ec2[mainType]?.arch ?? (live.some((i) => i.cpuArchitecture === "ARM64") ? "arm64" : "x86_64");
  const peakDemand = demand(peakOf);
  const candidates = (a: "x86_64" | "arm64"): HostType[] =>
    Object.entries(prices.ec2)
      .filter(([type, p]) => p.arch === a && isGeneralPurposeCandidate(type) && p.hourly > 0)
      .map(([type, p]) => {
        const cap = hostCapacity(type, prices, seen)!;
        return { instanceType: type, cpu: cap.cpu, memory: cap.memory, awsvpcSlots: awsvpcSlots(type, prices), hourly: p.hourly };
      });
  const sameArch = cheapestPacking(peakDemand, candidates(arch), { minHosts: minPacked });
  const graviton = arch === "x86_64" ? cheapestPacking(peakDemand, candidates("arm64"), { minHosts: minPacked }) : undefined;
  const currentHourly = live.reduce((a, i) => a + (i.instanceType ? (prices.ec2[i.instanceType]?.hourly ?? 0) : 0), 0);
  const toSection = (p: NonNullable<typeof sameArch>["best"]) => ({
    instanceTypes: p.instanceTypes,
    hosts: p.hosts,
    monthlyUsd: p.hourly * HOURS_PER_MONTH,
    cpuReservedPercent: p.cpuReservedPercent,
    memoryReservedPercent: p.memoryReservedPercent,
    limitedBy: p.limitedBy,
  });
  const demandTotal = peakDemand.reduce(
    (a, g) => ({ tasks: a.tasks + g.count, cpu: a.cpu + g.cpu * g.count, memory: a.memory + g.memory * g.count }),
    { tasks: 0, cpu: 0, memory: 0 },
  );
  const rollingGroup = rolling(peakOf);
  const packing: PackingSection | null = sameArch
    ? {
        demand: {
          tasks: demandTotal.tasks,
          cpu: demandTotal.cpu,
          memory: demandTotal.memory,
          awsvpcTasks: peakDemand.filter((g) => g.awsvpc).reduce((a, g) => a + g.count, 0),
          rolling: rollingGroup ? { label: rollingGroup.label, tasks: rollingGroup.count } : null,
          services: groupsAt(peakOf).map((g) => ({ service: g.label, tasks: g.count, cpu: g.cpu, memory: g.memory })),
        },
        current: { instanceTypes: Object.fromEntries([...typeCounts.entries()].sort()), monthlyUsd: currentHourly * HOURS_PER_MONTH },
        best: toSection(sameArch.best),
        alternatives: sameArch.alternatives.map(toSection),
        graviton: graviton ? toSection(graviton.best) : null,
        savingsMonthlyUsd: (currentHourly - sameArch.best.hourly) * HOURS_PER_MONTH,
        typesConsidered: candidates(arch).length,
        minHosts: minPacked,
        capacityEstimated: Object.keys(sameArch.best.instanceTypes).some((t) => !seen.has(t)),
      }
    : null;

  // The same right-sized fleet on Fargate, at its average task count.
  const spotShare = policy.fargate.comparisonSpotShare;
  const discount = prices.fargate.spotDiscount ?? policy.fargate.spotDiscount;
  let x86 = 0;
  let armHourly = 0;
  for (const s of ec2) {
    const sz = size(s);
    // Windows has no ARM on Fargate: its "ARM" price stays the x86 Windows one.
    const windows = isWindowsFamily(s.finding.operatingSystemFamily);
    const snapX = snapToFargate(sz.cpu, sz.memory, { arm: false, windows, allow32Vcpu: policy.fargate.allow32Vcpu, prices });
    const snapA = snapToFargate(sz.cpu, sz.memory, { arm: !windows, windows, allow32Vcpu: policy.fargate.allow32Vcpu, prices });
    const tasks = s.finding.current.tasks;
    x86 += fargateTaskHourly({ cpu: snapX.cpu, memory: snapX.memory, arm: false, windows }, prices) * tasks;
    armHourly += fargateTaskHourly({ cpu: snapA.cpu, memory: snapA.memory, arm: !windows, windows }, prices) * tasks;
  }
  const options = {
    ec2PackedMonthlyUsd: packing ? packing.best.monthlyUsd : null,
    ec2CurrentMonthlyUsd: currentHourly * HOURS_PER_MONTH,
    fargateX86MonthlyUsd: x86 * HOURS_PER_MONTH,
    fargateArmMonthlyUsd: armHourly * HOURS_PER_MONTH,
    fargateSpotMonthlyUsd: withSpot(x86, spotShare, discount) * HOURS_PER_MONTH,
  };
  const named: Array<[string, number | null]> = [
    ["EC2, packed", options.ec2PackedMonthlyUsd],
    ["Fargate x86", options.fargateX86MonthlyUsd],
    ["Fargate ARM", options.fargateArmMonthlyUsd],
    [`Fargate x86 with ${Math.round(spotShare * 100)}% on Fargate Spot`, options.fargateSpotMonthlyUsd],
  ];
  const cheapest = named.filter((n): n is [string, number] => n[1] !== null).sort((a, b) => a[1] - b[1])[0]![0];
  const fargateComparison: FargateComparison = { ...options, spotShare, spotDiscount: discount, cheapest };
  return { hostScaling: hostScalingOut, packing, fargateComparison };
}

/** The fewest tasks the service ran in the window (for the trough). */
function minTasks(s: ClusterService): number {
  return s.finding.evidence.minTasks ?? s.service.desiredCount;
}
