// What else an EC2 cluster's right-sized tasks could run on: the cheapest packing onto instance types of
// the same architecture (and onto Graviton), and the same tasks on Fargate x86, ARM and half Spot. Pure.
import { fmtUsd } from "../model/format.js";
import type { ClusterFinding } from "../model/report.js";
import type { ContainerInstance, Prices } from "../model/snapshot.js";
import { HOURS_PER_MONTH, isWindowsFamily } from "../model/units.js";
import { awsvpcSlots, hostCapacity, isGeneralPurposeCandidate, registeredMemoryShares, withinSize } from "./capacity.js";
import { fargateBlendedHourly, fargateTaskHourly, spotRates } from "./cost.js";
import { snapToFargate } from "./fargate.js";
import { type ClusterService, type Demand, type HostReserve, lessReserve } from "./host-demand.js";
import { cheapestPacking, type HostType, type Packing, type TaskGroup } from "./packing.js";
import type { Policy } from "./policy.js";

type PackingSection = NonNullable<ClusterFinding["packing"]>;
type FargateComparison = NonNullable<ClusterFinding["fargateComparison"]>;

/** Every priced general-purpose type of an architecture, no larger than the policy allows, with what it offers ECS. */
function candidates(
  arch: "x86_64" | "arm64",
  prices: Prices,
  seen: ReadonlyMap<string, { cpu: number; memory: number }>,
  opts: { maxInstanceSize: string | null; noEniLimit?: boolean; reserve: HostReserve },
): HostType[] {
  const shares = registeredMemoryShares(prices, seen);
  return Object.entries(prices.ec2)
    .filter(([type, p]) => p.arch === arch && isGeneralPurposeCandidate(type) && p.hourly > 0 && withinSize(type, opts.maxInstanceSize))
    .flatMap(([type, p]) => {
      const cap = hostCapacity(type, prices, seen, shares)!;
      const slots = opts.noEniLimit ? Number.MAX_SAFE_INTEGER : awsvpcSlots(type, prices);
      // The DAEMON services' tasks sit on every host: what is left is what the other tasks can use.
      const h = lessReserve({ instanceType: type, cpu: cap.cpu, memory: cap.memory, awsvpcSlots: slots, hourly: p.hourly }, opts.reserve);
      return h ? [h] : [];
    });
}

const toSection = (p: Packing) => ({
  instanceTypes: p.instanceTypes,
  hosts: p.hosts,
  monthlyUsd: p.hourly * HOURS_PER_MONTH,
  cpuReservedPercent: p.cpuReservedPercent,
  memoryReservedPercent: p.memoryReservedPercent,
  limitedBy: p.limitedBy,
});

/** The zones a packing spreads over: the policy's, else the zones the cluster's hosts are in, else the default. */
export function zonesFor(live: readonly ContainerInstance[], policy: Policy): { zones: number; from: "policy" | "hosts" | "default" } {
  if (policy.hosts.zones !== null) return { zones: policy.hosts.zones, from: "policy" };
  const inUse = new Set(live.map((i) => i.availabilityZone).filter(Boolean)).size;
  return inUse > 0 ? { zones: inUse, from: "hosts" } : { zones: policy.hosts.defaultZones, from: "default" };
}

/** Each service's tasks, at most the policy's share of them on one host (never fewer than one). */
export function withHostLimits(groups: readonly TaskGroup[], policy: Policy): TaskGroup[] {
  const share = policy.hosts.maxServiceSharePercent / 100;
  return groups.map((g) => (g.count > 1 ? { ...g, perHost: Math.max(1, Math.floor(g.count * share)) } : g));
}

