// Which CPU percentile sizes a service (issue #19; measured in npm run bench:quality, docs/recommendation-quality.md).
// A fixed p95 suits no fleet: a flat service needs its level and not a unit more, a spiky
// one pays for every spike it is sized to. So each service's percentile is chosen from its own window: of the
// percentiles the collector keeps exactly, the one whose value, taken as the size, leaves the least
//   idle share of the allocation + weight × share of the demand above it (throttled work)
// over the window. Both shares are the benchmark's measures of quality; `weight` says how much worse a point of
// throttled demand is than a point of idle allocation. A folded series (maxima of longer periods) would overstate
// the demand, so the collector keeps both shares at the source resolution (summary.cappedMeans and mean): a service
// gets the same choice alone or among 10,000. A snapshot without them (older) leans to the larger percentile.
import { percentile } from "./stats.js";

/** The percentiles a CPU size may be chosen from: those the collector keeps exactly (SUMMARY_PERCENTILES). */
export const CPU_CANDIDATE_PERCENTILES = [50, 75, 90, 95, 97, 98, 99, 99.5, 99.9, 100] as const;

export interface PercentileChoice {
  percentile: number;
  /** The percentile's value, in the series' unit (percent of the allocation for a task; cpu units for a container). */
  valuePercent: number;
  /** Over the window, sized at that value: the idle share of the allocation, and the share of the demand above it. */
  idlePercent: number;
  throttledPercent: number;
  weight: number;
}

/** Idle share of an allocation `a` and the share of the demand above it, over a series (percent; NaN = missing). */
export function idleAndThrottled(series: ArrayLike<number>, a: number): { idle: number; throttled: number } {
  let n = 0;
  let served = 0;
  let total = 0;
  let above = 0;
  for (let i = 0; i < series.length; i++) {
    const u = series[i]!;
    if (Number.isNaN(u)) continue;
    n++;
    total += u;
    if (u > a) {
      served += a;
      above += u - a;
    } else served += u;
  }
  if (n === 0 || !(a > 0)) return { idle: Number.NaN, throttled: Number.NaN };
  return { idle: 1 - served / (n * a), throttled: total > 0 ? above / total : 0 };
}

/**
 * The candidate percentile with the least idle + weight × throttled over the window (the lowest on a tie); its
 * value from the exact summaries when the collector kept them. Undefined without data.
 */
export function choosePercentile(
  series: ArrayLike<number>,
  weight: number,
  exact?: (p: number) => number | undefined,
  /** The shares at the source resolution, when the collector kept them (a folded series overstates the demand). */
  exactShares?: (p: number) => { idle: number; throttled: number } | undefined,
): PercentileChoice | undefined {
  let best: PercentileChoice | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const p of CPU_CANDIDATE_PERCENTILES) {
    const value = exact?.(p) ?? percentile(series, p);
    if (!(value > 0)) continue;
    const { idle, throttled } = exactShares?.(p) ?? idleAndThrottled(series, value);
    if (Number.isNaN(idle)) continue;
    const cost = idle + weight * throttled;
    if (cost < bestCost - 1e-12) {
      bestCost = cost;
      best = { percentile: p, valuePercent: value, idlePercent: idle * 100, throttledPercent: throttled * 100, weight };
    }
  }
  return best;
}
