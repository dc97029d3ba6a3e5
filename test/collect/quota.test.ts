// Issue #14: GetMetricData is limited to 50 TPS *and* to 396,000 datapoints a second when StartTime is over
// 3 hours ago (180,000 within 3 hours; aws-facts §4.1, "DPS is computed from estimated data points (time range
// ÷ period)"). The collector paced on TPS only and asked for ~11× the datapoint quota at full speed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiBoundSeconds, Pacer, quotaGroupOf, quotasWith, RateLimiter } from "../../src/collect/aws/limits.js";
import {
  datapointBurst,
  datapointsPerSecondFor,
  planResolution,
  quotaBoundSeconds,
  samplesPerTask,
} from "../../src/collect/aws/metrics.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("a weighted token bucket", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("charges a call its datapoints: 100 a second, two calls of 60 — the second waits for 20 more tokens (0.2 s)", async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter(100, 100, () => Date.now());
    let second = false;
    await limiter.acquire(60);
    const p = limiter.acquire(60).then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(150);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(60);
    await p;
    expect(second).toBe(true);
  });

  it("a cost above the bucket is charged the whole bucket (a call never waits forever)", async () => {
    const limiter = new RateLimiter(10, 10);
    await limiter.acquire(1_000);
  });

  // AWS's datapoint bucket, as the stand-in models it: 150,000 a second, holding a second's worth. Calls of 100,800,
  // 100,800 and 86,400 datapoints paced at 90 % (135,000 a second), the first reaching AWS `delayMs` late: how many
  // does AWS throttle? On a virtual clock, so the answer does not depend on how busy the machine is.
  async function throttledAtAws(burst: number, delayMs: number): Promise<number> {
    vi.useFakeTimers();
    const limiter = new RateLimiter(135_000, burst, () => Date.now());
    const t0 = Date.now();
    const costs = [100_800, 100_800, 86_400];
    const released: number[] = [];
    const all = Promise.all(costs.map((c, i) => limiter.acquire(c).then(() => (released[i] = Date.now() - t0))));
    await vi.runAllTimersAsync();
    await all;
    const arrivals = costs.map((cost, i) => ({ cost, at: released[i]! + (i === 0 ? delayMs : 0) })).sort((a, b) => a.at - b.at);
    let tokens = 150_000;
    let last = 0;
    let throttled = 0;
    for (const { cost, at } of arrivals) {
      tokens = Math.min(150_000, tokens + ((at - last) / 1000) * 150_000);
      last = at;
      if (tokens < cost) throttled++;
      else tokens -= cost;
    }
    return throttled;
  }

  it("a call that reaches AWS up to 0.4 s late does not meet the next one there over AWS's bucket (the bucket: one call, 100,800)", async () => {
    // The second call goes 100,800 ÷ 135,000 = 0.747 s after the first; the first, d late, left AWS 49,200 +
    // (0.747 − d) × 150,000, enough for 100,800 while d ≤ 0.403 s.
    expect(datapointBurst(135_000)).toBe(100_800);
    for (const d of [0, 100, 200, 300, 400]) expect(await throttledAtAws(datapointBurst(135_000), d), `${d} ms late`).toBe(0);
    expect(await throttledAtAws(datapointBurst(135_000), 420)).toBe(1);
    // A bucket of a second's worth (135,000, what main had) sent the second 0.493 s after the first: a call 0.15 s late
    // already met it there over the quota.
    expect(await throttledAtAws(135_000, 100)).toBe(0);
    expect(await throttledAtAws(135_000, 200)).toBe(1);
    expect(await throttledAtAws(135_000, 300)).toBe(1);
  });
});

describe("the datapoint quota", () => {
  const now = Date.parse("2026-11-20T12:00:00Z");
  it("is 90 % of 396,000 a second when StartTime is more than 3 hours ago, of 180,000 within 3 hours", () => {
    expect(datapointsPerSecondFor(now - 14 * DAY, now)).toBe(356_400);
    expect(datapointsPerSecondFor(now - 2 * HOUR, now)).toBe(162_000);
  });

  it("bounds 10,000 services × 14 days of 1-minute data at 42 minutes at the full quota, not 200 s", () => {
    // 10,000 × 5 series × 20,160 points = 1.008e9 datapoints ÷ 396,000 a second = 2,545 s (42.4 min);
    // calls: ⌈50,000 queries ÷ 5 a call (100,800 ÷ 20,160)⌉ = 10,000 calls ÷ 50 TPS = 200 s, the smaller bound.
    const b = quotaBoundSeconds({ services: 10_000, series: 5, points: 20_160, startMs: now - 14 * DAY, nowMs: now, share: 1 });
    expect(b.datapoints).toBe(1_008_000_000);
    expect(b.calls).toBe(10_000);
    expect(b.seconds).toBeCloseTo(2545.45, 1);
    expect(b.limitedBy).toBe("datapoints");
  });
});

