// What an EC2 cluster's tasks ask of its hosts once right-sized: each service's tasks at its trough, peak
// and maximum count, the largest rolling deployment's extra tasks, and room for one more largest task —
// and how many hosts of the cluster's main type that takes. Pure.
import type { ContainerInstance, Prices, Service, TaskDefinition } from "../model/snapshot.js";
import type { ServiceFinding } from "../model/report.js";
import { awsvpcSlots, hostCapacity } from "./capacity.js";
import { zonesFor } from "./host-options.js";
import { mergeGroups, packOnto, type HostType, type TaskGroup } from "./packing.js";
import type { Policy } from "./policy.js";

export interface ClusterService {
  finding: ServiceFinding;
  service: Service;
  taskDefinition: TaskDefinition | undefined;
}

export const isAwsvpc = (s: ClusterService) => s.taskDefinition?.networkMode === "awsvpc";
export const isDaemon = (s: ClusterService) => s.service.schedulingStrategy === "DAEMON";

/** What DAEMON services take on every host (one task each): room no other task can use. */
export interface HostReserve {
  cpu: number;
  memory: number;
  /** ENIs the daemons' awsvpc tasks hold on each host. */
  enis: number;
  services: string[];
}

export const NO_RESERVE: HostReserve = { cpu: 0, memory: 0, enis: 0, services: [] };

/** The daemons' reservation on each host, at their current or their right-sized size. */
export function daemonReserve(daemons: readonly ClusterService[], at: "current" | "recommended"): HostReserve {
  const r: HostReserve = { cpu: 0, memory: 0, enis: 0, services: [] };
  for (const d of daemons) {
    const f = d.finding;
    r.cpu += (at === "recommended" ? f.recommended?.cpu : undefined) ?? f.current.cpu ?? 0;
    r.memory += (at === "recommended" ? f.recommended?.memory : undefined) ?? f.current.memory ?? 0;
    if (isAwsvpc(d)) r.enis++;
    r.services.push(f.service);
  }
  return r;
}

/** A host type less what the daemons keep on it; undefined when nothing is left. */
export function lessReserve<T extends { cpu: number; memory: number; awsvpcSlots: number }>(h: T, r: HostReserve): T | undefined {
  const out = { ...h, cpu: h.cpu - r.cpu, memory: h.memory - r.memory, awsvpcSlots: Math.max(0, h.awsvpcSlots - r.enis) };
  return out.cpu > 0 && out.memory > 0 ? out : undefined;
}

/** Each service's task count at the quietest time, at its observed peak, or at its autoscaling maximum. */
export type Level = "trough" | "peak" | "max";

export interface Demand {
  /** The right-sized (else current) size of a service's task. */
  size: (s: ClusterService) => { cpu: number; memory: number };
  /** A service's tasks at a level: the trough never below the autoscaling minimum, the maximum never below the peak. */
  count: (level: Level, s: ClusterService) => number;
  /** Each service's tasks at a level. */
  groupsAt: (level: Level) => readonly TaskGroup[];
  /** The extra tasks of the heaviest rolling deployment (maximumPercent over 100), at a level. */
  rolling: (level: Level) => TaskGroup | undefined;
  /** Room for one more of the largest right-sized task. */
  spare: TaskGroup;
  /** All of it at a level: the services, the rolling deployment, the spare. */
  at: (level: Level) => readonly TaskGroup[];
  /** The DAEMON services' right-sized tasks, kept on every host (not in the groups above). */
  reserve: HostReserve;
}

/**
 * The demand model, worked out once per level (10,000 services are read once, not once per question).
 * `ec2` are the services placed as tasks (REPLICA); `daemons` run one task on every host and become a reserve.
 */
export function demandOf(ec2: readonly ClusterService[], daemons: readonly ClusterService[] = []): Demand {
  const sizes = ec2.map((s) => ({
    cpu: s.finding.recommended?.cpu ?? s.finding.current.cpu!,
    memory: s.finding.recommended?.memory ?? s.finding.current.memory!,
  }));
  const index = new Map(ec2.map((s, i) => [s, i]));
  const peak = ec2.map((s) => Math.ceil(s.finding.evidence.peakTasks ?? Math.max(s.service.desiredCount, s.service.runningCount)));
  const counts: Record<Level, number[]> = {
    peak,
    trough: ec2.map((s) =>
      Math.max(
        s.service.autoscaling?.minCapacity ?? 0,
        Math.floor(
          s.finding.evidence.averageTasks === null ? s.service.desiredCount : (s.finding.evidence.minTasks ?? s.service.desiredCount),
        ),
      ),
    ),
    max: ec2.map((s, i) => Math.max(peak[i]!, s.service.autoscaling?.maxCapacity ?? 0)),
  };
  const awsvpc = ec2.map(isAwsvpc);
  const memo = <T>(f: (level: Level) => T) => {
    const done = new Map<Level, T>();
    return (level: Level): T => {
      if (!done.has(level)) done.set(level, f(level));
      return done.get(level)!;
    };
  };
  const groupsAt = memo((level): readonly TaskGroup[] =>
    ec2.map((s, i) => ({
      cpu: sizes[i]!.cpu,
      memory: sizes[i]!.memory,
      awsvpc: awsvpc[i]!,
      count: counts[level][i]!,
      label: s.finding.service,
    })),
  );
  const rolling = memo((level): TaskGroup | undefined => {
    let best: TaskGroup | undefined;
    let bestWeight = 0;
    ec2.forEach((s, i) => {
      const maxPercent = s.service.deploymentConfiguration?.maximumPercent ?? 200;
      const extra = Math.ceil((counts[level][i]! * Math.max(0, maxPercent - 100)) / 100);
      const { cpu, memory } = sizes[i]!;
      const weight = extra * Math.max(cpu / 1024, memory / 4096);
      if (extra > 0 && weight > bestWeight) {
        bestWeight = weight;
        best = {
          cpu,
          memory,
          awsvpc: awsvpc[i]!,
          count: extra,
          label: `rolling deployment of ${s.finding.service} (maximumPercent ${maxPercent})`,
        };
      }
    });
    return best;
  });
  let cpu = 0;
  let memory = 0;
  for (const sz of sizes) {
    cpu = Math.max(cpu, sz.cpu);
    memory = Math.max(memory, sz.memory);
  }
  const spare: TaskGroup = { cpu, memory, awsvpc: awsvpc.some(Boolean), count: 1, label: "room for one more largest task" };
  const withRolling = (level: Level) => [...groupsAt(level), ...[rolling(level)].filter((g): g is TaskGroup => !!g)];
  return {
    size: (s) => sizes[index.get(s)!]!,
    count: (level, s) => counts[level][index.get(s)!]!,
    groupsAt,
    rolling,
    spare,
    at: memo((level) => [...withRolling(level), spare]),
    reserve: daemonReserve(daemons, "recommended"),
  };
}

