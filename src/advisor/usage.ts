// A service's utilization over the window, small enough to draw: at most USAGE_POINTS buckets, each the
// hottest task's largest value in it (what sizing looks at) and the mean running tasks. Percent of the
// current allocation, as the advisor reads them. Terminal and HTML charts draw it with the allocated and
// recommended levels.
//
// A missing bucket is NaN in memory, not null: an array of plain numbers is stored unboxed, one of
// numbers and nulls boxes every number (10,000 services × 504 values made the advisor 20 % slower).
// JSON.stringify writes NaN as null, so the published JSON has null; readers in process use isMissing().
import type { UsageSeries } from "../model/report.js";
import type { History } from "./history.js";

/** Buckets a chart gets at most: a week of hours, two weeks of two-hour buckets. */
export const USAGE_POINTS = 168;

const tenth = (x: number) => Math.round(x * 10) / 10;

/** The largest value of each run of `factor` values; NaN where all are missing. */
function bucketMax(values: ArrayLike<number>, factor: number, n: number): number[] {
  const out: number[] = [];
  const len = values.length;
  for (let o = 0, from = 0; o < n; o++, from += factor) {
    let acc = Number.NEGATIVE_INFINITY;
    const end = from + factor < len ? from + factor : len;
    for (let i = from; i < end; i++) {
      const v = values[i]!;
      if (v > acc) acc = v; // NaN compares false: skipped
    }
    out.push(acc === Number.NEGATIVE_INFINITY ? Number.NaN : tenth(acc));
  }
  return out;
}

/** The mean of the values present in each run of `factor` values. */
function bucketMean(values: ArrayLike<number>, factor: number, n: number): number[] {
  const out: number[] = [];
  const len = values.length;
  for (let o = 0, from = 0; o < n; o++, from += factor) {
    let acc = 0;
    let k = 0;
    const end = from + factor < len ? from + factor : len;
    for (let i = from; i < end; i++) {
      const v = values[i]!;
      if (!Number.isNaN(v)) {
        acc += v;
        k++;
      }
    }
    out.push(k === 0 ? Number.NaN : tenth(acc / k));
  }
  return out;
}

export function usageOf(history: History): UsageSeries {
  const factor = Math.max(1, Math.ceil(history.length / USAGE_POINTS));
  const n = Math.ceil(history.length / factor);
  return {
    start: new Date(history.startMs).toISOString().replace(".000Z", "Z"),
    periodSeconds: history.periodSeconds * factor,
    cpuPercent: bucketMax(history.cpuMaximum, factor, n),
    memoryPercent: bucketMax(history.memoryMaximum, factor, n),
    tasks: bucketMean(history.runningTasks, factor, n),
  };
}

/** A bucket with no data: NaN in memory, null once published as JSON. */
export const isMissing = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || Number.isNaN(v);
