// Holding utilization compactly. CloudWatch serves 60-second points for the last 15 days; 10,000 services
// × 5 series × 20,160 points is a billion values. Each series is summarised exactly at the resolution it
// arrived in (the percentiles the advisor sizes from), then folded to a coarser storage period only when
// the estate would not fit the memory budget — so a service gets the same advice alone or among 10,000.
import { percentiles } from "../advisor/stats.js";
import type { SeriesSummary } from "../model/snapshot.js";

/** The percentiles kept for every series; the advisor falls back to the stored series for any other. */
export const SUMMARY_PERCENTILES = [50, 75, 90, 95, 97, 98, 99, 99.5, 99.9, 100] as const;

/** Storage periods the collector may fold to: each a multiple of 60 s that divides a day. */
export const STORAGE_PERIODS = [60, 300, 600, 900, 1800, 3600, 7200, 21600, 86400] as const;

/** Series values held in memory at most (×4 bytes each): 40 M ≈ 160 MB. */
export const DEFAULT_VALUE_BUDGET = 40_000_000;

/**
 * The kept percentiles and the number of points; with `served`, also the mean and what a size at each kept
 * percentile would have served (the inputs of the CPU percentile choice, src/advisor/predict.ts, which folded
 * maxima would overstate) — asked for the CPU series only.
 */
export function summarize(values: ArrayLike<number>, opts: { served?: boolean } = {}): SeriesSummary {
  let points = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) points++;
  const quantiles: Record<string, number> = {};
  if (points === 0) return { points, quantiles };
  const qs = percentiles(values, SUMMARY_PERCENTILES);
  for (const [i, p] of SUMMARY_PERCENTILES.entries()) quantiles[String(p)] = qs[i]!;
  if (!opts.served) return { points, quantiles };
  // One pass: each value into the bin of the quantiles below it (half the values are below the median, so
  // mostly one comparison); then a size at q_k serves the values of bins 0…k whole and q_k of each above.
  const binSum = new Float64Array(qs.length + 1);
  const binCount = new Float64Array(qs.length + 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    let b = 0;
    while (b < qs.length && qs[b]! < v) b++;
    binSum[b]! += v;
    binCount[b]!++;
  }
  let sum = 0;
  for (const x of binSum) sum += x;
  const cappedMeans: Record<string, number> = {};
  let whole = 0;
  let above = points;
  for (const [k, p] of SUMMARY_PERCENTILES.entries()) {
    whole += binSum[k]!;
    above -= binCount[k]!;
    cappedMeans[String(p)] = (whole + qs[k]! * above) / points;
  }
  return { points, quantiles, mean: sum / points, cappedMeans };
}

/**
 * Fold `factor` consecutive values into one: the largest (for Maximum series) or the mean of those
 * present (Average, running tasks). A folded period is missing only when all its parts are.
 */
export function fold(values: ArrayLike<number>, factor: number, how: "max" | "mean"): Float32Array {
  if (factor === 1) return Float32Array.from(values as ArrayLike<number>);
  const out = new Float32Array(Math.ceil(values.length / factor));
  for (let o = 0; o < out.length; o++) {
    let acc = how === "max" ? Number.NEGATIVE_INFINITY : 0;
    let n = 0;
    const end = Math.min(values.length, (o + 1) * factor);
    for (let i = o * factor; i < end; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      n++;
      acc = how === "max" ? (v > acc ? v : acc) : acc + v;
    }
    out[o] = n === 0 ? Number.NaN : how === "max" ? acc : acc / n;
  }
  return out;
}

/**
 * The finest storage period (a multiple of the fetch period) at which `services` × `seriesPerService`
 * series over `windowSeconds` stay within `budget` values.
 */
export function chooseStoragePeriod(
  services: number,
  windowSeconds: number,
  fetchPeriod: number,
  seriesPerService = 5,
  budget = DEFAULT_VALUE_BUDGET,
): number {
  for (const p of STORAGE_PERIODS) {
    if (p < fetchPeriod || p % fetchPeriod !== 0) continue;
    if (services * seriesPerService * Math.ceil(windowSeconds / p) <= budget) return p;
  }
  return STORAGE_PERIODS[STORAGE_PERIODS.length - 1]!;
}
