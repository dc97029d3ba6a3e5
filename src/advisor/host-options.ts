// What else an EC2 cluster's right-sized tasks could run on: the cheapest packing onto instance types of
// the same architecture (and onto Graviton), and the same tasks on Fargate x86, ARM and half Spot. Pure.
import type { ClusterFinding } from "../model/report.js";
import type { ContainerInstance, Prices } from "../model/snapshot.js";
import { HOURS_PER_MONTH, isWindowsFamily } from "../model/units.js";
import { awsvpcSlots, hostCapacity, isGeneralPurposeCandidate } from "./capacity.js";
import { fargateTaskHourly, withSpot } from "./cost.js";
import { snapToFargate } from "./fargate.js";
import type { ClusterService, Demand } from "./host-demand.js";
import { cheapestPacking, type HostType, type Packing } from "./packing.js";
import type { Policy } from "./policy.js";

type PackingSection = NonNullable<ClusterFinding["packing"]>;
type FargateComparison = NonNullable<ClusterFinding["fargateComparison"]>;

/** Every priced general-purpose type of an architecture, with what it offers ECS. */
function candidates(arch: "x86_64" | "arm64", prices: Prices, seen: ReadonlyMap<string, { cpu: number; memory: number }>): HostType[] {
  return Object.entries(prices.ec2)
    .filter(([type, p]) => p.arch === arch && isGeneralPurposeCandidate(type) && p.hourly > 0)
    .map(([type, p]) => {
      const cap = hostCapacity(type, prices, seen)!;
      return { instanceType: type, cpu: cap.cpu, memory: cap.memory, awsvpcSlots: awsvpcSlots(type, prices), hourly: p.hourly };
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
): PackingSection | null {
  const { mainType, live, typeCounts, seen, minPacked } = cluster;
  const arch = prices.ec2[mainType]?.arch ?? (live.some((i) => i.cpuArchitecture === "ARM64") ? "arm64" : "x86_64");
  const peakDemand = demand.at("peak");
  const sameArchTypes = candidates(arch, prices, seen);
  const sameArch = cheapestPacking(peakDemand, sameArchTypes, { minHosts: minPacked });
  if (!sameArch) return null;
  const graviton = arch === "x86_64" ? cheapestPacking(peakDemand, candidates("arm64", prices, seen), { minHosts: minPacked }) : undefined;
  const currentHourly = instancesHourly(live, prices);
  const total = peakDemand.reduce(
    (a, g) => ({ tasks: a.tasks + g.count, cpu: a.cpu + g.cpu * g.count, memory: a.memory + g.memory * g.count }),
    { tasks: 0, cpu: 0, memory: 0 },
  );
  const rolling = demand.rolling("peak");
  return {
    demand: {
      tasks: total.tasks,
      cpu: total.cpu,
      memory: total.memory,
      awsvpcTasks: peakDemand.filter((g) => g.awsvpc).reduce((a, g) => a + g.count, 0),
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
  };
}

/** What the cluster's instances cost an hour (unpriced types count nothing). */
export function instancesHourly(live: readonly ContainerInstance[], prices: Prices): number {
  return live.reduce((a, i) => a + (i.instanceType ? (prices.ec2[i.instanceType]?.hourly ?? 0) : 0), 0);
}

/** The same right-sized tasks on Fargate, at their average count, next to the packed and current EC2 hosts. */
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
  for (const s of ec2) {
    const sz = demand.size(s);
    // Windows has no ARM on Fargate: its "ARM" price stays the x86 Windows one.
    const windows = isWindowsFamily(s.finding.operatingSystemFamily);
    const snapX = snapToFargate(sz.cpu, sz.memory, { arm: false, windows, allow32Vcpu: policy.fargate.allow32Vcpu, prices });
    const snapA = snapToFargate(sz.cpu, sz.memory, { arm: !windows, windows, allow32Vcpu: policy.fargate.allow32Vcpu, prices });
    const tasks = s.finding.current.tasks;
    x86 += fargateTaskHourly({ cpu: snapX.cpu, memory: snapX.memory, arm: false, windows }, prices) * tasks;
    armHourly += fargateTaskHourly({ cpu: snapA.cpu, memory: snapA.memory, arm: !windows, windows }, prices) * tasks;
  }
  const options = {
    ec2PackedMonthlyUsd: ec2Monthly.packed,
    ec2CurrentMonthlyUsd: ec2Monthly.current,
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
  return { ...options, spotShare, spotDiscount: discount, cheapest };
}
