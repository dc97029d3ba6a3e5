// Issue #14: GetMetricData is limited to 50 TPS *and* to 396,000 datapoints a second when StartTime is over
// 3 hours ago (180,000 within 3 hours; aws-facts §4.1, "DPS is computed from estimated data points (time range
// ÷ period)"). The collector paced on TPS only and asked for ~11× the datapoint quota at full speed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { RateLimiter } from "../../src/collect/aws/limits.js";
import { datapointsPerSecondFor, planResolution, quotaBoundSeconds } from "../../src/collect/aws/metrics.js";

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

  it("when even hourly data is over the budget it says so and uses hourly", () => {
    const p = plan(50_000, 14, 60);
    expect(p.fetchPeriod).toBe(3600);
    expect(p.reason).toMatch(/over the 1 min budget even at 3600-second periods/);
  });
});
