// Rolling-origin evaluation: at each cut point, recommend from the preceding training window and score
// the recommendation on the test window that follows (never on data it was made from).
import { mulberry32 } from "../../fixtures/demo/generate.js";
import type { Prices } from "../../src/model/snapshot.js";
import { score, slackAndOverrun, type Score } from "./score.js";
import type { Sizes, Strategy } from "./strategies.js";
import type { Trace } from "./traces.js";

export interface EvalOptions {
  trainDays: number;
  testDays: number;
  stepDays: number;
}

/** Real memory peaks as a multiple of the 5-minute averages the traces hold: 1 (as measured), 1.1, 1.25. */
export const PEAK_FACTORS = [1, 1.1, 1.25] as const;

export interface WindowResult {
  trace: string;
  cutMs: number;
  recommended: Sizes;
  score: Score;
  /** Memory scored with usage × each of PEAK_FACTORS (NaN for a trace without memory). */
  memByFactor: Array<{ slack: number; overrun: number }>;
}

export interface Summary {
  windows: number;
  cpuSlack: Dist;
  cpuOverrun: Dist;
  /** Share of CPU demand above the recommendation (throttled work), per window. */
  cpuUnmet: Dist;
  memSlack: Dist;
  memOverrun: Dist;
  /** Series that have a memory metric (memory is scored on these only). */
  seriesWithMemory: number;
  /** Series (with memory) with a memory overrun in at least one test window: each an OOM kill. */
  seriesWithMemOverrun: number;
  windowsWithMemOverrun: number;
  /** The memory sensitivity: per PEAK_FACTORS, mean slack, mean overrun and series with an overrun. */
  memSensitivity: Array<{ factor: number; slack: number; overrun: number; seriesWithOverrun: number }>;
  /** The fleet's Fargate $/month: Σ over series of the mean of its windows (each series counted once). */
  monthlyUsd: number;
}

export interface Dist {
  mean: number;
  p50: number;
  p90: number;
}

function dist(xs: number[]): Dist {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return { mean: Number.NaN, p50: Number.NaN, p90: Number.NaN };
  const at = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!;
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, p50: at(50), p90: at(90) };
}

/**
 * What ECS can run: task-level cpu of at least 128 units (0.125 vCPU; aws-facts §2.1) and memory of at
 * least 6 MiB per container. Peers made for Kubernetes can ask for less (VPA: 25 millicores); on ECS
 * they get this, so every strategy is scored on a size that could be deployed.
 */
export const ECS_MIN = { cpu: 128, memory: 6 };
export function onEcs(s: Sizes): Sizes {
  return { cpu: Math.max(ECS_MIN.cpu, s.cpu), memory: Math.max(ECS_MIN.memory, s.memory) };
}

/**
 * A size a strategy could not make (NaN) is the allocation kept, as the product does without advice — never a
 * window left out of the scores (Math.max(128, NaN) is NaN, and a NaN score is skipped as missing).
 */
export function sizeOrKeep(s: Sizes, allocCpu: number, allocMem: number): Sizes {
  return { cpu: Number.isNaN(s.cpu) ? allocCpu : s.cpu, memory: Number.isNaN(s.memory) ? allocMem : s.memory };
}

function lastPresent(xs: Float64Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (!Number.isNaN(xs[i]!)) return xs[i]!;
  return Number.NaN;
}

export function evaluate(
  traces: readonly Trace[],
  strategies: Readonly<Record<string, Strategy>>,
  opts: EvalOptions,
  prices: Prices,
): { results: Record<string, WindowResult[]>; summaries: Record<string, Summary> } {
  const results: Record<string, WindowResult[]> = Object.fromEntries(Object.keys(strategies).map((k) => [k, []]));
  for (const t of traces) {
    const perDay = 86400 / t.periodSeconds;
    const train = opts.trainDays * perDay;
    const test = opts.testDays * perDay;
    for (let cut = train; cut + test <= t.cpuUsed.length; cut += opts.stepDays * perDay) {
      const allocCpu = lastPresent(t.allocCpu, cut - train, cut);
      const allocMem = lastPresent(t.allocMem, cut - train, cut);
      if (Number.isNaN(allocCpu) || Number.isNaN(allocMem)) continue;
      const window = {
        hasMemory: t.hasMemory,
        startMs: t.startMs + (cut - train) * t.periodSeconds * 1000,
        periodSeconds: t.periodSeconds,
        cpuUsed: t.cpuUsed.subarray(cut - train, cut),
        memUsed: t.memUsed.subarray(cut - train, cut),
        allocCpu,
        allocMem,
      };
      const testCpu = t.cpuUsed.subarray(cut, cut + test);
      const testMem = t.memUsed.subarray(cut, cut + test);
      for (const [name, strategy] of Object.entries(strategies)) {
        const r = onEcs(sizeOrKeep(strategy(window), allocCpu, allocMem));
        // No memory metric: no strategy can size memory, every one keeps the allocation (as the product does).
        const recommended = t.hasMemory ? r : { cpu: r.cpu, memory: allocMem };
        results[name]!.push({
          trace: t.name,
          cutMs: t.startMs + cut * t.periodSeconds * 1000,
          recommended,
          score: score(recommended, testCpu, testMem, prices),
          memByFactor: PEAK_FACTORS.map((f) => slackAndOverrun(testMem, recommended.memory, f)),
        });
      }
    }
  }
  return { results, summaries: summarize(results, traces) };
}

