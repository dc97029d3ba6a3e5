import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { CHOSEN_CPU, DEFAULT_POLICY, resolvePolicy } from "../../src/advisor/policy.js";
import { choosePercentile, CPU_CANDIDATE_PERCENTILES, idleAndThrottled } from "../../src/advisor/predict.js";
import { observeContainer } from "../../src/advisor/containers.js";
import { sizeResource } from "../../src/advisor/rightsize.js";
import { SUMMARY_PERCENTILES } from "../../src/collect/series.js";
import { policyFrom } from "../../src/cli/policy-options.js";
import type { Report } from "../../src/model/report.js";
import { cli } from "../helpers/cli.js";

// 100 periods: 90 at 10 %, 10 at 50 % (a task that spikes a tenth of the time).
const spiky = Float32Array.from({ length: 100 }, (_, i) => (i < 90 ? 10 : 50));

describe("the CPU percentile chosen per service (--cpu-percentile auto)", () => {
  it("idle and throttled shares, by hand: at 10 % of the allocation, 0 idle and (10 × 40) ÷ (90 × 10 + 10 × 50) = 28.57 % throttled", () => {
    const at10 = idleAndThrottled(spiky, 10);
    expect(at10.idle).toBeCloseTo(0, 9);
    expect(at10.throttled).toBeCloseTo(400 / 1400, 9);
    // at 50 %: served 1400 of 100 × 50 = 5000 → 72 % idle, nothing throttled
    const at50 = idleAndThrottled(spiky, 50);
    expect(at50.idle).toBeCloseTo(0.72, 9);
    expect(at50.throttled).toBe(0);
    expect(idleAndThrottled([Number.NaN], 10).idle).toBeNaN();
  });

  it("sized at 10 % (p50 = p75 = p90) costs w × 28.57; at 50 % (p95) 72 + 0: weight 2.5 keeps 10 % (71.4 < 72), 2.6 and 3 take p95 (74.3, 85.7 > 72)", () => {
    // p50, p75 and p90 are all 10 % (nearest rank 90 of 100): the lowest, p50, is kept on the tie.
    expect(choosePercentile(spiky, 2)).toMatchObject({ percentile: 50, valuePercent: 10, idlePercent: 0 });
    expect(choosePercentile(spiky, 2)!.throttledPercent).toBeCloseTo(28.571, 3);
    expect(choosePercentile(spiky, 2.5)!.percentile).toBe(50); // 71.43 < 72
    expect(choosePercentile(spiky, 2.6)).toMatchObject({ percentile: 95, valuePercent: 50, throttledPercent: 0 }); // 74.3 > 72
    expect(choosePercentile(spiky, 3)!.idlePercent).toBeCloseTo(72, 9);
  });

  it("a flat service is sized at its level, whatever the weight", () => {
    const flat = new Float32Array(200).fill(40);
    for (const w of [1, 3, 100]) expect(choosePercentile(flat, w)).toMatchObject({ percentile: 50, valuePercent: 40, idlePercent: 0 });
  });

  it("takes the candidates' values from the exact summaries when the series was folded", () => {
    // Values 10 (p50–p90), 30 (p95–p99.9), 50 (p100). Costs: at 10, 0 + w × 400/1400; at 30, (1 − 1200/3000) +
    // w × 200/1400 = 0.6 + 0.143 w; at 50, 0.72 + 0. At 30 it would need w > 4.2 to beat 10 and w < 0.84 to beat 50: never.
    const exact = (p: number) => (p <= 90 ? 10 : p < 100 ? 30 : 50);
    expect(choosePercentile(spiky, 1, exact)).toMatchObject({ percentile: 50, valuePercent: 10 }); // 0.286 < 0.72
    expect(choosePercentile(spiky, 2.5, exact)).toMatchObject({ percentile: 50 }); // 0.714 < 0.72
    expect(choosePercentile(spiky, 3, exact)).toMatchObject({ percentile: 100, valuePercent: 50 }); // 0.857 > 0.72
    for (const w of [0.5, 1, 2, 4, 5, 8]) expect(choosePercentile(spiky, w, exact)!.valuePercent).not.toBe(30);
  });

  it("chooses only among percentiles the collector keeps exactly", () => {
    for (const p of CPU_CANDIDATE_PERCENTILES) expect(SUMMARY_PERCENTILES).toContain(p);
    expect(choosePercentile([], 3)).toBeUndefined();
  });
});