export interface HostCounts {
  min: number | null;
  desired: number | null;
  max: number | null;
  /** Hosts the peak takes without the spare task. */
  withoutSpare: number | null;
  /** Hosts kept for the N spare largest tasks. */
  spareHosts: number;
  /** ECS managed scaling's equivalent: the share of the hosts in use with the spare ones kept free. */
  targetCapacity: number;
  /** Hosts ECS keeps at the peak with that targetCapacity. */
  hostsAtPeak: number | null;
}

/**
 * The managed-scaling targetCapacity that makes ECS keep `needed + spare` hosts. ECS tracks
 * CapacityProviderReservation = needed ÷ running × 100 at targetCapacity (aws-facts §7.2), so it keeps
 * ⌈needed × 100 ÷ targetCapacity⌉ hosts (the rounding is our reading; AWS does not document it). The
 * smallest whole percent that still keeps the spare hosts is ⌈100 × needed ÷ (needed + spare)⌉: 9 needed +
 * 2 spare → 81.8 → 82 → ⌈900 ÷ 82⌉ = 11 (81 would keep ⌈900 ÷ 81⌉ = 12). Where no whole percent lands
 * exactly (large clusters), the next lower one keeps at least the spare.
 */
export function targetCapacityFor(needed: number | null, spare: number): { targetCapacity: number; hostsAtPeak: number | null } {
  if (needed === null || needed <= 0) return { targetCapacity: 100, hostsAtPeak: needed === null ? null : 0 };
  const keeps = (t: number) => Math.ceil((100 * needed) / t);
  let t = Math.min(100, Math.max(1, Math.ceil((100 * needed) / (needed + spare))));
  if (keeps(t) < needed + spare) t = Math.max(1, t - 1);
  return { targetCapacity: t, hostsAtPeak: keeps(t) };
}

/** Hosts of the cluster's main type for trough, peak and maximum demand (never fewer than `minPacked`). */
export function hostCounts(
  demand: Demand,
  main: { instanceType: string; perHost: number },
  seen: ReadonlyMap<string, { cpu: number; memory: number }>,
  live: readonly ContainerInstance[],
  prices: Prices,
  policy: Policy,
): HostCounts & { minPacked: number } {
  const cap = hostCapacity(main.instanceType, prices, seen);
  const host: HostType | undefined = cap
    ? lessReserve(
        {
          instanceType: main.instanceType,
          cpu: cap.cpu,
          memory: cap.memory,
          awsvpcSlots: awsvpcSlots(main.instanceType, prices),
          hourly: prices.ec2[main.instanceType]?.hourly ?? 0,
        },
        demand.reserve,
      )
    : undefined;
  const minPacked = Math.max(policy.hosts.minPackedHosts, zonesFor(live, policy).zones);
  const binsFor = (groups: readonly TaskGroup[]) => (host ? (packOnto(mergeGroups(groups), host)?.bins.length ?? null) : null);
  const hostsFor = (groups: readonly TaskGroup[]) => {
    const n = binsFor(groups);
    return n === null ? null : Math.max(minPacked, n);
  };
  const withoutSpare = binsFor([...demand.groupsAt("peak"), ...[demand.rolling("peak")].filter((g): g is TaskGroup => !!g)]);
  const spareHosts = Math.max(1, main.perHost > 0 ? Math.ceil(policy.hosts.shortageLargestTasks / main.perHost) : 1);
  return {
    min: hostsFor([...demand.groupsAt("trough"), demand.spare]),
    desired: hostsFor([...demand.at("peak")]),
    max: hostsFor([...demand.at("max")]),
    withoutSpare,
    spareHosts,
    ...targetCapacityFor(withoutSpare, spareHosts),
    minPacked,
  };
}