/** The summaries of per-window results, over the windows of `traces` only (a subset: the benchmark's halves). */
export function summarize(results: Readonly<Record<string, WindowResult[]>>, traces: readonly Trace[]): Record<string, Summary> {
  const names = new Set(traces.map((t) => t.name));
  const summaries: Record<string, Summary> = {};
  const withMemory = new Set(traces.filter((t) => t.hasMemory).map((t) => t.name));
  for (const [name, all] of Object.entries(results)) {
    const rs = all.filter((r) => names.has(r.trace));
    // Each series' mean $ over its windows, summed: series that start on different days count alike.
    const perSeries = new Map<string, { sum: number; n: number }>();
    for (const r of rs) {
      const s = perSeries.get(r.trace) ?? { sum: 0, n: 0 };
      s.sum += r.score.monthlyUsd;
      s.n++;
      perSeries.set(r.trace, s);
    }
    const mem = rs.filter((r) => withMemory.has(r.trace));
    summaries[name] = {
      windows: rs.length,
      cpuSlack: dist(rs.map((r) => r.score.cpuSlack)),
      cpuOverrun: dist(rs.map((r) => r.score.cpuOverrun)),
      cpuUnmet: dist(rs.map((r) => r.score.cpuUnmet)),
      memSlack: dist(mem.map((r) => r.score.memSlack)),
      memOverrun: dist(mem.map((r) => r.score.memOverrun)),
      seriesWithMemory: withMemory.size,
      seriesWithMemOverrun: new Set(mem.filter((r) => r.score.memOverrun > 0).map((r) => r.trace)).size,
      windowsWithMemOverrun: mem.filter((r) => r.score.memOverrun > 0).length,
      memSensitivity: PEAK_FACTORS.map((factor, k) => ({
        factor,
        slack: dist(mem.map((r) => r.memByFactor[k]!.slack)).mean,
        overrun: dist(mem.map((r) => r.memByFactor[k]!.overrun)).mean,
        seriesWithOverrun: new Set(mem.filter((r) => r.memByFactor[k]!.overrun > 0).map((r) => r.trace)).size,
      })),
      monthlyUsd: [...perSeries.values()].reduce((a, s) => a + s.sum / s.n, 0),
    };
  }
  return summaries;
}

/** A point of a resource's curve: slack against overruns (CPU: unmet demand; memory: overrun windows, then series). */
export interface CurvePoint {
  name: string;
  slack: number;
  overrun: number;
  series: number;
}

export function curvePoint(name: string, s: Summary, resource: "cpu" | "mem"): CurvePoint {
  return resource === "cpu"
    ? { name, slack: s.cpuSlack.mean, overrun: s.cpuUnmet.mean, series: 0 }
    : { name, slack: s.memSlack.mean, overrun: s.windowsWithMemOverrun, series: s.seriesWithMemOverrun };
}

/** a has no more slack and strictly fewer overruns than b (for memory: strictly fewer windows and series). */
export function beats(a: CurvePoint, b: CurvePoint, resource: "cpu" | "mem"): boolean {
  if (a.slack > b.slack) return false;
  return resource === "cpu" ? a.overrun < b.overrun : a.overrun < b.overrun && a.series < b.series;
}

/** The settings no other setting beats on both slack and overruns, by slack: the knob sweep's curve. */
export function curve(points: readonly CurvePoint[]): CurvePoint[] {
  return points
    .filter(
      (p) => !points.some((q) => q !== p && q.slack <= p.slack && q.overrun <= p.overrun && (q.slack < p.slack || q.overrun < p.overrun)),
    )
    .sort((a, b) => a.slack - b.slack || a.overrun - b.overrun);
}

/** Strategies no other strategy beats on both slack and overrun (for one resource). */
export function frontier(summaries: Readonly<Record<string, Summary>>, resource: "cpu" | "mem"): string[] {
  const names = Object.keys(summaries);
  const s = (n: string) =>
    resource === "cpu"
      ? [summaries[n]!.cpuSlack.mean, summaries[n]!.cpuUnmet.mean]
      : [summaries[n]!.memSlack.mean, summaries[n]!.memOverrun.mean];
  return names.filter((a) => {
    const [sa, oa] = s(a) as [number, number];
    return !names.some((b) => {
      if (b === a) return false;
      const [sb, ob] = s(b) as [number, number];
      return sb <= sa && ob <= oa && (sb < sa || ob < oa);
    });
  });
}

