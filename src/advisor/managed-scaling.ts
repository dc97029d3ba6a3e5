// The lever an EC2 cluster already has: ECS managed scaling on the hosts' Auto Scaling group capacity
// provider (aws-facts §7.2). When it is on, the advice is its targetCapacity; when it is off, the alarm
// rule scales the hosts and this says what turning it on would take. Pure.
import type { ClusterFinding } from "../model/report.js";
import type { Cluster, ContainerInstance } from "../model/snapshot.js";
import type { HostCounts } from "./host-demand.js";

type ManagedScaling = NonNullable<NonNullable<ClusterFinding["hostScaling"]>["managedScaling"]>;

interface Needs {
  targetCapacity: number;
  hostsAtPeak: number | null;
  withoutSpare: number | null;
  spareHosts: number;
  /** the spare largest tasks to keep */
  N: number;
  counts: Pick<HostCounts, "min" | "desired">;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The ASG capacity provider most ACTIVE hosts belong to, if any. */
export function hostsProvider(cluster: Cluster | undefined, live: readonly ContainerInstance[]) {
  const counts = new Map<string, number>();
  for (const i of live) if (i.capacityProvider) counts.set(i.capacityProvider, (counts.get(i.capacityProvider) ?? 0) + 1);
  const name = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const provider = cluster?.capacityProviders.find((p) => p.name === name && p.type === "ASG");
  return provider ? { provider, hosts: live.filter((i) => i.capacityProvider === provider.name) } : undefined;
}

export function managedScalingAdvice(
  cluster: Cluster | undefined,
  live: readonly ContainerInstance[],
  needs: Needs,
): ManagedScaling | null {
  const found = hostsProvider(cluster, live);
  if (!found) return null;
  const { provider, hosts } = found;
  const ms = provider.managedScaling;
  const status = ms?.status ?? "DISABLED";
  const now = ms?.targetCapacity ?? null;
  const { targetCapacity: advised, hostsAtPeak, withoutSpare, spareHosts, N } = needs;
  const arithmetic =
    withoutSpare !== null && hostsAtPeak !== null
      ? `ECS keeps ⌈${withoutSpare} × 100 ÷ ${advised}⌉ = ${plural(hostsAtPeak, "host")} at the peak: ${withoutSpare} for the tasks and a rolling deployment + ${hostsAtPeak - withoutSpare} spare`
      : "the hosts the peak needs are unknown (the main type has no capacity or price)";
  const headroom = `keeps ${N} of the largest task of headroom`;
  const text =
    status === "ENABLED"
      ? now === advised
        ? `targetCapacity ${advised} is right: it ${headroom}; ${arithmetic}`
        : `targetCapacity ${now ?? 100} → ${advised} ${headroom}; ${arithmetic}`
      : `managed scaling is off on ${provider.name}: the alarm rule scales the hosts. Turned on with targetCapacity ${advised} and managed termination protection, it ${headroom} (${arithmetic}) and removes only hosts that run no tasks`;
  return {
    capacityProvider: provider.name,
    status,
    targetCapacity: now,
    minimumScalingStepSize: ms?.minimumScalingStepSize ?? null,
    maximumScalingStepSize: ms?.maximumScalingStepSize ?? null,
    instanceWarmupPeriod: ms?.instanceWarmupPeriod ?? null,
    managedTerminationProtection: provider.managedTerminationProtection ?? null,
    advisedTargetCapacity: advised,
    hostsAtPeak,
    text,
    notes: status === "ENABLED" ? notes(provider, hosts, needs, spareHosts) : [],
  };
}

/** Termination protection, and how many scale-outs the climb from the quietest hour to the peak takes. */
function notes(
  provider: Cluster["capacityProviders"][number],
  hosts: readonly ContainerInstance[],
  needs: Needs,
  spareHosts: number,
): string[] {
  const out: string[] = [];
  if (provider.managedTerminationProtection === "DISABLED")
    out.push(
      "managed termination protection is off: a scale-in can terminate a host that still runs tasks; turn it on (it needs scale-in protection on the Auto Scaling group's instances)",
    );
  const { min } = needs.counts;
  const peak = needs.hostsAtPeak ?? needs.counts.desired;
  const ms = provider.managedScaling;
  if (min === null || peak === null || peak <= min) return out;
  const mixed = new Set(hosts.map((h) => h.instanceType)).size > 1 || new Set(hosts.map((h) => h.availabilityZone)).size > 1;
  // With more than one instance type or Availability Zone, ECS scales out by exactly the minimum step
  // (ECS API reference, ManagedScaling.minimumScalingStepSize).
  const step = mixed ? (ms?.minimumScalingStepSize ?? 1) : (ms?.maximumScalingStepSize ?? 10_000);
  const steps = Math.ceil((peak - min) / step);
  const warmup = ms?.instanceWarmupPeriod ?? 300;
  if (steps > 1 || spareHosts > step)
    out.push(
      `from the quietest demand's ${plural(min, "host")} to the peak's ${peak} takes ${plural(steps, "scale-out")} of ${plural(step, "host")}, ` +
        `${warmup} s warm-up each: about ${Math.ceil((steps * warmup) / 60)} min for the ${plural(spareHosts, "spare host")} to cover` +
        `${mixed ? " (with several instance types or zones in the group, ECS adds exactly minimumScalingStepSize)" : ""}`,
    );
  return out;
}