/** The peak demand packed onto the cheapest types of the cluster's architecture, and onto Graviton. */
export function packingSection(
  demand: Demand,
  cluster: {
    mainType: string;
    live: readonly ContainerInstance[];
    typeCounts: ReadonlyMap<string, number>;
    seen: ReadonlyMap<string, { cpu: number; memory: number }>;
    minPacked: number;
  },
  prices: Prices,
  policy: Policy,
): PackingSection | null {
  const { mainType, live, typeCounts, seen, minPacked } = cluster;
  const arch = prices.ec2[mainType]?.arch ?? (live.some((i) => i.cpuArchitecture === "ARM64") ? "arm64" : "x86_64");
  const zones = zonesFor(live, policy);
  const rolling = demand.rolling("peak");
  // The rolling deployment's extra tasks and the spare may share hosts with anything: no limit on them.
  const services = withHostLimits(demand.groupsAt("peak"), policy);
  const peakDemand = [...services, ...[rolling, demand.spare].filter((g): g is TaskGroup => !!g)];
  const opts = { minHosts: minPacked, hostMultiple: zones.zones };
  const limits = { maxInstanceSize: policy.hosts.maxInstanceSize, reserve: demand.reserve };
  const sameArchTypes = candidates(arch, prices, seen, limits);
  const sameArch = cheapestPacking(peakDemand, sameArchTypes, opts);
  if (!sameArch) return null;
  const graviton = arch === "x86_64" ? cheapestPacking(peakDemand, candidates("arm64", prices, seen, limits), opts) : undefined;
  const currentHourly = instancesHourly(live, prices);
  const total = peakDemand.reduce(
    (a, g) => ({ tasks: a.tasks + g.count, cpu: a.cpu + g.cpu * g.count, memory: a.memory + g.memory * g.count }),
    { tasks: 0, cpu: 0, memory: 0 },
  );
  const awsvpcTasks = peakDemand.filter((g) => g.awsvpc).reduce((a, g) => a + g.count, 0);
  return {
    demand: {
      tasks: total.tasks,
      cpu: total.cpu,
      memory: total.memory,
      awsvpcTasks,
      rolling: rolling ? { label: rolling.label, tasks: rolling.count } : null,
      services: demand.groupsAt("peak").map((g) => ({ service: g.label, tasks: g.count, cpu: g.cpu, memory: g.memory })),
    },
    current: { instanceTypes: Object.fromEntries([...typeCounts.entries()].sort()), monthlyUsd: currentHourly * HOURS_PER_MONTH },
    best: toSection(sameArch.best),
    alternatives: sameArch.alternatives.map(toSection),
    graviton: graviton ? toSection(graviton.best) : null,
    savingsMonthlyUsd: (currentHourly - sameArch.best.hourly) * HOURS_PER_MONTH,
    typesConsidered: sameArchTypes.length,
    minHosts: minPacked,
    capacityEstimated: Object.keys(sameArch.best.instanceTypes).some((t) => !seen.has(t)),
    registeredMemoryShares: Object.fromEntries([...registeredMemoryShares(prices, seen).entries()].sort()),
    availability: {
      zones: zones.zones,
      zonesFrom: zones.from,
      maxServiceSharePercent: policy.hosts.maxServiceSharePercent,
      maxInstanceSize: policy.hosts.maxInstanceSize,
    },
    trunking: awsvpcTasks > 0 ? trunkingOption(peakDemand, sameArch.best, { arch, prices, seen, limits, opts }) : null,
    daemonsPerHost: demand.reserve.services.length
      ? { cpu: demand.reserve.cpu, memory: demand.reserve.memory, services: demand.reserve.services }
      : null,
  };
}

/**
 * With the awsvpcTrunking account setting, supported Nitro types take many more awsvpc tasks each (a trunk
 * ENI with branch interfaces, ECS developer guide "Increasing network interfaces"), so ENIs stop limiting
 * in practice: the same tasks packed on cpu and memory alone, when that is cheaper.
 */
function trunkingOption(
  peakDemand: readonly TaskGroup[],
  eniBound: Packing,
  x: {
    arch: "x86_64" | "arm64";
    prices: Prices;
    seen: ReadonlyMap<string, { cpu: number; memory: number }>;
    limits: { maxInstanceSize: string | null; reserve: HostReserve };
    opts: { minHosts: number; hostMultiple: number };
  },
): PackingSection["trunking"] {
  const free = cheapestPacking(peakDemand, candidates(x.arch, x.prices, x.seen, { ...x.limits, noEniLimit: true }), x.opts);
  if (!free || free.best.hourly >= eniBound.hourly - 1e-9) return null;
  const fleet = Object.entries(free.best.instanceTypes)
    .map(([t, n]) => `${n} × ${t}`)
    .join(" + ");
  const saves = (eniBound.hourly - free.best.hourly) * HOURS_PER_MONTH;
  return {
    ...toSection(free.best),
    limitedBy: free.best.limitedBy === "eni" ? "cpu" : free.best.limitedBy,
    savingsMonthlyUsd: saves,
    text: `with awsvpcTrunking on (an account setting; Nitro types only, hosts launched after it), ENIs stop limiting: ${fleet} would do, ${fmtUsd(saves)}/mo less`,
  };
}

