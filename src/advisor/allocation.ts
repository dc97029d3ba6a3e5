// What a task definition reserves, and what ECS measures utilization against (aws-facts §2, §3.2).
import type { Cluster, Service, TaskDefinition } from "../model/snapshot.js";
import { isWindowsFamily } from "../model/units.js";

export interface Allocation {
  /** CPU units the task reserves and CPUUtilization is a percentage of: task cpu, else the sum of container cpu. */
  cpu: number | undefined;
  cpuSource: "task" | "containers" | "none";
  /** MiB the task reserves and MemoryUtilization is a percentage of: task memory, else Σ (memoryReservation ?? memory). */
  memory: number | undefined;
  memorySource: "task" | "containers" | "none";
  /** The limit past which the kernel kills: task memory, else Σ container hard limits when every container has one. */
  memoryHardLimit: number | undefined;
}

export function allocationOf(td: TaskDefinition): Allocation {
  const containerCpu = td.containers.reduce((s, c) => s + (c.cpu ?? 0), 0);
  const containerMem = td.containers.reduce((s, c) => s + (c.memoryReservation ?? c.memory ?? 0), 0);
  const allHard = td.containers.every((c) => c.memory !== undefined);
  const containerHard = td.containers.reduce((s, c) => s + (c.memory ?? 0), 0);
  return {
    cpu: td.cpu ?? (containerCpu > 0 ? containerCpu : undefined),
    cpuSource: td.cpu !== undefined ? "task" : containerCpu > 0 ? "containers" : "none",
    memory: td.memory ?? (containerMem > 0 ? containerMem : undefined),
    memorySource: td.memory !== undefined ? "task" : containerMem > 0 ? "containers" : "none",
    memoryHardLimit: td.memory ?? (allHard && containerHard > 0 ? containerHard : undefined),
  };
}

export type PlacementKind = "fargate" | "ec2" | "external";

export interface Placement {
  kind: PlacementKind;
  /** Share of tasks on Fargate Spot (0..1), from the capacity provider strategy at the average task count. */
  spotShare: number;
  /** Human summary, e.g. "FARGATE", "FARGATE_SPOT 67 %", "EC2", "ASG provider cp-ec2". */
  label: string;
  windows: boolean;
  arm: boolean;
}

/**
 * How a strategy spreads `tasks` tasks: providers with a base get theirs first (in order), the rest go by weight.
 * Returns tasks per provider name.
 */
export function spreadByStrategy(
  strategy: ReadonlyArray<{ capacityProvider: string; weight: number; base: number }>,
  tasks: number,
): Map<string, number> {
  const out = new Map<string, number>();
  let left = tasks;
  for (const item of strategy) {
    const b = Math.min(item.base, left);
    out.set(item.capacityProvider, (out.get(item.capacityProvider) ?? 0) + b);
    left -= b;
  }
  const totalWeight = strategy.reduce((s, i) => s + i.weight, 0);
  if (left > 0 && totalWeight > 0) {
    for (const item of strategy) {
      out.set(item.capacityProvider, (out.get(item.capacityProvider) ?? 0) + (left * item.weight) / totalWeight);
    }
  }
  return out;
}

export function placementOf(service: Service, td: TaskDefinition, cluster: Cluster | undefined, tasks: number): Placement {
  const windows = isWindowsFamily(td.operatingSystemFamily);
  const arm = td.cpuArchitecture === "ARM64";
  const base = { windows, arm };
  if (service.launchType === "FARGATE") return { ...base, kind: "fargate", spotShare: 0, label: "FARGATE" };
  if (service.launchType === "EC2") return { ...base, kind: "ec2", spotShare: 0, label: "EC2" };
  if (service.launchType === "EXTERNAL") return { ...base, kind: "external", spotShare: 0, label: "EXTERNAL" };

  const strategy = service.capacityProviderStrategy?.length
    ? service.capacityProviderStrategy
    : (cluster?.defaultCapacityProviderStrategy ?? []);
  if (strategy.length === 0) return { ...base, kind: "ec2", spotShare: 0, label: "EC2" };

  const typeOf = (name: string): string =>
    name === "FARGATE" || name === "FARGATE_SPOT" ? name : (cluster?.capacityProviders.find((p) => p.name === name)?.type ?? "ASG");
  const fargate = strategy.filter((s) => typeOf(s.capacityProvider).startsWith("FARGATE"));
  if (fargate.length === 0) {
    return { ...base, kind: "ec2", spotShare: 0, label: `ASG provider ${strategy.map((s) => s.capacityProvider).join("+")}` };
  }
  const spread = spreadByStrategy(strategy, Math.max(tasks, 1));
  let spot = 0;
  let all = 0;
  for (const [name, n] of spread) {
    all += n;
    if (typeOf(name) === "FARGATE_SPOT") spot += n;
  }
  const spotShare = all > 0 ? spot / all : 0;
  const label = spotShare === 0 ? "FARGATE" : spotShare === 1 ? "FARGATE_SPOT" : `FARGATE_SPOT ${Math.round(spotShare * 100)} %`;
  return { ...base, kind: "fargate", spotShare, label };
}
