import { describe, expect, it } from "vitest";
import { leakEvidence, oomEvidence, targetTracking, trackedResource } from "../../src/advisor/signals.js";

const PERIOD = 300;
const perHour = 3600 / PERIOD; // 12 points an hour
const opts = { minSegmentHours: 24, minRisePercent: 10, minR2: 0.6 };

describe("memory leak detection", () => {
  it("a sawtooth that climbs 0.5 %/h and is reset by each of four deployments is a leak", () => {
    // 4 stretches of 72 h: 20 % → 56 % each; deployments at 72 h, 144 h, 216 h
    const n = 288 * perHour;
    const mem = Float32Array.from({ length: n }, (_, i) => 20 + 0.5 * ((i % (72 * perHour)) / perHour));
    const cuts = [72, 144, 216].map((h) => h * perHour);
    const e = leakEvidence(mem, PERIOD, cuts, opts);
    expect(e.suspected).toBe(true);
    expect(e.segments).toHaveLength(4);
    expect(e.percentPerHour).toBeCloseTo(0.5, 6);
    // from ~20 % to 100 % at 0.5 %/h = 160 h
    expect(e.hoursToLimit).toBeCloseTo(160, 0);
  });

  it("finds the restarts by itself when no deployment is recorded", () => {
    const n = 288 * perHour;
    const mem = Float32Array.from({ length: n }, (_, i) => 20 + 0.5 * ((i % (72 * perHour)) / perHour));
    expect(leakEvidence(mem, PERIOD, [], opts).suspected).toBe(true);
  });

  it("a daily cycle is not a leak", () => {
    const n = 14 * 24 * perHour;
    const mem = Float32Array.from({ length: n }, (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / (24 * perHour)));
    expect(leakEvidence(mem, PERIOD, [], opts).suspected).toBe(false);
  });

  it("flat memory is not a leak, nor is a single step up", () => {
    const n = 14 * 24 * perHour;
    expect(leakEvidence(new Float32Array(n).fill(40), PERIOD, [], opts).suspected).toBe(false);
  });

  it("growth below the threshold (5 points over 3 days) is not called a leak", () => {
    const n = 288 * perHour;
    const mem = Float32Array.from({ length: n }, (_, i) => 40 + (5 / 72) * ((i % (72 * perHour)) / perHour));
    expect(
      leakEvidence(
        mem,
        PERIOD,
        [72, 144, 216].map((h) => h * perHour),
        opts,
      ).suspected,
    ).toBe(false);
  });
});

describe("OOM kills", () => {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 10, h)).toISOString();
  const from = Date.UTC(2026, 10, 1);
  const to = Date.UTC(2026, 10, 16);

  it("counts stops whose reason names OutOfMemoryError, not exit code 137 alone", () => {
    const e = oomEvidence(
      [
        { stoppedAt: at(1), stoppedReason: "OutOfMemoryError: Container killed due to memory usage", containers: [] },
        {
          stoppedAt: at(2),
          containers: [{ name: "app", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }],
        },
        { stoppedAt: at(3), stoppedReason: "Scaling activity", containers: [{ name: "app", exitCode: 137 }] },
        { stoppedAt: at(4), stoppedReason: "Essential container in task exited", containers: [{ name: "app", exitCode: 1 }] },
      ],
      from,
      to,
    );
    expect(e).toEqual({ kills: 2, possible: 1, lastKillAt: at(2) });
  });

  it("ignores stops outside the window", () => {
    const e = oomEvidence([{ stoppedAt: "2026-10-01T00:00:00Z", stoppedReason: "OutOfMemoryError", containers: [] }], from, to);
    expect(e.kills).toBe(0);
  });
});

describe("autoscaling", () => {
  it.each([
    ["ECSServiceAverageCPUUtilization", "cpu"],
    ["ECSServiceAverageCPUUtilizationHighResolution", "cpu"],
    ["ECSServiceAverageMemoryUtilization", "memory"],
    ["ALBRequestCountPerTarget", "requests"],
    ["ApproximateNumberOfMessagesVisible", "other"],
  ])("%s tracks %s", (metric, resource) => expect(trackedResource(metric)).toBe(resource));

  it("only target-tracking policies hold a resource at a target", () => {
    const t = targetTracking({
      minCapacity: 1,
      maxCapacity: 4,
      policies: [
        { name: "step", type: "StepScaling" },
        { name: "mem", type: "TargetTrackingScaling", targetTracking: { metric: "ECSServiceAverageMemoryUtilization", targetValue: 75 } },
      ],
    });
    expect([...t.entries()]).toEqual([["memory", 75]]);
  });
});
