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
  /** Fargate $/month of the recommendation (cheapest size that covers it, x86). */
  monthlyUsd: number;
}

/** Σ (alloc − min(used, alloc)) ÷ Σ alloc over present points, and the share of points above alloc. */
export function slackAndOverrun(used: ArrayLike<number>, alloc: number): { slack: number; overrun: number } {
  let n = 0;
  let usedCapped = 0;
  let over = 0;
  for (let i = 0; i < used.length; i++) {
    const u = used[i]!;
    if (Number.isNaN(u)) continue;
    n++;
    usedCapped += Math.min(u, alloc);
    if (u > alloc) over++;
  }
  if (n === 0 || !(alloc > 0)) return { slack: Number.NaN, overrun: Number.NaN };
  return { slack: 1 - usedCapped / (n * alloc), overrun: over / n };
}

export function fargateMonthly(s: Sizes, prices: Prices): number {
  const snap = snapToFargate(Math.max(1, s.cpu), Math.max(1, s.memory), { arm: false, windows: false, allow32Vcpu: true, prices });
  return snap.hourly * HOURS_PER_MONTH;
}

export function score(rec: Sizes, testCpu: ArrayLike<number>, testMem: ArrayLike<number>, prices: Prices): Score {
  const c = slackAndOverrun(testCpu, rec.cpu);
  const m = slackAndOverrun(testMem, rec.memory);
  return { cpuSlack: c.slack, memSlack: m.slack, cpuOverrun: c.overrun, memOverrun: m.overrun, monthlyUsd: fargateMonthly(rec, prices) };
}
