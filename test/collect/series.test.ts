import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { CHOSEN_CPU, DEFAULT_POLICY, type Policy, resolvePolicy } from "../../src/advisor/policy.js";
import { chooseStoragePeriod, fold, summarize } from "../../src/collect/series.js";
import type { Utilization } from "../../src/model/snapshot.js";
import { END, iso, service, snapshot, taskDef } from "../helpers/snapshot.js";

describe("summaries and folding", () => {
  it("summarize keeps nearest-rank percentiles and the number of points", () => {
    const xs = Float32Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    xs[0] = Number.NaN; // 2..100: 99 points
    const s = summarize(xs, { served: true });
    expect(s.points).toBe(99);
    expect(s.quantiles["50"]).toBe(51); // rank ceil(49.5) = 50 → the 50th of 2..100
    expect(s.quantiles["95"]).toBe(96); // rank ceil(94.05) = 95
    expect(s.quantiles["100"]).toBe(100);
    // What a size at each percentile would have served: mean of min(x, p50 = 51) = (2 + … + 51 + 49 × 51) ÷ 99 (52…100 is 49 values)
    expect(s.mean).toBeCloseTo(51, 9); // (2 + 100) ÷ 2
    expect(s.cappedMeans!["50"]).toBeCloseTo((1325 + 49 * 51) / 99, 9);
    expect(s.cappedMeans!["100"]).toBeCloseTo(51, 9);
  });

  it("what a size at each percentile would have served, binned in one pass, equals the sum of min(value, it) — ties and gaps too", () => {
    // 1000 values in 0…19 (many equal to a kept percentile), every 7th missing
    const xs = Float32Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? Number.NaN : (i * 37) % 20));
    const s = summarize(xs, { served: true });
    const present = [...xs].filter((v) => !Number.isNaN(v));
    for (const [p, q] of Object.entries(s.quantiles))
      expect(s.cappedMeans![p]).toBeCloseTo(present.reduce((a, v) => a + Math.min(v, q), 0) / present.length, 9);
    expect(s.mean).toBeCloseTo(present.reduce((a, v) => a + v, 0) / present.length, 9);
    // memory series are not asked for them
    expect(summarize(xs)).toEqual({ points: s.points, quantiles: s.quantiles });
  });

  it("fold takes the max of Maximum series and the mean of Average series, skipping gaps", () => {
    const xs = Float32Array.from([1, 5, Number.NaN, 2, Number.NaN, Number.NaN, 7]);
    expect([...fold(xs, 3, "max")]).toEqual([5, 2, 7]);
    expect([...fold(xs, 3, "mean")]).toEqual([3, 2, 7]);
    expect([...fold(Float32Array.from([Number.NaN, Number.NaN]), 2, "max")]).toEqual([Number.NaN]);
  });

  it("chooses the finest storage period that fits the budget", () => {
    const day14 = 14 * 86400;
    expect(chooseStoragePeriod(40, day14, 60)).toBe(60); // 40 × 5 × 20,160 = 4.0 M
    expect(chooseStoragePeriod(1000, day14, 60)).toBe(300); // 100.8 M at 60 s; 20.2 M at 300 s
    expect(chooseStoragePeriod(10_000, day14, 60)).toBe(1800); // 10,000 × 5 × 672 = 33.6 M
    expect(chooseStoragePeriod(10, 30 * 86400, 300)).toBe(300); // never finer than what was fetched
  });
});

