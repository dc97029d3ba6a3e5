// What an EC2 host offers ECS: registered (not nominal) capacity, and slots for awsvpc tasks.
import type { ContainerInstance, Prices } from "../model/snapshot.js";

/**
 * ENIs by instance size, for Nitro types (a conservative estimate; aws-facts §7.3): large 3, xlarge and
 * 2xlarge 4, 4xlarge to 12xlarge 8, 16xlarge and up 15. Read off EC2's published limits, which follow
 * the size across the general-purpose, compute and memory families; a few of the newest sizes have more.
 * A snapshot can give the exact number per type (prices.ec2[type].maxNetworkInterfaces).
 */
const ENIS_BY_SIZE: Record<string, number> = {
  nano: 2,
  micro: 2,
  small: 3,
  medium: 2,
  large: 3,
  xlarge: 4,
  "2xlarge": 4,
  "3xlarge": 8,
  "4xlarge": 8,
  "6xlarge": 8,
  "8xlarge": 8,
  "9xlarge": 8,
  "12xlarge": 8,
  "16xlarge": 15,
  "18xlarge": 15,
  "24xlarge": 15,
  "32xlarge": 15,
  "48xlarge": 15,
  metal: 15,
};

export function maxNetworkInterfaces(instanceType: string, prices: Prices): number {
  const known = prices.ec2[instanceType]?.maxNetworkInterfaces;
  if (known) return known;
  const size = instanceType.split(".")[1] ?? "";
  return ENIS_BY_SIZE[size] ?? ENIS_BY_SIZE[size.replace(/^metal.*/, "metal")] ?? 3;
}

/**
 * awsvpc tasks an instance can hold without ENI trunking: one ENI each, less the instance's own primary
 * ENI. (With the awsvpcTrunking account setting, many more; not assumed.)
 */
export const awsvpcSlots = (instanceType: string, prices: Prices): number => Math.max(0, maxNetworkInterfaces(instanceType, prices) - 1);

/** The share of nominal memory an instance registers with ECS (kernel and agent keep the rest; aws-facts §2.4). */
export const REGISTERED_MEMORY_SHARE = 0.975;

export interface HostCapacity {
  cpu: number;
  memory: number;
  /** registered by a host in the snapshot, or estimated from the nominal size */
  source: "registered" | "estimated";
}

/**
 * What a host of this type offers tasks: the largest registration seen for the type in the snapshot,
 * else vCPUs × 1024 and 97.5 % of nominal memory (m4.large: 8192 → 7987; ECS's own docs show 7985).
 */
export function hostCapacity(
  instanceType: string,
  prices: Prices,
  seen: ReadonlyMap<string, { cpu: number; memory: number }>,
): HostCapacity | undefined {
  const s = seen.get(instanceType);
  if (s) return { ...s, source: "registered" };
  const p = prices.ec2[instanceType];
  if (!p) return undefined;
  return { cpu: p.vcpu * 1024, memory: Math.floor(p.memoryMiB * REGISTERED_MEMORY_SHARE), source: "estimated" };
}

export function registeredByType(instances: readonly ContainerInstance[]): Map<string, { cpu: number; memory: number }> {
  const out = new Map<string, { cpu: number; memory: number }>();
  for (const i of instances) {
    if (!i.instanceType) continue;
    const prev = out.get(i.instanceType);
    if (!prev || i.registered.memory > prev.memory) out.set(i.instanceType, { cpu: i.registered.cpu, memory: i.registered.memory });
  }
  return out;
}

/** Types not to pack onto: burstable (CPU credits), GPU/accelerated, FPGA, Mac, high-memory. */
export function isGeneralPurposeCandidate(instanceType: string): boolean {
  return !/^(t\d|p\d|g\d|gr\d|inf\d|trn\d|dl\d|f\d|vt\d|mac|u-|u\d|x\d|z\d|hpc|p4|a1\.)/.test(instanceType);
}