describe("the resolution planner", () => {
  const now = Date.parse("2026-11-20T12:00:00Z");
  const plan = (services: number, days: number, budget = 600) =>
    planResolution({ services, lookbackSeconds: days * 86_400, nowMs: now, maxDurationSeconds: budget });

  it("keeps 1-minute data when it fits: 1,000 services × 14 days = 1.008e8 datapoints ÷ 356,400 = 283 s ≤ 600 s", () => {
    const p = plan(1_000, 14);
    expect(p.fetchPeriod).toBe(60);
    expect(p.boundSeconds).toBeCloseTo(282.8, 1);
    expect(p.reason).toBeUndefined();
  });

  it("10,000 services × 14 days: 1-minute data would take 2,828 s at 90 % of the quota; 5-minute data 566 s fits 10 minutes", () => {
    // 10,000 × 5 × 4,032 = 2.016e8 ÷ 356,400 = 565.7 s
    const p = plan(10_000, 14);
    expect(p.fetchPeriod).toBe(300);
    expect(p.boundSeconds).toBeCloseTo(565.66, 1);
    expect(p.reason).toBe(
      "CloudWatch read at 300-second periods, not 60: 10,000 services at 60 s would take about 47 min within GetMetricData's datapoint quota, over the 10 min budget (--max-duration)",
    );
  });

  it("50,000 services × 14 days: hourly data (336 points a series; 84,000,000 ÷ 356,400 = 236 s)", () => {
    const p = plan(50_000, 14);
    expect(p.fetchPeriod).toBe(3600);
    expect(p.boundSeconds).toBeCloseTo(235.7, 1);
  });

  it("never finer than CloudWatch keeps: 30 days starts at 5 minutes", () => {
    expect(plan(10, 30).fetchPeriod).toBe(300);
  });

  it("when describing the task definitions takes longer than the budget anyway, CloudWatch may take as long (issue #14)", () => {
    // 20,000 services, 4 series (a live report): 5-minute data is 20,000 × 4 × 4,032 ÷ 356,400 = 905 s, over
    // 10 minutes — but the 20,000 DescribeTaskDefinition calls take (20,000 − 25) ÷ 18 = 1,110 s whatever
    // CloudWatch does (18.5 min, said as 18), so 5-minute data costs no time and hourly data would only lose detail.
    const floorSeconds = apiBoundSeconds({ "ecs:DescribeTaskDefinition": 20_000 }).seconds;
    expect(floorSeconds).toBeCloseTo(19_975 / 18, 6);
    const p = planResolution({
      services: 20_000,
      series: 4,
      lookbackSeconds: 14 * 86_400,
      nowMs: now,
      maxDurationSeconds: 600,
      floorSeconds,
    });
    expect(p.fetchPeriod).toBe(300);
    expect(p.boundSeconds).toBeCloseTo(905.05, 1);
    expect(p.reason).toBe(
      "CloudWatch read at 300-second periods, not 60: 20,000 services at 60 s would take about 75 min within GetMetricData's datapoint quota, over the 18 min that describing the task definitions takes anyway at ECS's request rate",
    );
    // Without that floor: hourly.
    expect(
      planResolution({ services: 20_000, series: 4, lookbackSeconds: 14 * 86_400, nowMs: now, maxDurationSeconds: 600 }).fetchPeriod,
    ).toBe(3600);
  });

  it("when even hourly data is over the budget it says so and uses hourly", () => {
    const p = plan(50_000, 14, 60);
    expect(p.fetchPeriod).toBe(3600);
    expect(p.reason).toMatch(/over the 1 min budget even at 3600-second periods/);
  });
});

