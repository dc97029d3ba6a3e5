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

/**
 * The share of nominal memory an instance registers with ECS when nothing better is known (the kernel and
 * agent keep the rest; aws-facts §2.4: m4.large 8192 → 7987). Real clusters register less on Nitro
 * (the demo's m5.xlarge 94.4 %, c5.2xlarge 92.8 %), so a cluster's own hosts are asked first.
 */
export const REGISTERED_MEMORY_SHARE = 0.975;

export interface HostCapacity {
  cpu: number;
  memory: number;
  /** registered by a host in the snapshot, or estimated from the nominal size */
  source: "registered" | "estimated";
}

/** "m5a.2xlarge" → family "m5a", series "m". */
export const familyOf = (instanceType: string): string => instanceType.split(".")[0] ?? instanceType;
export const seriesOf = (instanceType: string): string => /^[a-z]+/.exec(familyOf(instanceType))?.[0] ?? familyOf(instanceType);

/**
 * The share of nominal memory the cluster's own hosts register, per instance family seen (the lowest,
 * when several sizes of a family are seen): what an unseen type is assumed to register.
 */
export function registeredMemoryShares(prices: Prices, seen: ReadonlyMap<string, { cpu: number; memory: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [type, reg] of seen) {
    const nominal = prices.ec2[type]?.memoryMiB;
    if (!nominal || reg.memory <= 0) continue;
    const share = Math.min(1, reg.memory / nominal);
    const f = familyOf(type);
    out.set(f, Math.min(out.get(f) ?? 1, share));
  }
  return out;
}

/**
 * The share an unseen type is assumed to register: its family's as seen here, else the lowest of its
 * series (m, c, r…) seen here, else the lowest of any family seen here, else REGISTERED_MEMORY_SHARE.
 */
export function memoryShareFor(instanceType: string, shares: ReadonlyMap<string, number>): number {
  const family = shares.get(familyOf(instanceType));
  if (family !== undefined) return family;
  const series = seriesOf(instanceType);
  const sameSeries = [...shares.entries()].filter(([f]) => (/^[a-z]+/.exec(f)?.[0] ?? f) === series).map(([, v]) => v);
  if (sameSeries.length > 0) return Math.min(...sameSeries);
  return shares.size > 0 ? Math.min(...shares.values()) : REGISTERED_MEMORY_SHARE;
}

/**
 * What a host of this type offers tasks: the largest registration seen for the type in the snapshot,
 * else vCPUs × 1024 and the registered share of nominal memory (memoryShareFor), rounded down.
 */
export function hostCapacity(
  instanceType: string,
  prices: Prices,
  seen: ReadonlyMap<string, { cpu: number; memory: number }>,
  shares: ReadonlyMap<string, number> = registeredMemoryShares(prices, seen),
): HostCapacity | undefined {
  const s = seen.get(instanceType);
  if (s) return { ...s, source: "registered" };
  const p = prices.ec2[instanceType];
  if (!p) return undefined;
  return { cpu: p.vcpu * 1024, memory: Math.floor(p.memoryMiB * memoryShareFor(instanceType, shares)), source: "estimated" };
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

/**
 * Types to pack onto: current-generation (generation 5 and later: the Nitro families, which the ENI
 * and trunking arithmetic assumes), and not burstable (CPU credits), GPU/accelerated, FPGA, Mac or
 * high-memory.
 */
export function isGeneralPurposeCandidate(instanceType: string): boolean {
  if (/^(t\d|p\d|g\d|gr\d|inf\d|trn\d|dl\d|f\d|vt\d|mac|u-|u\d|x\d|z\d|hpc|p4|a1\.)/.test(instanceType)) return false;
  const generation = /^[a-z]+(\d+)/.exec(instanceType)?.[1];
  return generation !== undefined && Number(generation) >= 5;
}

const SMALL_SIZES: Record<string, number> = { nano: 0.0625, micro: 0.125, small: 0.25, medium: 0.5, large: 1, xlarge: 2 };

/** An instance size in units of "large" (xlarge 2, 4xlarge 8, metal: no bound); NaN for no size. */
export function sizeUnits(size: string): number {
  if (size in SMALL_SIZES) return SMALL_SIZES[size]!;
  const n = /^(\d+)xlarge$/.exec(size);
  if (n) return 2 * Number(n[1]);
  return size.startsWith("metal") ? Number.POSITIVE_INFINITY : Number.NaN;
}

/** Is the type no larger than the size (e.g. "4xlarge")? Types of unknown size are kept. */
export function withinSize(instanceType: string, largest: string | null): boolean {
  if (largest === null) return true;
  const units = sizeUnits(instanceType.split(".")[1] ?? "");
  return Number.isNaN(units) || units <= sizeUnits(largest);
}
