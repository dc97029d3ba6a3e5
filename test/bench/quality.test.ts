// Each strategy and each score of bench:quality on tiny series worked out by hand.
import { describe, expect, it } from "vitest";
import {
  beats,
  bootstrapBeats,
  curve,
  evaluate,
  frontier,
  onEcs,
  type Summary,
  sizeOrKeep,
  summarize,
  type WindowResult,
} from "../../bench/quality/evaluate.js";
import { fargateMonthly, score, slackAndOverrun } from "../../bench/quality/score.js";
import {
  asIs,
  decayingPercentile,
  ecsAdvisor,
  krrSimple,
  seedMean,
  vpa,
  vpaBucketOf,
  vpaBucketStart,
  type Window,
} from "../../bench/quality/strategies.js";
import { parseTraces, type Trace } from "../../bench/quality/traces.js";
import { PRICES } from "../helpers/snapshot.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const win = (cpu: number[], mem: number[], alloc = { cpu: 1024, memory: 2048 }, periodSeconds = 300): Window => ({
  startMs: 0,
  periodSeconds,
  cpuUsed: Float64Array.from(cpu),
  memUsed: Float64Array.from(mem),
  allocCpu: alloc.cpu,
  allocMem: alloc.memory,
});

describe("strategies", () => {
  it("as-is keeps the allocation", () => {
    expect(asIs(win([1, 2], [3, 4]))).toEqual({ cpu: 1024, memory: 2048 });
  });

  it("seed-mean: mean usage ÷ 60 % — cpu (100+200+300)/3 ÷ 0.6 = 333.33, memory 700 ÷ 0.6 = 1166.67", () => {
    const r = seedMean(win([100, 200, 300, Number.NaN], [600, 600, 900, Number.NaN]));
    expect(r.cpu).toBeCloseTo(333.3333, 4);
    expect(r.memory).toBeCloseTo(1166.6667, 4);
  });

  it("krr-simple: cpu p95 of 1..100 = 95 units, no headroom, up to a whole millicore (93 m = 95.232); memory max 400 × 1.15 = 460", () => {
    const cpu = Array.from({ length: 100 }, (_, i) => i + 1);
    const r = krrSimple(win(cpu, [100, 400, 200, ...Array(97).fill(50)]));
    expect(r.cpu).toBeCloseTo(93 * 1.024, 9);
    expect(r.memory).toBe(460);
  });

  it("krr-simple: its runner's minimums, 10 m of CPU (10.24 units) and 100 MiB", () => {
    expect(krrSimple(win([1, 1, 1], [5, 5, 5]))).toEqual({ cpu: 10.24, memory: 100 });
  });

  it("the decaying histogram: weights halve every half-life; the answer is the end of VPA's 5 % bucket", () => {
    // VPA's edges (first bucket 1): bucket b starts at (1.05^b − 1) ÷ 0.05. 20 is in bucket
    // floor(log_1.05(20 × 0.05 + 1)) = floor(log_1.05 2) = 14, which ends at (1.05^15 − 1) ÷ 0.05 = 21.5786.
    expect(vpaBucketOf(20, 1)).toBe(14);
    expect(vpaBucketStart(15, 1)).toBeCloseTo(21.5786, 4);
    // 10 a day before the end (weight 1/2) and 20 at the end (weight 1): p50 needs 0.75 of 1.5 → 20's bucket
    expect(decayingPercentile([10, 20], [0, DAY], 50, DAY, 1)).toBeCloseTo(21.5786, 4);
    // p30 needs 0.45 of 1.5: the older 10 (0.5) already covers it; 10 is in bucket floor(log_1.05 1.5) = 8, ending at 11.0266
    expect(decayingPercentile([10, 20], [0, DAY], 30, DAY, 1)).toBeCloseTo((1.05 ** 9 - 1) / 0.05, 9);
    expect((1.05 ** 9 - 1) / 0.05).toBeCloseTo(11.0266, 4);
  });

  it("vpa: p90 of the histogram × 1.15 for cpu, p90 of daily peaks × 1.15 for memory, with its floors", () => {
    const n = (2 * DAY) / (300 * 1000);
    const r = vpa(win(Array(n).fill(100), Array(n).fill(500)));
    const end = (v: number, first: number) => vpaBucketStart(vpaBucketOf(v, first) + 1, first);
    expect(r.cpu).toBeCloseTo(end(100, 10.24) * 1.15, 9);
    expect(r.memory).toBeCloseTo(end(500, 10e6 / 1048576) * 1.15, 9);
    const tiny = vpa(win(Array(n).fill(1), Array(n).fill(1)));
    expect(tiny).toEqual({ cpu: 25.6, memory: 250 }); // 25 millicores, 250 MiB (250 × 1024 × 1024 bytes)
  });

  it("vpa: every day of the window gives a memory peak, not only the last 8", () => {
    // 14 days: 600 MiB in the first 6, no memory data in the last 8. Only the last 8 days' peaks would give
    // nothing (the 250 MiB floor); every day's: 600's bucket end × 1.15.
    const per = DAY / (300 * 1000);
    const mem = Array.from({ length: 14 * per }, (_, i) => (i < 6 * per ? 600 : Number.NaN));
    const r = vpa(win(Array(14 * per).fill(100), mem));
    const first = 10e6 / 1048576;
    expect(r.memory).toBeCloseTo(vpaBucketStart(vpaBucketOf(600, first) + 1, first) * 1.15, 9);
  });

  it("ecs-advisor: the real advisor — 40 % of 1024 at the default 80 % target is 512; at 60 %, the seed's 683", () => {
    const n = (14 * DAY) / (300 * 1000);
    const w = win(Array(n).fill(409.6), Array(n).fill(1024));
    expect(ecsAdvisor()(w)).toEqual({ cpu: 512, memory: 1280 }); // memory peak 1024 ÷ 0.8
    expect(ecsAdvisor({ cpu: { target: 60 } })(w).cpu).toBe(683);
  });
});