/** Per series, what summarize() adds up over its windows (NaN scores left out, as there). */
interface SeriesTally {
  cpuSlack: number;
  cpuSlackN: number;
  cpuUnmet: number;
  cpuUnmetN: number;
  memSlack: number;
  memSlackN: number;
  memOverWindows: number;
  memOver: boolean;
}

/**
 * How often each strategy beats `against` on a set of series like these but not these: `resamples` draws of as many
 * series as there are, with replacement (a drawn series brings all its windows), each scored as summarize() scores a
 * set — CPU by mean slack and mean unmet demand over the windows, memory by mean slack and the windows and series
 * with an overrun (a series drawn twice counts twice) — and compared as `beats` compares. The share of draws in which
 * a strategy beats `against` says how likely its verdict is to hold on other series of the same kind; `any`, the
 * share of draws in which at least one of `names` does (for a sweep: whether its curve passes below `against`).
 */
export function bootstrapBeats(
  results: Readonly<Record<string, WindowResult[]>>,
  traces: readonly Trace[],
  names: readonly string[],
  against: string,
  resamples: number,
  seed = 1,
): { each: Record<string, { cpu: number; mem: number }>; any: { cpu: number; mem: number } } {
  const withMemory = new Set(traces.filter((t) => t.hasMemory).map((t) => t.name));
  const tally = (name: string): SeriesTally[] =>
    traces.map((t) => {
      const s: SeriesTally = {
        cpuSlack: 0,
        cpuSlackN: 0,
        cpuUnmet: 0,
        cpuUnmetN: 0,
        memSlack: 0,
        memSlackN: 0,
        memOverWindows: 0,
        memOver: false,
      };
      for (const r of results[name]!) {
        if (r.trace !== t.name) continue;
        if (!Number.isNaN(r.score.cpuSlack)) {
          s.cpuSlack += r.score.cpuSlack;
          s.cpuSlackN++;
        }
        if (!Number.isNaN(r.score.cpuUnmet)) {
          s.cpuUnmet += r.score.cpuUnmet;
          s.cpuUnmetN++;
        }
        if (!withMemory.has(t.name)) continue;
        if (!Number.isNaN(r.score.memSlack)) {
          s.memSlack += r.score.memSlack;
          s.memSlackN++;
        }
        if (r.score.memOverrun > 0) {
          s.memOverWindows++;
          s.memOver = true;
        }
      }
      return s;
    });
  const tallies = Object.fromEntries([against, ...names].map((n) => [n, tally(n)]));
  const wins = Object.fromEntries(names.map((n) => [n, { cpu: 0, mem: 0 }]));
  const any = { cpu: 0, mem: 0 };
  const random = mulberry32(seed); // seeded: the same draws on every run
  const drawn = new Array<number>(traces.length);
  const point = (ts: SeriesTally[]) => {
    const sum = { cpuSlack: 0, cpuSlackN: 0, cpuUnmet: 0, cpuUnmetN: 0, memSlack: 0, memSlackN: 0, memOverWindows: 0, memOverSeries: 0 };
    for (const i of drawn) {
      const s = ts[i]!;
      sum.cpuSlack += s.cpuSlack;
      sum.cpuSlackN += s.cpuSlackN;
      sum.cpuUnmet += s.cpuUnmet;
      sum.cpuUnmetN += s.cpuUnmetN;
      sum.memSlack += s.memSlack;
      sum.memSlackN += s.memSlackN;
      sum.memOverWindows += s.memOverWindows;
      if (s.memOver) sum.memOverSeries++;
    }
    return {
      cpu: { name: "", slack: sum.cpuSlack / sum.cpuSlackN, overrun: sum.cpuUnmet / sum.cpuUnmetN, series: 0 },
      mem: { name: "", slack: sum.memSlack / sum.memSlackN, overrun: sum.memOverWindows, series: sum.memOverSeries },
    };
  };
  for (let k = 0; k < resamples; k++) {
    for (let i = 0; i < drawn.length; i++) drawn[i] = Math.floor(random() * traces.length);
    const base = point(tallies[against]!);
    let cpu = false;
    let mem = false;
    for (const n of names) {
      const p = point(tallies[n]!);
      if (beats(p.cpu, base.cpu, "cpu")) {
        wins[n]!.cpu++;
        cpu = true;
      }
      // A draw with no series that has memory has no overruns on either side: never strictly fewer, not a win.
      if (beats(p.mem, base.mem, "mem")) {
        wins[n]!.mem++;
        mem = true;
      }
    }
    if (cpu) any.cpu++;
    if (mem) any.mem++;
  }
  return {
    each: Object.fromEntries(names.map((n) => [n, { cpu: wins[n]!.cpu / resamples, mem: wins[n]!.mem / resamples }])),
    any: { cpu: any.cpu / resamples, mem: any.mem / resamples },
  };
}
