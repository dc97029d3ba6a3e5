// Snap a (cpu, memory) need to the cheapest Fargate size that covers both (aws-facts §1.1).
import type { Prices } from "../model/snapshot.js";
import { FARGATE_SIZES, type FargateSize } from "../model/units.js";
import { fargateTaskHourly } from "./cost.js";

export interface FargateSnapOptions {
  arm: boolean;
  windows: boolean;
  allow32Vcpu: boolean;
  prices: Prices;
}

export interface FargateSnap {
  cpu: number;
  memory: number;
  hourly: number;
  /** The need was larger than the largest size allowed: this is that largest size, not a cover. */
  exceedsMax: boolean;
}

export function allowedFargateSizes(opts: Pick<FargateSnapOptions, "windows" | "allow32Vcpu">): FargateSize[] {
  return FARGATE_SIZES.filter((s) => (!opts.windows || s.windows) && (opts.allow32Vcpu || !s.newest));
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