describe("scores", () => {
  it("slack = unused share of the allocation; overrun = share of intervals above it (gaps skipped)", () => {
    // used 50, 100, 150 against 100: used within it 50 + 100 + 100 = 250 of 300 → slack 1/6; 1 of 3 over
    const r = slackAndOverrun([50, 100, 150, Number.NaN], 100);
    expect(r.slack).toBeCloseTo(1 / 6, 12);
    expect(r.overrun).toBeCloseTo(1 / 3, 12);
  });

  it("unmet demand: the share of the demand above the allocation — 50, 100, 150, 200 against 100: (50 + 100) ÷ 500 = 30 %", () => {
    const r = slackAndOverrun([50, 100, 150, 200], 100);
    expect(r.unmet).toBeCloseTo(0.3, 12);
    expect(r.overrun).toBe(0.5); // 2 of 4 intervals: the two measures differ
  });

  it("the memory sensitivity: usage × 1.1 against 105 overruns where the averages did not", () => {
    expect(slackAndOverrun([100, 100], 105).overrun).toBe(0);
    expect(slackAndOverrun([100, 100], 105, 1.1).overrun).toBe(1);
    expect(slackAndOverrun([100, 100], 105, 1.1).unmet).toBeCloseTo(10 / 220, 12);
  });

  it("dollars: the cheapest Fargate size that covers the recommendation — 300/600 → 512/1024 = $0.024685 × 730", () => {
    expect(fargateMonthly({ cpu: 300, memory: 600 }, PRICES)).toBeCloseTo(0.024685 * 730, 9);
  });

  it("score puts them together", () => {
    expect(score({ cpu: 100, memory: 200 }, [50, 150], [100, 100], PRICES)).toMatchObject({
      cpuSlack: 0.25,
      cpuOverrun: 0.5,
      memSlack: 0.5,
      memOverrun: 0,
    });
  });

  it("ECS's minimum applies to every strategy: 128 cpu units", () => {
    expect(onEcs({ cpu: 25.6, memory: 250 })).toEqual({ cpu: 128, memory: 250 });
  });
});

