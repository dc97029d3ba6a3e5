// Issue #13, "right-sizing that sees short bursts": a job that runs 1 h a day is busy 4 % of the time, so p95
// of the hottest task looks straight past it. Found on main: etl-nightly cut to 1 h/day was advised
// 4096 → a few hundred cpu units at high confidence while each run needs ~3,000+.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { detectBurst } from "../../src/advisor/bursts.js";
import { DEFAULT_POLICY, resolvePolicy } from "../../src/advisor/policy.js";
import type { ServiceFinding } from "../../src/model/report.js";
import type { Snapshot, Utilization } from "../../src/model/snapshot.js";
import { END, HOUR, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

function one(s: Snapshot, policy = DEFAULT_POLICY): ServiceFinding {
  const r = advise({
    snapshot: s,
    prices: s.prices!,
    policy,
    generatedAt: iso(END),
    sourceKind: "snapshot",
    toolVersion: "t",
  });
  return r.services[0]!;
}
const burstReason = (f: ServiceFinding) => f.reasons.find((r) => r.code === "recurring-burst");

/** `hours` of `period`-second data ending at END, cpu and memory as functions of the period's start time. */
function series(period: number, hours: number, cpu: (ms: number) => number, memory: (ms: number) => number): Utilization {
  const n = (hours * 3600) / period;
  const start = END - n * period * 1000;
  const at = (f: (ms: number) => number) => Float32Array.from({ length: n }, (_, i) => f(start + i * period * 1000));
  return {
    start: iso(start),
    periodSeconds: period,
    cpuMaximum: at(cpu),
    cpuAverage: at(cpu),
    memoryMaximum: at(memory),
    memoryAverage: at(memory),
    runningTasks: at(() => 1),
  };
}
const hourOf = (ms: number) => new Date(ms).getUTCHours();
const minuteOf = (ms: number) => new Date(ms).getUTCMinutes();

describe("a nightly job of one hour (etl-nightly shortened to 1 h a day)", () => {
  // 4096 / 8192, one task, 14 days of 5-minute data: CPU 68 % from 01:00 to 02:00 UTC, 2 % otherwise.
  //   p95 sees 2 % (the job is 12 of 288 periods a day, 4.2 %) → 4096 × 2 % ÷ 80 % = 102.4 units.
  //   The runs use 4096 × 68 % = 2,785.28 units; at the 80 % target they need 2,785.28 ÷ 0.8 = 3,481.6.
  const nightly = (onEc2: boolean) =>
    snapshot({
      services: [
        service("etl-nightly", {
          ...(onEc2 ? { launchType: "EC2" as const } : {}),
          desiredCount: 1,
          runningCount: 1,
          utilization: series(
            300,
            14 * 24,
            (ms) => (hourOf(ms) === 1 ? 68 : 2),
            (ms) => (hourOf(ms) === 1 ? 64 : 9),
          ),
        }),
      ],
      taskDefinitions: [taskDef("etl-nightly:1", { cpu: 4096, memory: 8192 })],
      ...(onEc2
        ? {
            containerInstances: [
              {
                cluster: "c1",
                id: "ci-1",
                instanceType: "m5.xlarge",
                status: "ACTIVE",
                agentConnected: true,
                registered: { cpu: 4096, memory: 16000 },
                remaining: { cpu: 0, memory: 7808 },
              },
            ],
          }
        : {}),
    });

  it("on EC2 sizes cpu to cover the runs: 4096 × 68 % ÷ 80 % = 3,481.6 → 3482, not p95's 103", () => {
    const f = one(nightly(true));
    expect(f.evidence.cpu.statistic).toBe("daily burst (hottest task)");
    expect(f.evidence.cpu.observedPercent).toBe(68);
    expect(f.evidence.cpu.neededUnits).toBeCloseTo(3481.6, 6);
    expect(f.recommended?.cpu).toBe(3482);
    expect(f.recommended!.cpu).toBeGreaterThanOrEqual(3158);
  });

  it("--cpu-percentile auto: p50–p95 are 2 %, p97 up 68 %; sized at 2 % costs w × (12 × 66) ÷ 1,368 = 0.579 w, at 68 % 1 − 1,368 ÷ (288 × 68) = 0.930", () => {
    // weight 3: 1.737 > 0.930 → p97, the runs kept: 4096 × 68 % at 100 % = 2,785.28 → 2786
    const w3 = one(nightly(true), resolvePolicy({ cpu: { throttleWeight: 3, target: 100 } }));
    expect(w3.evidence.cpu).toMatchObject({ statistic: "p97 (hottest task)", observedPercent: 68, targetPercent: 100 });
    expect(w3.recommended!.cpu).toBe(2786);
    expect(burstReason(w3)!.message).toContain("p97 (hottest task) (68%) already covers them");
    // weight 1.5: 0.868 < 0.930 → p50, 2 % → 81.92 → the 128 floor; the bursts are reported as throttled, not sized for
    const w15 = one(nightly(true), resolvePolicy({ cpu: { throttleWeight: 1.5, target: 100 } }));
    expect(w15.evidence.cpu).toMatchObject({ statistic: "p50 (hottest task)", observedPercent: 2 });
    expect(w15.evidence.cpu.burst).toMatchObject({ sized: false, levelPercent: 68 });
    expect(w15.recommended!.cpu).toBe(128);
    expect(w15.evidence.cpu.choice!.throttledPercent).toBeCloseTo((792 / 1368) * 100, 3);
    expect(burstReason(w15)!.message).toContain(
      "p50 (hottest task) is 2%, below the bursts: they run throttled at that size (58% of the window's demand is above it)",
    );
  });

  it("with burst handling off (a knob of the quality benchmark's sweep) it is p95's 102.4 → 128, the floor, and says nothing of a burst", () => {
    const f = one(nightly(true), resolvePolicy({ cpu: { bursts: false } }));
    expect(f.evidence.cpu.statistic).toBe("p95 (hottest task)");
    expect(f.evidence.cpu.neededUnits).toBeCloseTo(102.4, 6);
    expect(f.recommended?.cpu).toBe(128);
    expect(burstReason(f)).toBeUndefined();
  });

  it("on Fargate keeps 4 vCPU / 8 GB (the smallest size with 3,481.6 units; 4 vCPU starts at 8 GB)", () => {
    const f = one(nightly(false));
    expect(f.recommended).toMatchObject({ cpu: 4096, memory: 8192 });
    expect(f.action).toBe("keep");
  });

  it("says what, when, how long, and where the burst belongs", () => {
    const f = one(nightly(true));
    expect(f.evidence.cpu.burst).toEqual({
      cadence: "daily",
      levelPercent: 68,
      baselinePercent: 2,
      cycles: 14,
      burstCycles: 14,
      minutes: 60,
      perCycle: 1,
      startsAt: 1,
      sized: true,
    });
    const r = burstReason(f)!;
    expect(r.severity).toBe("info");
    expect(r.message).toContain(
      "CPU bursts to 68% (2785 units) every day at about 01:00 UTC for about 60 minutes (14 of 14 days), from a usual 2%",
    );
    expect(r.message).toContain("p95 (hottest task) is 2%, below the bursts, so cpu is sized to cover them");
    // Outside the runs: 4096 × 2 % ÷ 80 % = 102.4 units.
    expect(r.message).toContain(
      "Outside the bursts it needs about 102 units: run the job as a scheduled task (EventBridge Scheduler → RunTask)",
    );
  });

  it("the confidence stays what the data gives (14 days: high) because nothing is cut below the runs", () => {
    expect(one(nightly(true)).confidence).toBe("high");
  });
});

describe("an hourly cron of ten minutes", () => {
  // 1024 / 2048, 3 days of 5-minute data: 70 % in the first 10 minutes of every hour, 5 % otherwise.
  //   2 of 12 periods an hour (16.7 %) are in the burst, so p95 = 70 % already covers it:
  //   need = 1024 × 70 % ÷ 80 % = 896 units.
  const cron = snapshot({
    services: [
      service("cron", {
        desiredCount: 1,
        runningCount: 1,
        utilization: series(
          300,
          72,
          (ms) => (minuteOf(ms) < 10 ? 70 : 5),
          () => 30,
        ),
      }),
    ],
    taskDefinitions: [taskDef("cron:1", { cpu: 1024, memory: 2048 })],
  });

  it("is found as hourly, at :00, ten minutes long, and p95 already covers it", () => {
    const f = one(cron);
    expect(f.evidence.cpu.burst).toMatchObject({ cadence: "hourly", startsAt: 0, minutes: 10, cycles: 72, burstCycles: 72, sized: false });
    expect(f.evidence.cpu.statistic).toBe("p95 (hottest task)");
    expect(f.evidence.cpu.neededUnits).toBeCloseTo(896, 6);
    expect(f.recommended!.cpu).toBeGreaterThanOrEqual(896);
    expect(burstReason(f)!.message).toContain("every hour at about :00 for about 10 minutes (72 of 72 hours)");
    expect(burstReason(f)!.message).toContain("p95 (hottest task) (70%) already covers them");
  });

  it("at 1-minute resolution a 3-minute hourly burst (5 % of the time) is missed by p95 and covered", () => {
    // 3 of 60 minutes = 5 %: nearest-rank p95 of 4,320 points is the 4,104th value — a quiet one (5 %).
    //   burst need = 1024 × 90 % ÷ 80 % = 1,152 units → Fargate 2 vCPU.
    const f = one(
      snapshot({
        services: [
          service("cron", {
            desiredCount: 1,
            runningCount: 1,
            utilization: series(
              60,
              72,
              (ms) => (minuteOf(ms) >= 30 && minuteOf(ms) < 33 ? 90 : 5),
              () => 30,
            ),
          }),
        ],
        taskDefinitions: [taskDef("cron:1", { cpu: 1024, memory: 2048 })],
      }),
    );
    expect(f.evidence.cpu.burst).toMatchObject({ cadence: "hourly", startsAt: 30, minutes: 3, sized: true });
    expect(f.evidence.cpu.neededUnits).toBeCloseTo(1152, 6);
    expect(f.recommended!.cpu).toBe(2048);
  });
});

describe("what is not a burst", () => {
  const detect = (cpu: (i: number, ms: number) => number, hours = 14 * 24, period = 300) => {
    const n = (hours * 3600) / period;
    const startMs = END - n * period * 1000;
    const values = Float64Array.from({ length: n }, (_, i) => cpu(i, startMs + i * period * 1000));
    return detectBurst({ startMs, periodSeconds: period, length: n }, values, 95);
  };

  it("a working day (busy 8 hours of 24) is the service's load, not a burst", () => {
    expect(detect((_, ms) => (hourOf(ms) >= 9 && hourOf(ms) < 17 ? 60 : 5))).toBeUndefined();
  });
  it("a flat service with noise has none", () => {
    expect(detect((i) => 20 + ((i * 7919) % 13))).toBeUndefined();
  });
  it("a peak on two days of fourteen does not recur", () => {
    expect(detect((_, ms) => (hourOf(ms) === 3 && [2, 9].includes(new Date(ms).getUTCDate() % 14) ? 80 : 5))).toBeUndefined();
  });
  it("peaks only a little above the usual level are not far enough", () => {
    // usual 30 %, peaks 50 %: under 2 × 30 % = 60 %.
    expect(detect((_, ms) => (hourOf(ms) === 1 ? 50 : 30))).toBeUndefined();
  });
  it("too few days: two days of a nightly job are not yet recurring", () => {
    expect(detect((_, ms) => (hourOf(ms) === 1 ? 68 : 2), 48)).toBeUndefined();
    expect(detect((_, ms) => (hourOf(ms) === 1 ? 68 : 2), 72)).toMatchObject({ cadence: "daily", cycles: 3 });
  });
});

describe("a series the collector folded coarser", () => {
  it("finds the burst from the hourly peaks and the exact quantiles, and cannot tell its length", () => {
    // 14 days folded to 1 h: the peak of hour 01 is 68 %, every other hour 2 %; exact p50 and p75 are 2 %.
    const n = 14 * 24;
    const startMs = END - n * HOUR;
    const values = Float64Array.from({ length: n }, (_, i) => (hourOf(startMs + i * HOUR) === 1 ? 68 : 2));
    const exact = (p: number) => ({ 50: 2, 75: 2, 95: 2 })[p as 50 | 75 | 95];
    const b = detectBurst({ startMs, periodSeconds: 3600, length: n }, values, 95, exact);
    expect(b).toMatchObject({ cadence: "daily", levelPercent: 68, minutes: null, startsAt: null, outsidePercent: null });
  });
});

describe("the demo's utilization helper still behaves", () => {
  it("a flat series has no burst", () => {
    const u = util({ cpu: 10, memory: 20 });
    const n = u.cpuMaximum.length;
    expect(detectBurst({ startMs: Date.parse(u.start), periodSeconds: 300, length: n }, u.cpuMaximum, 95)).toBeUndefined();
  });
});

describe("on the demo fleet", () => {
  it("finds the three batch jobs' bursts and none in the services with a working-day curve", async () => {
    const { demoReport } = await import("../helpers/demo-report.js");
    const found = demoReport()
      .services.filter((s) => s.evidence.cpu.burst)
      .map((s) => [s.service, s.evidence.cpu.burst!.cadence, s.evidence.cpu.burst!.minutes, s.evidence.cpu.burst!.perCycle]);
    // etl-nightly runs 01:00–03:00 UTC, reports-batch 30 minutes every 6 hours, billing-cron the first 10 minutes of every hour.
    expect(found.sort()).toEqual([
      ["billing-cron", "hourly", 10, 1],
      ["etl-nightly", "daily", 120, 1],
      ["reports-batch", "daily", 30, 4],
    ]);
  });
});
