// Evidence beyond the percentiles: OOM kills, a leaking memory trend, autoscaling on a resource.
import type { Autoscaling, StoppedTask } from "../model/snapshot.js";
import { linearFit } from "./stats.js";

export interface OomEvidence {
  /** Stops whose reason says OutOfMemoryError / OOM: proof of a kill at the memory limit. */
  kills: number;
  /** Exit code 137 with no OOM reason: an OOM kill or a SIGTERM timeout (aws-facts §2.3) — not proof. */
  possible: number;
  lastKillAt: string | undefined;
}

const OOM_TEXT = /OutOfMemory|OOM/i;

export function oomEvidence(stopped: readonly StoppedTask[], fromMs: number, toMs: number): OomEvidence {
  let kills = 0;
  let possible = 0;
  let lastKillAt: string | undefined;
  for (const t of stopped) {
    const at = Date.parse(t.stoppedAt);
    if (at < fromMs || at > toMs) continue;
    const proven = OOM_TEXT.test(t.stoppedReason ?? "") || t.containers.some((c) => OOM_TEXT.test(c.reason ?? ""));
    if (proven) {
      kills++;
      if (!lastKillAt || at > Date.parse(lastKillAt)) lastKillAt = t.stoppedAt;
    } else if (t.containers.some((c) => c.exitCode === 137)) {
      possible++;
    }
  }
  return { kills, possible, lastKillAt };
}

export type ScaledResource = "cpu" | "memory" | "requests" | "other";

export function trackedResource(metric: string): ScaledResource {
  if (/CPUUtilization/i.test(metric)) return "cpu";
  if (/MemoryUtilization/i.test(metric)) return "memory";
  if (/RequestCount/i.test(metric)) return "requests";
  return "other";
}

/** The resources a service's target-tracking policies hold at a target, with that target. */
export function targetTracking(autoscaling: Autoscaling | undefined): Map<ScaledResource, number> {
  const out = new Map<ScaledResource, number>();
  for (const p of autoscaling?.policies ?? []) {
    if (p.type !== "TargetTrackingScaling" || !p.targetTracking) continue;
    out.set(trackedResource(p.targetTracking.metric), p.targetTracking.targetValue);
  }
  return out;
}

export interface LeakSegment {
  startIndex: number;
  endIndex: number;
  hours: number;
  /** Rise over the segment along the fitted line, in percent of the allocation. */
  risePercent: number;
  r2: number;
  rising: boolean;
}

export interface LeakEvidence {
  suspected: boolean;
  segments: LeakSegment[];
  /** Average growth of the rising segments, percent of the allocation per hour. */
  percentPerHour: number;
  /** At that growth, hours from a restart's level to 100 % (undefined when not suspected). */
  hoursToLimit: number | undefined;
}

/**
 * A leak rises between deployments and is reset by each. Split the memory series at deployments and at
 * sharp drops (restarts), fit a line to each stretch of at least `minSegmentHours` (a day or more, so a
 * daily cycle is not mistaken for growth), and call it a leak when most such stretches — at least one —
 * rise by `minRisePercent` of the allocation with a good fit.
 *
 * @param memoryPct memory utilization in percent of the current allocation, NaN for gaps
 * @param cutIndexes period indexes where a deployment started
 */
export function leakEvidence(
  memoryPct: ArrayLike<number>,
  periodSeconds: number,
  cutIndexes: readonly number[],
  opts: { minSegmentHours: number; minRisePercent: number; minR2: number },
): LeakEvidence {
  const n = memoryPct.length;
  const cuts = new Set(cutIndexes.filter((i) => i > 0 && i < n));
  // A restart shows as a drop of more than a third of the level since the last cut, within one period.
  let runMax = Number.NaN;
  let prev = Number.NaN;
  for (let i = 0; i < n; i++) {
    const v = memoryPct[i]!;
    if (cuts.has(i)) runMax = Number.NaN;
    if (!Number.isNaN(v)) {
      if (!Number.isNaN(prev) && !Number.isNaN(runMax) && runMax > 0 && v < runMax * 0.66 && prev - v > runMax * 0.25) {
        cuts.add(i);
        runMax = v;
      } else {
        runMax = Number.isNaN(runMax) ? v : Math.max(runMax, v);
      }
      prev = v;
    }
  }
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), n];
  const hoursPerPoint = periodSeconds / 3600;
  const segments: LeakSegment[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const start = bounds[s]!;
    const end = bounds[s + 1]!;
    const hours = (end - start) * hoursPerPoint;
    if (hours < opts.minSegmentHours) continue;
    const fit = linearFit(memoryPct, start, end, hoursPerPoint);
    if (fit.n < 10 || Number.isNaN(fit.slope)) continue;
    const risePercent = fit.slope * hours;
    segments.push({
      startIndex: start,
      endIndex: end,
      hours,
      risePercent,
      r2: fit.r2,
      rising: risePercent >= opts.minRisePercent && fit.r2 >= opts.minR2,
    });
  }
  const rising = segments.filter((s) => s.rising);
  const suspected = rising.length > 0 && rising.length * 2 > segments.length;
  const percentPerHour = rising.length ? rising.reduce((a, s) => a + s.risePercent / s.hours, 0) / rising.length : 0;
  let hoursToLimit: number | undefined;
  if (suspected && percentPerHour > 0) {
    // Start level: the lowest value in the first 10 % of each rising stretch, averaged.
    const starts = rising.map((s) => {
      let lo = Number.POSITIVE_INFINITY;
      const head = s.startIndex + Math.max(1, Math.floor((s.endIndex - s.startIndex) / 10));
      for (let i = s.startIndex; i < head; i++) {
        const v = memoryPct[i]!;
        if (!Number.isNaN(v) && v < lo) lo = v;
      }
      return lo;
    });
    const startLevel = starts.reduce((a, b) => a + b, 0) / starts.length;
    hoursToLimit = Math.max(0, (100 - startLevel) / percentPerHour);
  }
  return { suspected, segments, percentPerHour, hoursToLimit };
}