describe("a target above upsizeAbove", () => {
  const cpu = { ...DEFAULT_POLICY.cpu, target: 100, upsizeAbove: 85 };
  const opts = { minChangePercent: 10, tracked: false, blockDown: false };
  const constant = (v: number) => new Float32Array(200).fill(v);

  it("sizes for the target below the limit: 60 % of 1024 at 100 % → 614.4, a downsize", () => {
    const r = sizeResource(1024, constant(60), cpu, opts);
    expect(r).toMatchObject({ decision: "down" });
    expect(r.need).toBeCloseTo(614.4, 6);
    expect(r.evidence.targetPercent).toBe(100);
  });

  it("at the limit the measurement cannot show more: 98 % of 1024 is sized for 85 % → 1180.6, an upsize", () => {
    const r = sizeResource(1024, constant(98), cpu, opts);
    expect(r).toMatchObject({ decision: "up" });
    expect(r.need).toBeCloseTo((1024 * 98) / 85, 6);
    expect(r.evidence.targetPercent).toBe(85);
  });
});

describe("--cpu-percentile auto", () => {
  it("chooses per service with weight 3 at a 100 % target; --target-cpu still sets the target; a number is a fixed percentile", () => {
    expect(policyFrom({ cpuPercentile: "auto" }).cpu).toMatchObject({ throttleWeight: CHOSEN_CPU.throttleWeight, target: 100 });
    expect(policyFrom({ cpuPercentile: "auto", targetCpu: 90 }).cpu).toMatchObject({ throttleWeight: 3, target: 90 });
    expect(policyFrom({ cpuPercentile: 99 }).cpu.throttleWeight).toBeUndefined();
    expect(DEFAULT_POLICY.cpu.throttleWeight).toBeUndefined();
    // --cpu-throttle-weight sets the weight, and implies auto
    expect(policyFrom({ cpuPercentile: "auto", cpuThrottleWeight: 8 }).cpu).toMatchObject({ throttleWeight: 8, target: 100 });
    expect(policyFrom({ cpuThrottleWeight: 10 }).cpu).toMatchObject({ throttleWeight: 10, target: 100 });
  });

  it("a fixed percentile and a weight contradict each other: one line, exit 2; a weight of 0 is refused too", async () => {
    const both = await cli(["report", "--demo", "--cpu-percentile", "99", "--cpu-throttle-weight", "5"]);
    expect(both.code).toBe(2);
    expect(both.stderr.split("\n")[0]).toBe(
      "ecs-advisor: --cpu-percentile 99 fixes the percentile, and --cpu-throttle-weight chooses one per service",
    );
    const zero = await cli(["report", "--demo", "--cpu-throttle-weight", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--cpu-throttle-weight takes a number greater than 0, got "0"');
    expect(zero.stderr).not.toMatch(/\n\s+at /);
  });

  it("--cpu-percentile reads a percentage as every percentage option does, or auto in any case; anything else is one line", async () => {
    const bad = await cli(["report", "--demo", "--cpu-percentile", "0x10"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toBe(
      "ecs-advisor report: option '--cpu-percentile <p|auto>' argument '0x10' is invalid. --cpu-percentile takes a percentage from 1 to 100, or auto, got \"0x10\"",
    );
    const over = await cli(["report", "--demo", "--cpu-percentile", "101"]);
    expect(over.stderr).toContain('--cpu-percentile takes a percentage from 1 to 100, or auto, got "101"');
    // The shared parsers read decimals only: Number() took "0x50" as 80 % and "1e1" as 10.
    expect((await cli(["report", "--demo", "--target-cpu", "0x50"])).stderr).toContain(
      '--target-cpu takes a percentage from 1 to 100, got "0x50"',
    );
    expect((await cli(["report", "--demo", "--cpu-throttle-weight", "1e1"])).code).toBe(2);
    const json = async (args: string[]) => JSON.parse((await cli(["report", "--demo", "--format", "json", ...args])).stdout);
    expect((await json(["--cpu-percentile", "AUTO"])).policy.cpu.throttleWeight).toBe(3);
    expect((await json(["--cpu-percentile", "97.5%"])).policy.cpu.percentile).toBe(97.5);
  });

  it("report --cpu-throttle-weight 10 keeps more cpu than the default weight on the demo (a spikier choice is never cheaper)", async () => {
    const json = async (args: string[]) => JSON.parse((await cli(["report", "--demo", "--format", "json", ...args])).stdout) as Report;
    const [w3, w10] = [await json(["--cpu-percentile", "auto"]), await json(["--cpu-throttle-weight", "10"])];
    expect(w3.services.map((s) => s.evidence.cpu.choice?.weight)).toContain(3);
    // A larger weight only moves the choice to a percentile with less throttled demand: the same or a higher one.
    const at3 = new Map(w3.services.map((s) => [`${s.cluster}/${s.service}`, s.evidence.cpu.choice?.percentile]));
    let higher = 0;
    for (const s of w10.services) {
      const before = at3.get(`${s.cluster}/${s.service}`);
      if (s.evidence.cpu.choice === undefined || before === undefined) continue;
      expect(s.evidence.cpu.choice.percentile).toBeGreaterThanOrEqual(before);
      if (s.evidence.cpu.choice.percentile > before) higher++;
    }
    expect(higher).toBeGreaterThan(0);
  });

  it("through the advisor: the spiky service at weight 3 keeps its spikes (p95, the first percentile at 50 %: 50 % of 1024 → 512), and says why", () => {
    const policy = resolvePolicy({ cpu: { ...CHOSEN_CPU } });
    const snapshot = spikySnapshot();
    const f = advise({ snapshot, prices: PRICES, policy, generatedAt: snapshot.collectedAt, sourceKind: "snapshot", toolVersion: "test" })
      .services[0]!;
    expect(f.evidence.cpu).toMatchObject({ statistic: "p95 (hottest task)", observedPercent: 50, targetPercent: 100, neededUnits: 512 });
    expect(f.evidence.cpu.choice).toMatchObject({ percentile: 95, weight: 3, throttledPercent: 0 });
    // 2,304 periods, 230 of them at 50 %: idle = 1 − (2,074 × 10 + 230 × 50) ÷ (2,304 × 50) = 72.014 %
    expect(f.evidence.cpu.choice!.idlePercent).toBeCloseTo((1 - 32240 / 115200) * 100, 9);
    expect(f.recommended!.cpu).toBe(512);
    const why = f.reasons.find((r) => r.code === "cpu-overprovisioned")!.message;
    expect(why).toContain(
      "p95 is this service's percentile: sized there over the window, 72% of it would have sat idle and 0% of the demand been above it, the least idle + 3 × throttled",
    );
  });
});

const PRICES = {
  currency: "USD",
  region: "us-east-1",
  source: "test",
  asOf: "-",
  fargate: { linuxX86: { vcpuHour: 0.04048, gbHour: 0.004445 }, linuxArm64: { vcpuHour: 0.03238, gbHour: 0.00356 }, ephemeralGbHour: 0 },
  ec2: {},
} as const;

/** One EC2 service of 1024 units / 2048 MiB, 8 days of 5-minute data: CPU 10 % with every tenth period at 50 %, memory 25 %. */
function spikySnapshot() {
  const n = 8 * 288;
  const startMs = Date.parse("2026-11-01T00:00:00Z");
  const iso = (ms: number) => new Date(ms).toISOString();
  const cpu = Float32Array.from({ length: n }, (_, i) => (i % 10 === 9 ? 50 : 10));
  const mem = new Float32Array(n).fill(25);
  return {
    schemaVersion: 1 as const,
    collectedAt: iso(startMs + n * 300_000),
    source: { kind: "synthetic" as const, region: "us-east-1" },
    window: { start: iso(startMs), end: iso(startMs + n * 300_000), periodSeconds: 300 },
    clusters: [],
    services: [
      {
        cluster: "c",
        name: "spiky",
        launchType: "EC2" as const,
        taskDefinition: "spiky:1",
        desiredCount: 1,
        runningCount: 1,
        deployments: [],
        deploymentHistory: "complete" as const,
        stoppedTasks: [],
        utilization: {
          start: iso(startMs),
          periodSeconds: 300,
          cpuAverage: cpu,
          cpuMaximum: cpu,
          memoryAverage: mem,
          memoryMaximum: mem,
          runningTasks: new Float32Array(n).fill(1),
        },
      },
    ],
    taskDefinitions: [
      {
        family: "spiky",
        revision: 1,
        cpu: 1024,
        memory: 2048,
        cpuArchitecture: "X86_64" as const,
        operatingSystemFamily: "LINUX" as const,
        containers: [{ name: "app" }],
      },
    ],
    containerInstances: [],
    issues: [],
  };
}

describe("a container's cpu under --cpu-percentile auto", () => {
  it("is chosen the task's way from its own usage: 90 periods at 100 units and 10 at 500 → weight 3 keeps the 500 (72 % idle beats 3 × 28.6 %), weight 2 the 100", () => {
    const units = Float32Array.from({ length: 200 }, (_, i) => (i % 10 === 9 ? 500 : 100));
    const memory = new Float32Array(200).fill(300);
    const u = { name: "app", cpuMaximum: units, memoryMaximum: memory };
    expect(observeContainer(u, resolvePolicy({ cpu: { throttleWeight: 3, target: 100 } }))!.cpuUnits).toBe(500);
    expect(observeContainer(u, resolvePolicy({ cpu: { throttleWeight: 2, target: 100 } }))!.cpuUnits).toBe(100);
    // the fixed default: p95 of the same usage (nearest rank 190 of 200: a 500)
    expect(observeContainer(u, DEFAULT_POLICY)!.cpuUnits).toBe(500);
  });
});
