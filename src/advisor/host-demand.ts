// What an EC2 cluster's tasks ask of its hosts once right-sized: each service's tasks at its trough, peak
// and maximum count, the largest rolling deployment's extra tasks, and room for one more largest task —
// and how many hosts of the cluster's main type that takes. Pure.
import type { ContainerInstance, Prices, Service, TaskDefinition } from "../model/snapshot.js";
import type { ServiceFinding } from "../model/report.js";
import { awsvpcSlots, hostCapacity } from "./capacity.js";
import { mergeGroups, packOnto, type HostType, type TaskGroup } from "./packing.js";
import type { Policy } from "./policy.js";

export interface ClusterService {
  finding: ServiceFinding;
  service: Service;
  taskDefinition: TaskDefinition | undefined;
}

export const isAwsvpc = (s: ClusterService) => s.taskDefinition?.networkMode === "awsvpc";

type Count = (s: ClusterService) => number;

export interface Demand {
  /** The right-sized (else current) size of a service's task. */
  size: (s: ClusterService) => { cpu: number; memory: number };
  /** Tasks at the observed peak, at the trough (never below the autoscaling minimum), at the autoscaling maximum. */
  peakOf: Count;
  troughOf: Count;
  maxOf: Count;
  /** Each service's tasks at a count. */
  groupsAt: (count: Count) => TaskGroup[];
  /** The extra tasks of the heaviest rolling deployment (maximumPercent over 100), at a count. */
  rolling: (count: Count) => TaskGroup | undefined;
  /** Room for one more of the largest right-sized task. */
  spare: TaskGroup;
  /** All of it at a count: the services, the rolling deployment, the spare. */
  at: (count: Count) => TaskGroup[];
}

export function demandOf(ec2: readonly ClusterService[]): Demand {
  const sizes = new Map(
    ec2.map((s) => [
      s,
      { cpu: s.finding.recommended?.cpu ?? s.finding.current.cpu!, memory: s.finding.recommended?.memory ?? s.finding.current.memory! },
    ]),
  );
  const size = (s: ClusterService) => sizes.get(s)!;
  const peakOf: Count = (s) => Math.ceil(s.finding.evidence.peakTasks ?? Math.max(s.service.desiredCount, s.service.runningCount));
  const troughOf: Count = (s) =>
    Math.max(
      s.service.autoscaling?.minCapacity ?? 0,
      Math.floor(
        s.finding.evidence.averageTasks === null ? s.service.desiredCount : (s.finding.evidence.minTasks ?? s.service.desiredCount),
      ),
    );
  const maxOf: Count = (s) => Math.max(peakOf(s), s.service.autoscaling?.maxCapacity ?? 0);
  const groupsAt = (count: Count): TaskGroup[] =>
    ec2.map((s) => ({ ...size(s), awsvpc: isAwsvpc(s), count: count(s), label: s.finding.service }));
  const rolling = (base: Count): TaskGroup | undefined => {
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
  const spare: TaskGroup = {
    cpu: Math.max(...ec2.map((s) => size(s).cpu)),
    memory: Math.max(...ec2.map((s) => size(s).memory)),
    awsvpc: ec2.some(isAwsvpc),
    count: 1,
    label: "room for one more largest task",
  };
  const withRolling = (count: Count) => [...groupsAt(count), ...[rolling(count)].filter((g): g is TaskGroup => !!g)];
  return { size, peakOf, troughOf, maxOf, groupsAt, rolling, spare, at: (count) => [...withRolling(count), spare] };
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
    ? {
        instanceType: main.instanceType,
        cpu: cap.cpu,
        memory: cap.memory,
        awsvpcSlots: awsvpcSlots(main.instanceType, prices),
        hourly: prices.ec2[main.instanceType]?.hourly ?? 0,
      }
    : undefined;
  const zones = new Set(live.map((i) => i.availabilityZone).filter(Boolean)).size;
  const minPacked = Math.max(policy.hosts.minPackedHosts, zones);
  const binsFor = (groups: TaskGroup[]) => (host ? (packOnto(mergeGroups(groups), host)?.bins.length ?? null) : null);
  const hostsFor = (groups: TaskGroup[]) => {
    const n = binsFor(groups);
    return n === null ? null : Math.max(minPacked, n);
  };
  const withoutSpare = binsFor([...demand.groupsAt(demand.peakOf), ...[demand.rolling(demand.peakOf)].filter((g): g is TaskGroup => !!g)]);
  const spareHosts = Math.max(1, main.perHost > 0 ? Math.ceil(policy.hosts.shortageLargestTasks / main.perHost) : 1);
  return {
    min: hostsFor([...demand.groupsAt(demand.troughOf), demand.spare]),
    desired: hostsFor(demand.at(demand.peakOf)),
    max: hostsFor(demand.at(demand.maxOf)),
    withoutSpare,
    spareHosts,
    targetCapacity:
      withoutSpare !== null && withoutSpare > 0
        ? Math.max(1, Math.min(100, Math.floor((100 * withoutSpare) / (withoutSpare + spareHosts))))
        : 100,
    minPacked,
  };
}