describe("ECS's request buckets and the other APIs' (issue #14)", () => {
  it("every action the collector calls (GetMetricData aside) is in a quota group", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const dir = "src/collect/aws";
    const actions = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts")))
      for (const m of readFileSync(`${dir}/${f}`, "utf8").matchAll(/aws\.call\("([\w-]+:\w+)"/g)) actions.add(m[1]!);
    actions.delete("cloudwatch:GetMetricData"); // paced in metrics.ts on its calls and datapoints
    expect(actions.size).toBeGreaterThan(10);
    for (const a of actions) expect(quotaGroupOf(a), a).toBeDefined();
  });

  it("bounds 1,000 DescribeTaskDefinition calls at (1,000 − 25) ÷ 18 = 54.2 s (half the 50 burst, then 90 % of 20 a second)", () => {
    const b = apiBoundSeconds({ "ecs:DescribeTaskDefinition": 1000 });
    expect(b.group).toBe("ecs-task-definition-read");
    expect(b.seconds).toBeCloseTo(975 / 18, 6);
  });

  it("groups are separate buckets read side by side: the slowest decides; actions of one group share it", () => {
    // service reads: 100 ListServices + 1,000 DescribeServices = 1,100 → (1,100 − 25) ÷ 18 = 59.7 s; task
    // definitions 1,000 → 54.2 s; 20 DescribeClusters fit the burst (0 s).
    const b = apiBoundSeconds(
      new Map([
        ["ecs:ListServices", 100],
        ["ecs:DescribeServices", 1000],
        ["ecs:DescribeTaskDefinition", 1000],
        ["ecs:DescribeClusters", 20],
        ["cloudwatch:GetMetricData", 9999],
      ]),
    );
    expect(b).toEqual({ group: "ecs-service-read", calls: 1100, seconds: 1075 / 18 });
  });

  it("the pacer makes the 26th call of a group wait for the bucket to refill; other groups do not wait", async () => {
    vi.useFakeTimers();
    try {
      const pacer = new Pacer(quotasWith(), 0.9);
      for (let i = 0; i < 25; i++) await pacer.acquire("ecs:DescribeTaskDefinition");
      let waited = true;
      const p = pacer.acquire("ecs:DescribeTaskDefinition").then(() => {
        waited = false;
      });
      await pacer.acquire("ecs:DescribeServices"); // its own bucket: at once
      await vi.advanceTimersByTimeAsync(40);
      expect(waited).toBe(true); // one token at 18 a second takes 55.6 ms
      await vi.advanceTimersByTimeAsync(20);
      await p;
      expect(waited).toBe(false);
      await pacer.acquire("sts:GetCallerIdentity"); // no quota known: not paced
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("task counts under 20-second metrics (issue #14)", () => {
  it("divides by 3 when the last count is nearer 3 × the running tasks, by 1 when nearer the running tasks", () => {
    expect(samplesPerTask([NaN, 12, 12, NaN], 4)).toEqual({ divisor: 3, checked: true });
    expect(samplesPerTask([4, 4, 4], 4)).toEqual({ divisor: 1, checked: true });
    // 3 tasks scaled to 2 in the last minute: 9 samples → 3 tasks, nearer 2 than 9 is.
    expect(samplesPerTask([9], 2)).toEqual({ divisor: 3, checked: true });
  });
  it("assumes 3 when nothing can be compared (no running tasks now, or no recent count)", () => {
    expect(samplesPerTask([6], 0)).toEqual({ divisor: 3, checked: false });
    expect(samplesPerTask([NaN, NaN], 2)).toEqual({ divisor: 3, checked: false });
  });
});

describe("ending a run (issue #14)", () => {
  it("cancel lets every waiter go at once and leaves no timer; later acquires do not wait", async () => {
    const limiter = new RateLimiter(1, 1); // one a second: the third waiter would wait two seconds
    await limiter.acquire();
    const waiting = [limiter.acquire(), limiter.acquire()];
    limiter.cancel();
    await Promise.all(waiting);
    await limiter.acquire();
    const pacer = new Pacer(quotasWith({ "ecs-task-definition-read": { perSecond: 1, burst: 1 } }), 1);
    await pacer.acquire("ecs:DescribeTaskDefinition");
    const queued = pacer.acquire("ecs:DescribeTaskDefinition");
    pacer.cancel();
    await queued;
  });
});
