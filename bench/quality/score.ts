// Scoring a recommendation on the period after it was made (the test window).
import { snapToFargate } from "../../src/advisor/fargate.js";
import { HOURS_PER_MONTH } from "../../src/model/units.js";
import type { Prices } from "../../src/model/snapshot.js";
import type { Sizes } from "./strategies.js";

export interface Score {
  /** Allocated but unused, as a fraction of the allocation, over the test window. */
  cpuSlack: number;
  memSlack: number;
  /** Share of test intervals where usage exceeded the recommendation. */
  cpuOverrun: number;
  memOverrun: number;
  /** CPU demand the recommendation could not serve: Σ max(0, used − alloc) ÷ Σ used (throttled work). */
  cpuUnmet: number;
  /** Fargate $/month of the recommendation (cheapest size that covers it, x86). */
  monthlyUsd: number;
}

/**
 * Σ (alloc − min(used, alloc)) ÷ Σ alloc over present points, the share of points above alloc, and the share
 * of the demand above alloc (Σ max(0, used − alloc) ÷ Σ used). `factor` scales the usage first: the memory
 * sensitivity (a real peak `factor` × the 5-minute average).
 */
export function slackAndOverrun(used: ArrayLike<number>, alloc: number, factor = 1): { slack: number; overrun: number; unmet: number } {
  let n = 0;
  let usedCapped = 0;
  let over = 0;
  let total = 0;
  let above = 0;
  for (let i = 0; i < used.length; i++) {
    const raw = used[i]!;
    if (Number.isNaN(raw)) continue;
    const u = raw * factor;
    n++;
    usedCapped += Math.min(u, alloc);
    total += u;
    if (u > alloc) {
      over++;
      above += u - alloc;
    }
  }
  if (n === 0 || !(alloc > 0)) return { slack: Number.NaN, overrun: Number.NaN, unmet: Number.NaN };
  return { slack: 1 - usedCapped / (n * alloc), overrun: over / n, unmet: total > 0 ? above / total : 0 };
}

/** A memory of NaN (a trace without a memory allocation) prices the cpu's smallest Fargate memory. */
export function fargateMonthly(s: Sizes, prices: Prices): number {
  const snap = snapToFargate(Math.max(1, s.cpu), Number.isNaN(s.memory) ? 1 : Math.max(1, s.memory), {
    arm: false,
    windows: false,
    allow32Vcpu: true,
    prices,
  });
  return snap.hourly * HOURS_PER_MONTH;
}

export function score(rec: Sizes, testCpu: ArrayLike<number>, testMem: ArrayLike<number>, prices: Prices): Score {
  const c = slackAndOverrun(testCpu, rec.cpu);
  const m = slackAndOverrun(testMem, rec.memory);
  return {
    cpuSlack: c.slack,
    memSlack: m.slack,
    cpuOverrun: c.overrun,
    memOverrun: m.overrun,
    cpuUnmet: c.unmet,
    monthlyUsd: fargateMonthly(rec, prices),
  };
}
