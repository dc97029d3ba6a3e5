// Each strategy and each score of bench:quality on tiny series worked out by hand.
import { describe, expect, it } from "vitest";
import { evaluate, frontier, onEcs, type Summary } from "../../bench/quality/evaluate.js";
import { fargateMonthly, score, slackAndOverrun } from "../../bench/quality/score.js";
import { asIs, decayingPercentile, ecsAdvisor, krrSimple, seedMean, vpa, type Window } from "../../bench/quality/strategies.js";
import { parseTraces } from "../../bench/quality/traces.js";
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

  it("krr-simple: cpu p95 of 1..100 = 95, no headroom; memory max 400 × 1.15 = 460", () => {
    const cpu = Array.from({ length: 100 }, (_, i) => i + 1);
    const r = krrSimple(win(cpu, [100, 400, 200, ...Array(97).fill(50)]));
    expect(r.cpu).toBe(95);
    expect(r.memory).toBeCloseTo(460, 9);
  });

  it("the decaying histogram: weights halve every half-life; the answer is the top of a 5 % bucket", () => {
    // 10 a day before the end (weight 1/2) and 20 at the end (weight 1): p50 needs 0.75 of 1.5 → 20's bucket
    const top = (v: number) => 1.05 ** Math.ceil(Math.log(v) / Math.log(1.05)); // first bucket 1
    expect(decayingPercentile([10, 20], [0, DAY], 50, DAY, 1)).toBeCloseTo(top(20), 9);
    expect(top(20)).toBeGreaterThanOrEqual(20);
    expect(top(20)).toBeLessThan(21);
    // p30 needs 0.45 of 1.5: the older 10 (0.5) already covers it
    expect(decayingPercentile([10, 20], [0, DAY], 30, DAY, 1)).toBeCloseTo(top(10), 9);
  });

  it("vpa: p90 of the histogram × 1.15 for cpu, p90 of daily peaks × 1.15 for memory, with its floors", () => {
    const n = (2 * DAY) / (300 * 1000);
    const r = vpa(win(Array(n).fill(100), Array(n).fill(500)));
    const top = (v: number, first: number) => first * 1.05 ** Math.ceil(Math.log(v / first) / Math.log(1.05));
    expect(r.cpu).toBeCloseTo(top(100, 10.24) * 1.15, 9);
    expect(r.memory).toBeCloseTo(top(500, 10e6 / 1048576) * 1.15, 9);
    const tiny = vpa(win(Array(n).fill(1), Array(n).fill(1)));
    expect(tiny).toEqual({ cpu: 25.6, memory: 250e6 / 1048576 }); // 25 millicores, 250 MB
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
    expect(onEcs({ cpu: 25.6, memory: 238 })).toEqual({ cpu: 128, memory: 238 });
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
    expect(results["krr-simple"]![1]!.score.cpuSlack).toBe(0);
    expect(summaries["krr-simple"]!.cpuOverrun.mean).toBe(0.5);
    expect(summaries["as-is"]!.seriesWithMemOverrun).toBe(0);
  });

  it("the frontier keeps only strategies nothing beats on both", () => {
    const s = (slack: number, over: number) => ({ cpuSlack: { mean: slack }, cpuOverrun: { mean: over } }) as unknown as Summary;
    expect(frontier({ a: s(0.5, 0.1), b: s(0.4, 0.2), c: s(0.6, 0.2), d: s(0.5, 0.1) }, "cpu")).toEqual(["a", "b", "d"]);
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
    expect(r.stdout).toContain("goals for ecs-advisor (issue #7):");
    const json = JSON.parse(readFileSync(join(dir, "out", "quality.json"), "utf8")) as { summaries: Record<string, { windows: number }> };
    expect(json.summaries.vpa!.windows).toBe(2); // 22 days: one cut (day 14; day 21 + 7 > 22) per series
    const html = readFileSync(join(dir, "out", "quality.html"), "utf8");
    expect(html).toContain('<canvas id="cpu"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // chart.js is inlined
  }, 60_000);
});