describe("the advice does not depend on the storage period", () => {
  // 14 days at 60 s of a CPU series with short spikes: folding to 1 h would make p95 of hourly maxima
  // almost the spike height, but the exact summary keeps the per-minute p95.
  const n = 14 * 24 * 60;
  const cpu = Float32Array.from({ length: n }, (_, i) => (i % 60 < 2 ? 90 : 10)); // 2 minutes an hour at 90 %
  const mem = Float32Array.from({ length: n }, (_, i) => 20 + (i % 1440) / 144); // 20–30 % daily ramp
  const tasks = new Float32Array(n).fill(2);
  const fine: Utilization = {
    start: iso(END - n * 60_000),
    periodSeconds: 60,
    cpuAverage: cpu,
    cpuMaximum: cpu,
    memoryAverage: mem,
    memoryMaximum: mem,
    runningTasks: tasks,
  };
  const coarse: Utilization = {
    start: fine.start,
    periodSeconds: 3600,
    sourcePeriodSeconds: 60,
    cpuAverage: fold(cpu, 60, "mean"),
    cpuMaximum: fold(cpu, 60, "max"),
    memoryAverage: fold(mem, 60, "mean"),
    memoryMaximum: fold(mem, 60, "max"),
    runningTasks: fold(tasks, 60, "mean"),
    summary: {
      cpuAverage: summarize(cpu, { served: true }),
      cpuMaximum: summarize(cpu, { served: true }),
      memoryAverage: summarize(mem),
      memoryMaximum: summarize(mem),
    },
  };
  const run = (u: Utilization, policy: Policy = DEFAULT_POLICY) =>
    advise({
      snapshot: snapshot({
        services: [service("api", { utilization: u })],
        taskDefinitions: [taskDef("api:1", { cpu: 2048, memory: 4096 })],
      }),
      prices: snapshot({ services: [], taskDefinitions: [] }).prices!,
      policy,
      generatedAt: iso(END),
      sourceKind: "snapshot",
      toolVersion: "t",
    }).services[0]!;

  it("hourly storage with exact summaries gives the per-minute answer", () => {
    const a = run(fine);
    const b = run(coarse);
    // p95 of minutes is 10 % (the spikes are 3.3 % of the time); the spikes recur every hour, so both size to them.
    expect(a.evidence.cpu.burst).toMatchObject({ cadence: "hourly", levelPercent: 90, minutes: 2, sized: true });
    expect(b.evidence.cpu.burst).toMatchObject({ cadence: "hourly", levelPercent: 90, minutes: null, sized: true });
    expect(a.evidence.cpu.observedPercent).toBe(90);
    expect(b.evidence.cpu.observedPercent).toBe(90);
    expect(b.recommended).toEqual(a.recommended);
    expect(b.evidence.dataHours).toBe(336);
    expect(b.evidence.points).toBe(n);
  });

  /** CPU at 90 % two minutes an hour for the first two days only, else 10 %: at 60 s, and folded to 1 h with its summary. */
  const spikesFirstTwoDays = (): [Utilization, Utilization] => {
    const once = Float32Array.from({ length: n }, (_, i) => (i < 2 * 1440 && i % 60 < 2 ? 90 : 10));
    const folded: Utilization = {
      ...coarse,
      cpuAverage: fold(once, 60, "mean"),
      cpuMaximum: fold(once, 60, "max"),
      summary: { ...coarse.summary!, cpuAverage: summarize(once, { served: true }), cpuMaximum: summarize(once, { served: true }) },
    };
    return [{ ...fine, cpuAverage: once, cpuMaximum: once }, folded];
  };

  it("spikes that do not recur (the first two days only) are sized from the exact per-minute p95 either way", () => {
    const [f, c] = spikesFirstTwoDays();
    const a = run(f);
    const b = run(c);
    expect(a.evidence.cpu.burst).toBeUndefined();
    expect(b.evidence.cpu.burst).toBeUndefined();
    expect(a.evidence.cpu.observedPercent).toBe(10);
    expect(b.evidence.cpu.observedPercent).toBe(10);
    expect(b.recommended).toEqual(a.recommended);
  });

  it("--cpu-percentile auto chooses the same percentile at 60 s and folded to 1 h (the collector keeps its shares)", () => {
    // Spikes the first two days only: 96 minutes at 90 %, 20,064 at 10 %; p50–p99.5 are 10 %, p99.9 and the peak 90 %.
    // At 10 %: 0 idle, 96 × 80 ÷ 209,280 = 3.67 % above it → 0.110 at weight 3; at 90 %: 1 − 209,280 ÷ (20,160 × 90)
    // = 88.5 % idle. So p50 (10 % of 2048 = 204.8 → Fargate's 256), alone or among 10,000.
    const [f, c] = spikesFirstTwoDays();
    const auto = resolvePolicy({ cpu: { ...CHOSEN_CPU } });
    const a = run(f, auto);
    const b = run(c, auto);
    expect(a.evidence.cpu.choice).toMatchObject({ percentile: 50, idlePercent: 0 });
    expect(a.evidence.cpu.choice!.throttledPercent).toBeCloseTo((7680 / 209280) * 100, 4);
    expect(b.evidence.cpu.choice).toEqual(a.evidence.cpu.choice);
    expect(a.recommended!.cpu).toBe(256);
    expect(b.recommended).toEqual(a.recommended);
    // Without the shares (a snapshot from before they were kept), the hourly maxima read 48 of 336 hours at 90 %:
    // 3840 ÷ 7200 = 53 % above 10 % → 1.6 at weight 3, against 1 − 7200 ÷ 30,240 = 76 % idle at 90 %: p99.9.
    const older = { ...c.summary!.cpuMaximum, cappedMeans: undefined, mean: undefined };
    const old = run({ ...c, summary: { ...c.summary!, cpuMaximum: older } }, auto);
    expect(old.evidence.cpu.choice).toMatchObject({ percentile: 99.9 });
    expect(old.evidence.cpu.observedPercent).toBe(90);
  });

  it("without the summary, hourly maxima would read the spikes as the p95", () => {
    const { summary: _drop, ...noSummary } = coarse;
    expect(run(noSummary).evidence.cpu.observedPercent).toBe(90);
  });
});
