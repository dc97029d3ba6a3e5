// Recurring bursts a percentile cannot see. CPU is sized from p95 of the hottest task: a nightly job that runs
// one hour a day is busy 4 % of the time and p95 looks straight past it. A burst here is a peak far above the
// service's usual level that comes back in most hours or most days; when the sizing percentile sits below it,
// the sizing is raised to cover it (and the reason says the burst might belong on its own, as a scheduled task).
//
// Works on the stored series at any resolution: a cycle's peak is the largest stored value in it, which a
// folded (coarser) series keeps exactly. The usual level and the busy share come from the exact summaries
// when the collector kept them, else from the series. Pure.
import type { History } from "./history.js";
import { percentile, percentiles } from "./stats.js";

export type BurstCadence = "hourly" | "daily";

export interface Burst {
  cadence: BurstCadence;
  /** Percent of the allocation: the 90th percentile of the bursting cycles' peaks. */
  levelPercent: number;
  /** The usual level: the median, percent of the allocation. */
  baselinePercent: number;
  /** Cycles (hours or days) with data, and those with a burst. */
  cycles: number;
  burstCycles: number;
  /** Typical length of one burst in minutes; null when the series was folded too coarse to tell. */
  minutes: number | null;
  /** Bursts in a bursting cycle, typically (reports every 6 hours: 4 a day); 1 when folded. */
  perCycle: number;
  /** When it usually starts: minute past the hour (hourly) or UTC hour of day (daily); null when unknown. */
  startsAt: number | null;
  /** What the sizing percentile of the periods outside the bursts is (percent); null when the series is folded. */
  outsidePercent: number | null;
}

export interface BurstRules {
  /** A period is in a burst when it is at least this many times the usual level… */
  factor: number;
  /** …and this many points above it. */
  minRisePoints: number;
  /** Share of cycles with data that must hold a burst. */
  minCycleShare: number;
  /** Cycles needed to call it recurring. */
  minCycles: Record<BurstCadence, number>;
  /** A burst is short: fewer than this share of all periods are in one (else the percentile sees it)… */
  maxBusyShare: number;
  /**
   * …and the bursts of one cycle last at most this many minutes in all: a daily peak that lasts longer is the
   * working day's load (the autoscaling advice's "sustained" hours), which the percentile is meant to follow.
   */
  maxMinutes: Record<BurstCadence, number>;
}

export const BURST_RULES: BurstRules = {
  factor: 2,
  minRisePoints: 15,
  minCycleShare: 0.7,
  minCycles: { hourly: 24, daily: 3 },
  maxBusyShare: 0.25,
  maxMinutes: { hourly: 15, daily: 180 },
};

const CYCLE_MS: Record<BurstCadence, number> = { hourly: 3_600_000, daily: 86_400_000 };

/**
 * The recurring burst in a series (percent of the allocation, NaN where missing), if there is one; hourly is
 * tried first (a service that bursts every hour also bursts every day). `exact` gives percentiles at the
 * resolution CloudWatch served, when the series was folded. `sizingPercentile` is the one the sizing uses,
 * for what the service would need outside its bursts.
 */
export function detectBurst(
  history: Pick<History, "startMs" | "periodSeconds" | "length">,
  series: ArrayLike<number>,
  sizingPercentile: number,
  exact?: (p: number) => number | undefined,
  rules: BurstRules = BURST_RULES,
): Burst | undefined {
  const folded = exact !== undefined;
  let baseline: number;
  let busyEdge: number; // the percentile below which (1 − maxBusyShare) of the periods lie
  const busyPct = 100 * (1 - rules.maxBusyShare);
  if (folded) {
    const b = exact(50);
    const e = exact(busyPct);
    if (b === undefined || e === undefined) return undefined;
    baseline = b;
    busyEdge = e;
  } else {
    const [b, e] = percentiles(series, [50, busyPct]) as [number, number];
    baseline = b;
    busyEdge = e;
  }
  if (Number.isNaN(baseline)) return undefined;
  const threshold = Math.max(baseline * rules.factor, baseline + rules.minRisePoints);
  // Bursts are short: if a quarter of the periods are up there, it is the service's normal load.
  if (!(busyEdge < threshold)) return undefined;
  if (folded) {
    // Bursts within most stored periods: the folded maxima are up there while most minutes are not.
    const within = burstWithinPeriods(history.periodSeconds, series, threshold, rules);
    if (within) return { ...within, baselinePercent: baseline, outsidePercent: null };
  }
  for (const cadence of ["hourly", "daily"] as const) {
    const found = burstAt(cadence, history, series, threshold, folded, rules);
    if (!found) continue;
    let outsidePercent: number | null = null;
    if (!folded) {
      const outside = Float64Array.from(series as ArrayLike<number>, (v) => (v >= threshold ? Number.NaN : v));
      outsidePercent = percentile(outside, sizingPercentile);
    }
    return { ...found, baselinePercent: baseline, outsidePercent };
  }
  return undefined;
}

