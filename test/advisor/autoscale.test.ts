// Autoscaling advice on hand-built histories: 14 days of 5-minute periods starting at midnight UTC, with
// task counts and average CPU chosen so every figure can be worked out on paper.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { autoscalingAdvice, type AutoscaleInput } from "../../src/advisor/autoscale.js";
import type { History } from "../../src/advisor/history.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import type { Autoscaling } from "../../src/model/snapshot.js";
import { END, HOUR, PERIOD, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";
import { makeHistory } from "../helpers/history.js";

const DAYS = 14;
const N = (DAYS * 24 * 3600) / PERIOD;
const START = END - DAYS * 24 * HOUR; // midnight UTC
const hourOf = (i: number) => Math.floor((i * PERIOD) / 3600) % 24;

function history(tasks: (i: number) => number, cpuAverage: (i: number) => number): History {
  return makeHistory({
    startMs: START,
    periodSeconds: PERIOD,
    length: N,
    cpuAverage,
    cpuMaximum: (i) => cpuAverage(i) * 1.1,
    memoryAverage: () => 40,
    memoryMaximum: () => 45,
    runningTasks: tasks,
  });
}

// Fargate 1 vCPU / 2 GB: 0.04048 + 2 × 0.004445 = $0.04937 a task-hour → × 730 = $36.0401 a task-month.
const TASK_MONTH = 0.04937 * 730;

function input(h: History, autoscaling: Autoscaling | undefined, averageTasks: number): AutoscaleInput {
  return {
    history: h,
    autoscaling,
    currentCpu: 1024,
    sizedCpu: 1024,
    hourlyPerTask: 0.04937,
    averageTasks,
    dataHours: DAYS * 24,
    policy: DEFAULT_POLICY,
  };
}
const cpuPolicy = (target: number) => ({
  name: "cpu",
  type: "TargetTrackingScaling" as const,
  targetTracking: { metric: "ECSServiceAverageCPUUtilization", targetValue: target },
});

describe("a fixed count with a daily swing", () => {
  // 4 tasks of 1024 cpu. 09:00–17:00 UTC average CPU 60 %, otherwise 12 %.
  //   busy: 4 × 60 % × 1024 = 2457.6 units; quiet: 4 × 12 % × 1024 = 491.52
  //   at a 60 % target one task holds 614.4 → busy needs 4, quiet needs 0.8 → 1
  //   swing 2457.6 / 491.52 = 5.0, busy for 8 hours in a row
  //   min = max(2, 1) = 2; max = max(4, ceil(4 × 1.25)) = 5
  //   each day: 8 hours × 4 + 16 hours × 2 = 64 task-hours → 2.667 on average instead of 4
  //   saves 1.333 tasks × $36.0401 = $48.0535/mo
  const h = history(
    () => 4,
    (i) => (hourOf(i) >= 9 && hourOf(i) < 17 ? 60 : 12),
  );
  const a = autoscalingAdvice(input(h, undefined, 4))!;

  it("proposes target tracking with min, max and target", () => {
    expect(a.action).toBe("propose-target-tracking");
    expect(a.proposed).toEqual({ metric: "ECSServiceAverageCPUUtilization", targetValue: 60, minCapacity: 2, maxCapacity: 5 });
    expect(a.current).toBeNull();
  });

  it("shows its working and the dollars", () => {
    expect(a.evidence).toMatchObject({ peakTasksNeeded: 4, troughTasksNeeded: 1, averageTasksNow: 4 });
    expect(a.evidence.dailySwing).toBeCloseTo(5, 9);
    expect(a.evidence.averageTasksProposed).toBeCloseTo(64 / 24, 9);
    expect(a.savingsMonthlyUsd).toBeCloseTo((4 / 3) * TASK_MONTH, 6);
    expect(a.savingsMonthlyUsd).toBeCloseTo(48.0535, 3);
    expect(a.message).toContain("5.0×");
    expect(a.message).toContain("8 hours in a row");
  });
});

describe("no proposal", () => {
  it("for a flat load", () => {
    expect(
      autoscalingAdvice(
        input(
          history(
            () => 4,
            () => 30,
          ),
          undefined,
          4,
        ),
      ),
    ).toBeNull();
  });
  it("for a batch spike: one busy hour a day is not a daily cycle", () => {
    const h = history(
      () => 4,
      (i) => (hourOf(i) === 2 ? 90 : 5),
    );
    expect(autoscalingAdvice(input(h, undefined, 4))).toBeNull();
  });
  it("for two tasks: the minimum of two leaves nothing to save", () => {
    const h = history(
      () => 2,
      (i) => (hourOf(i) >= 9 && hourOf(i) < 17 ? 60 : 10),
    );
    expect(autoscalingAdvice(input(h, undefined, 2))).toBeNull();
  });
  it("with less than three days of data", () => {
    const h = history(
      () => 4,
      (i) => (hourOf(i) >= 9 && hourOf(i) < 17 ? 60 : 12),
    );
    expect(autoscalingAdvice({ ...input(h, undefined, 4), dataHours: 48 })).toBeNull();
  });
});

describe("an autoscaled service pinned at its maximum", () => {
  // min 2, max 6, CPU target 70 %; 6 tasks all the time at 90 % average CPU.
  //   busy 6 × 90 % × 1024 = 5529.6; one task holds 1024 × 70 % = 716.8 → needs 7.71 → 8
  //   new max = max(6 + 1, ceil(8 × 1.25)) = 10; each period runs min(10, 8) − 6 = 2 more tasks
  //   cost: 2 × $36.0401 = $72.0802/mo
  const a = autoscalingAdvice(
    input(
      history(
        () => 6,
        () => 90,
      ),
      { minCapacity: 2, maxCapacity: 6, policies: [cpuPolicy(70)] },
      6,
    ),
  )!;
  it("says raise the maximum, and what it costs", () => {
    expect(a.action).toBe("raise-max");
    expect(a.proposed).toEqual({ metric: "ECSServiceAverageCPUUtilization", targetValue: 70, minCapacity: 2, maxCapacity: 10 });
    expect(a.evidence.hoursAtMaxPercent).toBe(100);
    expect(a.evidence.peakTasksNeeded).toBe(8);
    expect(a.savingsMonthlyUsd).toBeCloseTo(-2 * TASK_MONTH, 6);
  });
});

describe("an autoscaled service idling at its minimum", () => {
  // min 5, max 10 on a queue-depth metric; 5 tasks all the time at 10 % average CPU.
  //   busy 5 × 10 % × 1024 = 512 → at 60 %, ceil(512 / 614.4) = 1 task; floor 2 → min 2
  //   5 − 2 = 3 tasks fewer all the time: 3 × $36.0401 = $108.1203/mo
  const a = autoscalingAdvice(
    input(
      history(
        () => 5,
        () => 10,
      ),
      {
        minCapacity: 5,
        maxCapacity: 10,
        policies: [
          {
            name: "backlog",
            type: "TargetTrackingScaling",
            targetTracking: { metric: "ApproximateNumberOfMessagesVisible", targetValue: 100 },
          },
        ],
      },
      5,
    ),
  )!;
  it("says lower the minimum, keeping the policy", () => {
    expect(a.action).toBe("lower-min");
    expect(a.proposed).toEqual({ metric: "ApproximateNumberOfMessagesVisible", targetValue: 100, minCapacity: 2, maxCapacity: 10 });
    expect(a.evidence.hoursAtMinPercent).toBe(100);
    expect(a.savingsMonthlyUsd).toBeCloseTo(3 * TASK_MONTH, 6);
    expect(a.message).toContain("using 10%");
  });
});

describe("a CPU target set low", () => {
  // Target 30 %, min 1, max 20; 8 tasks at 30 %. At 60 %: ceil(8 × 30 / 60) = 4 tasks → 4 fewer.
  const a = autoscalingAdvice(
    input(
      history(
        () => 8,
        () => 30,
      ),
      { minCapacity: 1, maxCapacity: 20, policies: [cpuPolicy(30)] },
      8,
    ),
  )!;
  it("says raise the target", () => {
    expect(a.action).toBe("raise-target");
    expect(a.proposed).toMatchObject({ targetValue: 60, minCapacity: 1, maxCapacity: 20 });
    expect(a.savingsMonthlyUsd).toBeCloseTo(4 * TASK_MONTH, 6);
  });
});

describe("an autoscaled service that fits its range", () => {
  it("is ok, with the time spent at each bound", () => {
    // 2 tasks at night, 6 by day (09–17), CPU held at 60 %: at the maximum 8 of 24 hours.
    const h = history(
      (i) => (hourOf(i) >= 9 && hourOf(i) < 17 ? 6 : 2),
      () => 60,
    );
    const a = autoscalingAdvice(input(h, { minCapacity: 2, maxCapacity: 10, policies: [cpuPolicy(60)] }, 10 / 3))!;
    expect(a.action).toBe("ok");
    expect(a.evidence.hoursAtMinPercent).toBeCloseTo((16 / 24) * 100, 9);
    expect(a.evidence.hoursAtMaxPercent).toBe(0);
    expect(a.savingsMonthlyUsd).toBe(0);
  });
});

describe("through advise()", () => {
  it("a capped service is a risk; a proposal is information with its dollars in the totals", () => {
    const r = advise({
      snapshot: snapshot({
        services: [
          service("capped", {
            desiredCount: 6,
            runningCount: 6,
            autoscaling: { minCapacity: 2, maxCapacity: 6, policies: [cpuPolicy(70)] },
            utilization: util({ cpu: 95, memory: 50, tasks: 6, averageRatio: 90 / 95 }),
          }),
        ],
        taskDefinitions: [taskDef("capped:1", { cpu: 1024, memory: 2048 })],
      }),
      prices: snapshot({ services: [], taskDefinitions: [] }).prices!,
      policy: DEFAULT_POLICY,
      generatedAt: iso(END),
      sourceKind: "snapshot",
      toolVersion: "test",
    });
    const f = r.services[0]!;
    expect(f.autoscaling?.action).toBe("raise-max");
    expect(f.reasons.find((x) => x.code === "autoscaling-capped")?.severity).toBe("risk");
    expect(r.totals.risks).toBe(1);
    expect(r.totals.autoscalingSavingsMonthlyUsd).toBeCloseTo(f.autoscaling!.savingsMonthlyUsd!, 9);
  });
});
