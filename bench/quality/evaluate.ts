// Rolling-origin evaluation: at each cut point, recommend from the preceding training window and score
// the recommendation on the test window that follows (never on data it was made from).
import type { Prices } from "../../src/model/snapshot.js";
import { score, type Score } from "./score.js";
import type { Sizes, Strategy } from "./strategies.js";
import type { Trace } from "./traces.js";

export interface EvalOptions {
  trainDays: number;
  testDays: number;
  stepDays: number;
}

export interface WindowResult {
  trace: string;
  cutMs: number;
  recommended: Sizes;
  score: Score;
}

export interface Summary {
  windows: number;
  cpuSlack: Dist;
  cpuOverrun: Dist;
  memSlack: Dist;
  memOverrun: Dist;
  /** Series (of all traces) with a memory overrun in at least one test window: each an OOM kill. */
  seriesWithMemOverrun: number;
  windowsWithMemOverrun: number;
  /** Average over cut points of the fleet's Fargate $/month. */
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
        const recommended = onEcs(strategy(window));
        results[name]!.push({
          trace: t.name,
          cutMs: t.startMs + cut * t.periodSeconds * 1000,
          recommended,
          score: score(recommended, testCpu, testMem, prices),
        });
      }
    }
  }
  const summaries: Record<string, Summary> = {};
  for (const [name, rs] of Object.entries(results)) {
    const cuts = new Map<number, number>();
    for (const r of rs) {
      const key = Math.round(r.cutMs / 86_400_000);
      cuts.set(key, (cuts.get(key) ?? 0) + r.score.monthlyUsd);
    }
    summaries[name] = {
      windows: rs.length,
      cpuSlack: dist(rs.map((r) => r.score.cpuSlack)),
      cpuOverrun: dist(rs.map((r) => r.score.cpuOverrun)),
      memSlack: dist(rs.map((r) => r.score.memSlack)),
      memOverrun: dist(rs.map((r) => r.score.memOverrun)),
      seriesWithMemOverrun: new Set(rs.filter((r) => r.score.memOverrun > 0).map((r) => r.trace)).size,
      windowsWithMemOverrun: rs.filter((r) => r.score.memOverrun > 0).length,
      monthlyUsd: [...cuts.values()].reduce((a, b) => a + b, 0) / Math.max(1, cuts.size),
    };
  }
  return { results, summaries };
}

/** Strategies no other strategy beats on both slack and overrun (for one resource). */
export function frontier(summaries: Readonly<Record<string, Summary>>, resource: "cpu" | "mem"): string[] {
  const names = Object.keys(summaries);
  const s = (n: string) =>
    resource === "cpu"
      ? [summaries[n]!.cpuSlack.mean, summaries[n]!.cpuOverrun.mean]
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