function burstAt(
  cadence: BurstCadence,
  h: Pick<History, "startMs" | "periodSeconds" | "length">,
  series: ArrayLike<number>,
  threshold: number,
  folded: boolean,
  rules: BurstRules,
): Omit<Burst, "baselinePercent" | "outsidePercent"> | undefined {
  const cycleMs = CYCLE_MS[cadence];
  const periodMs = h.periodSeconds * 1000;
  // A cycle must hold several periods to tell a burst from the rest of it.
  if (periodMs * 4 > cycleMs) return undefined;
  const perCycle = cycleMs / periodMs;
  const peaks: number[] = [];
  const startsAt = new Map<number, number>();
  let cycles = 0;
  let burstPeriods = 0;
  let cycle = Number.NaN;
  let present = 0;
  let peak = Number.NEGATIVE_INFINITY;
  let inBurst = 0;
  let runs = 0;
  let totalRuns = 0;
  let above = false;
  let firstAt = -1;
  const close = () => {
    if (Number.isNaN(cycle) || present < perCycle / 2) return;
    cycles++;
    if (peak >= threshold) {
      peaks.push(peak);
      burstPeriods += inBurst;
      totalRuns += runs;
      startsAt.set(firstAt, (startsAt.get(firstAt) ?? 0) + 1);
    }
  };
  for (let i = 0; i < h.length; i++) {
    const t = h.startMs + i * periodMs;
    const c = Math.floor(t / cycleMs);
    if (c !== cycle) {
      close();
      cycle = c;
      present = 0;
      peak = Number.NEGATIVE_INFINITY;
      inBurst = 0;
      runs = 0;
      above = false;
      firstAt = -1;
    }
    const v = series[i]!;
    if (Number.isNaN(v)) continue;
    present++;
    if (v > peak) peak = v;
    const wasAbove = above;
    above = v >= threshold;
    if (above) {
      inBurst++;
      if (!wasAbove) runs++;
      if (firstAt < 0) firstAt = cadence === "hourly" ? new Date(t).getUTCMinutes() : new Date(t).getUTCHours();
    }
  }
  close();
  if (cycles < rules.minCycles[cadence] || peaks.length < rules.minCycleShare * cycles) return undefined;
  // At most this long in a cycle (folded: the stored periods above the threshold bound it from above).
  const minutesPerCycle = (burstPeriods / peaks.length) * (h.periodSeconds / 60);
  if (minutesPerCycle > rules.maxMinutes[cadence]) return undefined;
  const bursts = folded ? 1 : Math.max(1, Math.round(totalRuns / peaks.length));
  let common = -1;
  let best = 0;
  for (const [at, n] of startsAt) {
    if (n > best || (n === best && at < common)) {
      best = n;
      common = at;
    }
  }
  return {
    cadence,
    levelPercent: percentile(peaks, 90),
    cycles,
    burstCycles: peaks.length,
    minutes: folded ? null : Math.round(minutesPerCycle / bursts),
    perCycle: bursts,
    // Only a start that most bursts share is worth naming.
    startsAt: folded || bursts > 1 || best < peaks.length / 2 ? null : common,
  };
}

/** A folded series whose stored periods (an hour or less) mostly hold a burst: at least hourly, length unknown. */
function burstWithinPeriods(
  periodSeconds: number,
  series: ArrayLike<number>,
  threshold: number,
  rules: BurstRules,
): Omit<Burst, "baselinePercent" | "outsidePercent"> | undefined {
  if (periodSeconds > 3600) return undefined;
  const peaks: number[] = [];
  let cycles = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (Number.isNaN(v)) continue;
    cycles++;
    if (v >= threshold) peaks.push(v);
  }
  const hours = (cycles * periodSeconds) / 3600;
  if (hours < rules.minCycles.hourly || peaks.length < rules.minCycleShare * cycles) return undefined;
  return {
    cadence: "hourly",
    levelPercent: percentile(peaks, 90),
    cycles,
    burstCycles: peaks.length,
    minutes: null,
    perCycle: 1,
    startsAt: null,
  };
}
