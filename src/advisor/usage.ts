// A service's utilization over the window, small enough to draw: at most USAGE_POINTS buckets, each the
// hottest task's largest value in it (what sizing looks at) and the mean running tasks. Percent of the
// current allocation, as the advisor reads them. Terminal and HTML charts draw it with the allocated and
// recommended levels.
import type { UsageSeries } from "../model/report.js";
import type { History } from "./history.js";

/** Buckets a chart gets at most: a week of hours, two weeks of two-hour buckets. */
export const USAGE_POINTS = 168;

function bucket(values: ArrayLike<number>, factor: number, n: number, how: "max" | "mean"): Array<number | null> {
  const out: Array<number | null> = [];
  for (let o = 0; o < n; o++) {
    let acc = how === "max" ? Number.NEGATIVE_INFINITY : 0;
    let k = 0;
    const end = Math.min(values.length, (o + 1) * factor);
    for (let i = o * factor; i < end; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      k++;
      acc = how === "max" ? Math.max(acc, v) : acc + v;
    }
    out.push(k === 0 ? null : Math.round((how === "max" ? acc : acc / k) * 10) / 10);
  }
  return out;
}

export function usageOf(history: History): UsageSeries {
  const factor = Math.max(1, Math.ceil(history.length / USAGE_POINTS));
  const n = Math.ceil(history.length / factor);
  return {
    start: new Date(history.startMs).toISOString().replace(".000Z", "Z"),
    periodSeconds: history.periodSeconds * factor,
    cpuPercent: bucket(history.cpuMaximum, factor, n, "max"),
    memoryPercent: bucket(history.memoryMaximum, factor, n, "max"),
    tasks: bucket(history.runningTasks, factor, n, "mean"),
  };
}