describe("the rolling-origin evaluation", () => {
  // One series, 3 days at 5 minutes, cpu 100 then 200, memory 1000; train 1 day, test 1 day, step 1 day → 2 cuts.
  const csv = ["service,timestamp_epoch_s,task_cpu_units,task_memory_mib,CPUUtilization,MemoryUtilization,cpu_units_used,memory_mib_used"];
  for (let i = 0; i < 3 * 288; i++) {
    if (i === 5) continue; // a gap
    csv.push(`s1,${1_700_000_000 + i * 300},1024,2048,0,0,${i < 288 ? 100 : 200},1000`);
  }
  const traces = parseTraces(csv.join("\n"));

  it("reads the CSV onto a grid with the gap as NaN", () => {
    expect(traces).toHaveLength(1);
    expect(traces[0]!.cpuUsed.length).toBe(864);
    expect(traces[0]!.cpuUsed[5]).toBeNaN();
    expect(traces[0]!.allocCpu[0]).toBe(1024);
  });

  it("scores each cut on the day after it", () => {
    const { results, summaries } = evaluate(
      traces,
      { "as-is": asIs, "krr-simple": krrSimple },
      { trainDays: 1, testDays: 1, stepDays: 1 },
      PRICES,
    );
    expect(results["as-is"]).toHaveLength(2);
    // krr at cut 1 learned cpu 100 (p95 of day 1) and is scored on day 2 at 200: every interval over it
    expect(results["krr-simple"]![0]!.recommended.cpu).toBe(128); // ECS's minimum
    expect(results["krr-simple"]![0]!.score.cpuOverrun).toBe(1);
    // at cut 2 it learned 200 and day 3 is 200: no overrun, no slack
    expect(results["krr-simple"]![1]!.score.cpuOverrun).toBe(0);
    // (200 rounded up to a whole millicore: 196 m = 200.704 units, so a sliver of slack)
    expect(results["krr-simple"]![1]!.score.cpuSlack).toBeCloseTo(1 - 200 / 200.704, 12);
    expect(summaries["krr-simple"]!.cpuOverrun.mean).toBe(0.5);
    expect(summaries["as-is"]!.seriesWithMemOverrun).toBe(0);
  });

  it("the curve: the settings nothing beats, by slack; beating a peer needs no more slack and strictly fewer overruns", () => {
    const p = (name: string, slack: number, overrun: number, series = 0) => ({ name, slack, overrun, series });
    const pts = [p("a", 0.5, 0.1), p("b", 0.4, 0.2), p("c", 0.6, 0.2), p("d", 0.45, 0.1)];
    expect(curve(pts).map((x) => x.name)).toEqual(["b", "d"]);
    expect(beats(p("x", 0.5, 0.1), p("peer", 0.5, 0.2), "cpu")).toBe(true);
    expect(beats(p("x", 0.51, 0.1), p("peer", 0.5, 0.2), "cpu")).toBe(false);
    // memory: strictly fewer overrun windows AND series
    expect(beats(p("x", 0.8, 40, 22), p("peer", 0.8, 41, 22), "mem")).toBe(false);
    expect(beats(p("x", 0.8, 40, 21), p("peer", 0.8, 41, 22), "mem")).toBe(true);
  });

  it("the frontier keeps only strategies nothing beats on both (CPU: slack and unmet demand)", () => {
    const s = (slack: number, over: number) => ({ cpuSlack: { mean: slack }, cpuUnmet: { mean: over } }) as unknown as Summary;
    expect(frontier({ a: s(0.5, 0.1), b: s(0.4, 0.2), c: s(0.6, 0.2), d: s(0.5, 0.1) }, "cpu")).toEqual(["a", "b", "d"]);
  });
});

