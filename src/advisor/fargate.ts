// Snap a (cpu, memory) need to the cheapest Fargate size that covers both (aws-facts §1.1).
import type { Prices } from "../model/snapshot.js";
import { FARGATE_SIZES, type FargateSize } from "../model/units.js";
import { fargateTaskHourly } from "./cost.js";

export interface FargateSnapOptions {
  arm: boolean;
  windows: boolean;
  allow32Vcpu: boolean;
  /** No size above this many cpu units (platform version 1.3.0 stops at 4 vCPU). */
  maxCpu?: number | undefined;
  prices: Prices;
}

export interface FargateSnap {
  cpu: number;
  memory: number;
  hourly: number;
  /** The need was larger than the largest size allowed: this is that largest size, not a cover. */
  exceedsMax: boolean;
}

export function allowedFargateSizes(opts: Pick<FargateSnapOptions, "windows" | "allow32Vcpu" | "maxCpu">): FargateSize[] {
  return FARGATE_SIZES.filter(
    (s) => (!opts.windows || s.windows) && (opts.allow32Vcpu || !s.newest) && (opts.maxCpu === undefined || s.cpu <= opts.maxCpu),
  );
}

/**
 * What limits a service's Fargate sizes: 8 and 16 vCPU (and 32) need Linux platform version 1.4.0 or later
 * (aws-facts §1.1; LATEST is 1.4.0, and a service that names none gets LATEST); the 32 vCPU sizes are
 * opt-in (policy), unless the service already runs one — it evidently has them.
 */
export function fargateLimits(
  platformVersion: string | undefined,
  currentCpu: number | undefined,
  allow32Vcpu: boolean,
): { allow32Vcpu: boolean; maxCpu: number | undefined; olderPlatform: string | undefined } {
  const older = platformVersion !== undefined && isBefore140(platformVersion) ? platformVersion : undefined;
  return {
    allow32Vcpu: allow32Vcpu || (currentCpu !== undefined && currentCpu > 16384),
    maxCpu: older ? 4096 : undefined,
    olderPlatform: older,
  };
}

/** "1.3.0", "1.2.0" → true; "LATEST", "1.4.0", "1.10.0" → false; anything unreadable → false (ECS would have said). */
function isBefore140(v: string): boolean {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major < 1 || (major === 1 && minor < 4);
}

/**
 * The cheapest allowed size with cpu ≥ needCpu and memory ≥ needMemory; ties go to the smaller cpu.
 * Cheapest, not smallest: with Fargate's per-vCPU and per-GB rates a bigger cpu step can never be
 * cheaper for the same memory, but the rule stays right whatever the rates are.
 */
export function snapToFargate(needCpu: number, needMemory: number, opts: FargateSnapOptions): FargateSnap {
  const sizes = allowedFargateSizes(opts);
  let best: FargateSnap | undefined;
  for (const s of sizes) {
    if (s.cpu < needCpu || s.memory < needMemory) continue;
    const hourly = fargateTaskHourly({ cpu: s.cpu, memory: s.memory, arm: opts.arm, windows: opts.windows }, opts.prices);
    if (!best || hourly < best.hourly - 1e-12 || (Math.abs(hourly - best.hourly) <= 1e-12 && s.cpu < best.cpu)) {
      best = { cpu: s.cpu, memory: s.memory, hourly, exceedsMax: false };
    }
  }
  if (best) return best;
  const largest = sizes[sizes.length - 1]!;
  return {
    cpu: largest.cpu,
    memory: largest.memory,
    hourly: fargateTaskHourly({ cpu: largest.cpu, memory: largest.memory, arm: opts.arm, windows: opts.windows }, opts.prices),
    exceedsMax: true,
  };
}