/** What the cluster's instances cost an hour (unpriced types count nothing). */
export function instancesHourly(live: readonly ContainerInstance[], prices: Prices): number {
  return live.reduce((a, i) => a + (i.instanceType ? (prices.ec2[i.instanceType]?.hourly ?? 0) : 0), 0);
}

/**
 * The same right-sized tasks on Fargate, at their average count, next to the packed and current EC2 hosts.
 * The Spot line puts spotShare of each service's tasks on Fargate Spot — but not a service that runs a single
 * task (an interruption, with two minutes' warning, stops it until a replacement starts) nor Windows (Fargate
 * Spot is Linux only); those stay On-Demand and are named. Spot is priced at the Price List's Spot rates when
 * the price set has them, else at the assumed discount.
 */
export function fargateComparison(
  ec2: readonly ClusterService[],
  demand: Demand,
  ec2Monthly: { packed: number | null; current: number },
  prices: Prices,
  policy: Policy,
): FargateComparison {
  const spotShare = policy.fargate.comparisonSpotShare;
  const discount = prices.fargate.spotDiscount ?? policy.fargate.spotDiscount;
  let x86 = 0;
  let armHourly = 0;
  let spotHourly = 0;
  const unsuited: string[] = [];
  for (const s of ec2) {
    const sz = demand.size(s);
    // Windows has no ARM on Fargate: its "ARM" price stays the x86 Windows one.
    const windows = isWindowsFamily(s.finding.operatingSystemFamily);
    const snapX = snapToFargate(sz.cpu, sz.memory, { arm: false, windows, allow32Vcpu: policy.fargate.allow32Vcpu, prices });
    const snapA = snapToFargate(sz.cpu, sz.memory, { arm: !windows, windows, allow32Vcpu: policy.fargate.allow32Vcpu, prices });
    const tasks = s.finding.current.tasks;
    const shapeX = { cpu: snapX.cpu, memory: snapX.memory, arm: false, windows };
    x86 += fargateTaskHourly(shapeX, prices) * tasks;
    armHourly += fargateTaskHourly({ cpu: snapA.cpu, memory: snapA.memory, arm: !windows, windows }, prices) * tasks;
    const suited = !windows && tasks >= 2;
    if (!suited) unsuited.push(s.finding.service);
    spotHourly += fargateBlendedHourly(shapeX, prices, suited ? spotShare : 0, discount) * tasks;
  }
  const options = {
    ec2PackedMonthlyUsd: ec2Monthly.packed,
    ec2CurrentMonthlyUsd: ec2Monthly.current,
    fargateX86MonthlyUsd: x86 * HOURS_PER_MONTH,
    fargateArmMonthlyUsd: armHourly * HOURS_PER_MONTH,
    fargateSpotMonthlyUsd: spotHourly * HOURS_PER_MONTH,
  };
  const named: Array<[string, number | null]> = [
    ["EC2, packed", options.ec2PackedMonthlyUsd],
    ["Fargate x86", options.fargateX86MonthlyUsd],
    ["Fargate ARM", options.fargateArmMonthlyUsd],
    [`Fargate x86 with ${Math.round(spotShare * 100)}% on Fargate Spot`, options.fargateSpotMonthlyUsd],
  ];
  const cheapest = named.filter((n): n is [string, number] => n[1] !== null).sort((a, b) => a[1] - b[1])[0]![0];
  return {
    ...options,
    spotShare,
    spotDiscount: discount,
    spotPrice: spotRates(prices, false) ? "price-list" : "assumed",
    spotUnsuited: unsuited.sort(),
    cheapest,
  };
}
