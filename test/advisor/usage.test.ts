// The usage series charts draw: the window in at most 168 buckets, the hottest task's largest value in
// each, the mean running tasks.
import { describe, expect, it } from "vitest";
import type { History } from "../../src/advisor/history.js";
import { USAGE_POINTS, usageOf } from "../../src/advisor/usage.js";
import { demoReport } from "../helpers/demo-report.js";
import { makeHistory } from "../helpers/history.js";

function history(n: number, f: (i: number) => number, periodSeconds = 300): History {
  return makeHistory({
    startMs: Date.parse("2026-11-02T00:00:00Z"),
    periodSeconds,
    length: n,
    cpuMaximum: f,
    memoryMaximum: (i) => f(i) / 2,
    runningTasks: (i) => (i % 2 === 0 ? 2 : 3),
  });
}

describe("usageOf", () => {
  it("14 days of 5-minute data (4,032 periods) become 168 two-hour buckets of the largest value", () => {
    // factor = ceil(4032 / 168) = 24 periods = 7,200 s; bucket 0 holds periods 0–23, whose largest is 23 % 50 = 23.
    const u = usageOf(history(4032, (i) => i % 50));
    expect(u.periodSeconds).toBe(7200);
    expect(u.cpuPercent).toHaveLength(USAGE_POINTS);
    expect(u.cpuPercent[0]).toBe(23);
    expect(u.cpuPercent[1]).toBe(47); // periods 24–47
    expect(u.memoryPercent[0]).toBe(11.5);
    expect(u.tasks[0]).toBe(2.5); // mean of 2, 3, 2, 3 …
    expect(u.start).toBe("2026-11-02T00:00:00Z");
  });

  it("short windows keep every period; missing periods are missing (null in JSON), not zero", () => {
    const u = usageOf(history(12, (i) => (i < 6 ? Number.NaN : 40.04)));
    expect(u.periodSeconds).toBe(300);
    expect(u.cpuPercent).toEqual([NaN, NaN, NaN, NaN, NaN, NaN, 40, 40, 40, 40, 40, 40]);
    // NaN in memory (unboxed numbers), null in the published JSON.
    expect(JSON.stringify(u.cpuPercent.slice(5, 7))).toBe("[null,40]");
  });

  it("the demo report carries it for every service with metrics", () => {
    const r = demoReport();
    for (const s of r.services) {
      if (s.evidence.points === 0) expect(s.usage).toBeNull();
      else expect(s.usage!.cpuPercent.length).toBeLessThanOrEqual(USAGE_POINTS);
    }
  });
});