describe("traces without memory, and series that start on different days", () => {
  const HEADER = "service,timestamp_epoch_s,task_cpu_units,task_memory_mib,CPUUtilization,MemoryUtilization,cpu_units_used,memory_mib_used";
  const T0 = 1_700_000_000;

  it("an empty memory cell is no data, not 0 MiB: a CPU-only series is not scored on memory and keeps its memory", () => {
    const rows = [HEADER];
    for (let i = 0; i < 3 * 288; i++) rows.push(`cpu-only,${T0 + i * 300},1024,2048,10,,102.4,`);
    const [t] = parseTraces(rows.join("\n"));
    expect(t!.hasMemory).toBe(false);
    expect(Number.isNaN(t!.memUsed[0]!)).toBe(true);
    const { results, summaries } = evaluate(
      [t!],
      { "krr-simple": krrSimple, "ecs-advisor": ecsAdvisor() },
      { trainDays: 1, testDays: 1, stepDays: 1 },
      PRICES,
    );
    for (const name of ["krr-simple", "ecs-advisor"]) {
      expect(results[name]!.every((r) => r.recommended.memory === 2048)).toBe(true); // kept, not cut to a floor
      expect(results[name]!.every((r) => Number.isNaN(r.score.memSlack))).toBe(true);
      expect(summaries[name]!).toMatchObject({ seriesWithMemory: 0, seriesWithMemOverrun: 0, windowsWithMemOverrun: 0 });
      expect(summaries[name]!.memSlack.mean).toBeNaN();
    }
  });

  it("fleet dollars: each series' mean over its windows, summed — two series starting a day apart", () => {
    // a: 1024/2048 from day 0, 4 days → cuts after days 1, 2, 3; b: 512/1024 from day 1, 3 days → cuts after days 2, 3.
    // As-is: a costs (1 × 0.04048 + 2 × 0.004445) × 730 = $36.04 a month, b (0.5 × 0.04048 + 1 × 0.004445) × 730
    // = $18.02: the fleet $54.06. (Averaging by calendar day gave (36.04 + 54.06 + 54.06) ÷ 3 = $48.05.)
    const rows = [HEADER];
    for (let i = 0; i < 4 * 288; i++) rows.push(`a,${T0 + i * 300},1024,2048,10,10,100,200`);
    for (let i = 0; i < 3 * 288; i++) rows.push(`b,${T0 + 86_400 + i * 300},512,1024,10,10,50,100`);
    const { results, summaries } = evaluate(
      parseTraces(rows.join("\n")),
      { "as-is": asIs },
      { trainDays: 1, testDays: 1, stepDays: 1 },
      PRICES,
    );
    expect(results["as-is"]!.map((r) => r.trace)).toEqual(["a", "a", "a", "b", "b"]);
    expect(summaries["as-is"]!.monthlyUsd).toBeCloseTo((0.04048 + 2 * 0.004445) * 730 + (0.5 * 0.04048 + 0.004445) * 730, 9);
    expect(summaries["as-is"]!.monthlyUsd).toBeCloseTo(54.06, 2);
    // A half of the series (the benchmark's robustness table): the same numbers as evaluating that half alone.
    const traces = parseTraces(rows.join("\n"));
    const alone = evaluate([traces[1]!], { "as-is": asIs }, { trainDays: 1, testDays: 1, stepDays: 1 }, PRICES).summaries;
    expect(summarize(results, [traces[1]!])).toEqual(alone);
    expect(alone["as-is"]!.monthlyUsd).toBeCloseTo((0.5 * 0.04048 + 0.004445) * 730, 9);
  });
});

describe("npm run bench:quality", () => {
  it("runs on a folder of traces and writes the table, quality.json and a self-contained quality.html", async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { spawnSync } = await import("node:child_process");
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-quality-"));
    const rows = [
      "service,timestamp_epoch_s,task_cpu_units,task_memory_mib,CPUUtilization,MemoryUtilization,cpu_units_used,memory_mib_used",
    ];
    for (const s of ["a", "b"])
      for (let i = 0; i < 22 * 288; i++) rows.push(`${s},${1_700_000_000 + i * 300},2048,4096,0,0,${100 + (i % 288)},${500 + (i % 50)}`);
    writeFileSync(join(dir, "t.csv"), rows.join("\n"));
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/quality/main.ts", "--traces", dir, "--out", join(dir, "out")], {
      encoding: "utf8",
      timeout: 50_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("| strategy | CPU slack % (p50, p90) |");
    expect(r.stdout).toMatch(/\| \*\*ecs-advisor\*\* \|/);
    expect(r.stdout).toContain("goals for ecs-advisor (issue #19");
    expect(r.stdout).toContain("memory sensitivity: scored against the 5-minute averages × 1, × 1.1, × 1.25");
    expect(r.stdout).toContain("the curve, CPU: slack % against unmet demand % — 70 settings swept");
    expect(r.stdout).toContain("the curve, memory: slack % against overrun windows (series) — 36 settings swept");
    expect(r.stdout).toContain("on halves of the series"); // two series: too few to split, so no rows
    expect(r.stdout).toContain("resampled: 2000 draws of 2 series with replacement (seeded)");
    expect(r.stdout).toMatch(/\| ecs-advisor \(default\) \| \d+\.\d % \| \d+\.\d % \|/);
    const json = JSON.parse(readFileSync(join(dir, "out", "quality.json"), "utf8")) as {
      summaries: Record<string, { windows: number; cpuSlack: { mean: number }; cpuUnmet: { mean: number } }>;
      resampled: { draws: number; againstKrrSimple: Record<string, { cpu: number }>; curveBelow: Record<string, { cpu: number }> };
    };
    expect(json.summaries.vpa!.windows).toBe(2); // 22 days: one cut (day 14; day 21 + 7 > 22) per series
    expect(json.resampled.draws).toBe(2000);
    expect(Object.keys(json.resampled.curveBelow)).toEqual(["krr-simple", "vpa", "seed-mean"]);
    // Series a and b hold the same values: every draw scores as the whole set, so the share is all or nothing,
    // and it is whether ecs-advisor beats krr-simple on the whole set.
    const [ours, krr] = [json.summaries["ecs-advisor"]!, json.summaries["krr-simple"]!];
    const beatsWhole = ours.cpuSlack.mean <= krr.cpuSlack.mean && ours.cpuUnmet.mean < krr.cpuUnmet.mean;
    expect(json.resampled.againstKrrSimple["ecs-advisor"]!.cpu).toBe(beatsWhole ? 1 : 0);
    const html = readFileSync(join(dir, "out", "quality.html"), "utf8");
    expect(html).toContain('<canvas id="cpu"');
    expect(html).toContain("const CURVES = {");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // chart.js is inlined
  }, 60_000);
});

describe("a size a strategy could not make", () => {
  it("is the allocation kept, never a window dropped from the scores (Math.max(128, NaN) is NaN)", () => {
    expect(sizeOrKeep({ cpu: Number.NaN, memory: 300 }, 1024, 2048)).toEqual({ cpu: 1024, memory: 300 });
    expect(sizeOrKeep({ cpu: 200, memory: Number.NaN }, 1024, 2048)).toEqual({ cpu: 200, memory: 2048 });
  });
});

describe("resampling the series (how likely a verdict holds on other series)", () => {
  // Two series of one window each. On s1, A beats K (slack 50 % vs 60 %, unmet 1 % vs 2 %); on s2 it does not
  // (slack 70 % vs 40 %). A draw of two series with replacement is {s1, s1} with probability ¼ (A beats K), {s2, s2}
  // with ¼ (it does not) and {s1, s2} with ½: slack (50 + 70) ÷ 2 = 60 % vs (60 + 40) ÷ 2 = 50 %, it does not. So A
  // beats K in a quarter of the draws. Memory: A has an overrun window only on s2, K on both: A beats K unless the
  // draw is {s2, s2} (2 windows and 2 series each: a series drawn twice counts twice; not strictly fewer): ¾.
  const result = (trace: string, cpuSlack: number, cpuUnmet: number, memSlack: number, memOverrun: number): WindowResult => ({
    trace,
    cutMs: 0,
    recommended: { cpu: 1, memory: 1 },
    score: { cpuSlack, cpuUnmet, cpuOverrun: 0, memSlack, memOverrun, monthlyUsd: 0 },
    memByFactor: [],
  });
  const traces = ["s1", "s2"].map((name) => ({ name, hasMemory: true }) as Trace);
  const results = {
    A: [result("s1", 0.5, 0.01, 0.3, 0), result("s2", 0.7, 0.01, 0.3, 0.1)],
    K: [result("s1", 0.6, 0.02, 0.4, 0.2), result("s2", 0.4, 0.05, 0.4, 0.1)],
  };

  it("draws as many series as there are, with replacement: A beats K on CPU in ¼ of the draws, on memory in ¾", () => {
    const { each, any } = bootstrapBeats(results, traces, ["A"], "K", 20_000);
    expect(each.A!.cpu).toBeCloseTo(0.25, 1.5);
    expect(each.A!.mem).toBeCloseTo(0.75, 1.5);
    expect(any).toEqual(each.A);
    // Seeded: the same draws every run.
    expect(bootstrapBeats(results, traces, ["A"], "K", 500)).toEqual(bootstrapBeats(results, traces, ["A"], "K", 500));
  });

  it("one series: every draw is that series, so the share is all or nothing", () => {
    expect(bootstrapBeats(results, [traces[0]!], ["A"], "K", 100).each.A).toEqual({ cpu: 1, mem: 1 });
    expect(bootstrapBeats(results, [traces[1]!], ["A"], "K", 100).each.A).toEqual({ cpu: 0, mem: 0 });
  });

  it("any: the share of draws in which at least one of the strategies beats it", () => {
    // B beats K on s2 only (slack 30 % vs 40 %, unmet 4 % vs 5 %): A or B beats K unless the draw is {s1, s2} … where
    // A's slack 60 % and B's (90 + 30) ÷ 2 = 60 % are both above K's 50 %. So ½.
    const withB = { ...results, B: [result("s1", 0.9, 0.01, 0.9, 0.5), result("s2", 0.3, 0.04, 0.9, 0.5)] };
    expect(bootstrapBeats(withB, traces, ["A", "B"], "K", 20_000).any.cpu).toBeCloseTo(0.5, 1.5);
  });
});
