// Autoscaling advice for one service, from its task count and average CPU over the window.
// Demand is counted in busy cpu units (running tasks × average CPU × task cpu), so it does not depend on
// how many tasks happened to share it; "tasks needed" is that demand over what one task holds at the
// target. Target tracking on ECSServiceAverageCPUUtilization follows the same average (aws-facts §9).
import type { AutoscalingAdvice } from "../model/report.js";
import type { Autoscaling } from "../model/snapshot.js";
import { fmtCpu, fmtPct, fmtUsd, plural } from "../model/format.js";
import { HOURS_PER_MONTH } from "../model/units.js";
import type { History } from "./history.js";
import type { Policy } from "./policy.js";
import { trackedResource } from "./signals.js";
import { percentile } from "./stats.js";

export interface AutoscaleInput {
  history: History;
  autoscaling: Autoscaling | undefined;
  /** cpu units the history's percentages are of (the current allocation). */
  currentCpu: number;
  /** cpu units of the task size to count demand in: the recommended size, else the current one. */
  sizedCpu: number;
  /** USD per task-hour at that size (undefined: no price). */
  hourlyPerTask: number | undefined;
  /** Average running tasks over the window. */
  averageTasks: number;
  dataHours: number;
  policy: Policy;
}

const HOUR_MS = 3_600_000;
const EPS = 1e-6;

interface Hours {
  /** Busiest period's busy cpu units in each clock hour with data. */
  busy: Float64Array;
  hourOfDay: Uint8Array;
}

let peakScratch = new Float64Array(1024);

/**
 * The busiest period of each clock hour (UTC): target tracking scales in slowly, so an hour runs for its
 * peak. Busy cpu units = running tasks × average CPU % × task cpu ÷ 100; periods missing either are skipped.
 */
function hourly(h: History, cpu: number): Hours {
  const tasks = h.runningTasks;
  const avg = h.cpuAverage;
  const unit = cpu / 100;
  const n = h.length;
  const first = Math.floor(h.startMs / HOUR_MS);
  const step = h.periodSeconds * 1000;
  const offset = h.startMs - first * HOUR_MS; // ms into the first hour
  const span = Math.floor((offset + Math.max(0, n - 1) * step) / HOUR_MS) + 1;
  if (peakScratch.length < span) peakScratch = new Float64Array(span * 2);
  const peak = peakScratch;
  peak.fill(-1, 0, span); // busy is never negative: -1 marks an hour with no data
  if (HOUR_MS % step === 0 && offset % step === 0) {
    const per = HOUR_MS / step;
    const o = offset / step;
    for (let i = 0; i < n; i++) {
      const b = tasks[i]! * avg[i]! * unit;
      const k = ((i + o) / per) | 0;
      if (b > peak[k]!) peak[k] = b; // false for NaN
    }
  } else {
    let k = 0;
    let boundary = HOUR_MS;
    let t = offset;
    for (let i = 0; i < n; i++, t += step) {
      while (t >= boundary) {
        k++;
        boundary += HOUR_MS;
      }
      const b = tasks[i]! * avg[i]! * unit;
      if (b > peak[k]!) peak[k] = b;
    }
  }
  let count = 0;
  for (let j = 0; j < span; j++) if (peak[j]! >= 0) count++;
  const out: Hours = { busy: new Float64Array(count), hourOfDay: new Uint8Array(count) };
  for (let j = 0, m = 0; j < span; j++) {
    if (peak[j]! < 0) continue;
    out.busy[m] = peak[j]!;
    out.hourOfDay[m++] = (first + j) % 24;
  }
  return out;
}

/** Mean busiest-period demand for each hour of the day (NaN for hours never seen). */
function dailyProfile(hours: Hours): number[] {
  const sum = new Array<number>(24).fill(0);
  const n = new Array<number>(24).fill(0);
  for (let j = 0; j < hours.busy.length; j++) {
    sum[hours.hourOfDay[j]!]! += hours.busy[j]!;
    n[hours.hourOfDay[j]!]! += 1;
  }
  return sum.map((s, i) => (n[i]! > 0 ? s / n[i]! : Number.NaN));
}

/** Longest run of hours of the day (wrapping past midnight) at or above `level`. */
function longestRunAbove(profile: readonly number[], level: number): number {
  const above = profile.map((v) => !Number.isNaN(v) && v >= level);
  if (above.every(Boolean)) return 24;
  let best = 0;
  let run = 0;
  for (let k = 0; k < 48; k++) {
    if (above[k % 24]) best = Math.max(best, ++run);
    else run = 0;
  }
  return Math.min(best, 24);
}

const describePolicies = (a: Autoscaling): string[] =>
  a.policies.map((p) =>
    p.targetTracking
      ? `target tracking ${p.targetTracking.metric} at ${p.targetTracking.targetValue}`
      : p.type === "StepScaling"
        ? `step scaling ${p.name}`
        : `predictive scaling ${p.name}`,
  );

export function autoscalingAdvice(input: AutoscaleInput): AutoscalingAdvice | null {
  const { history, autoscaling, policy } = input;
  const ap = policy.autoscaling;
  if (input.dataHours < policy.mediumConfidenceHours) return null; // a daily pattern needs days
  const hours = hourly(history, input.currentCpu);
  if (hours.busy.length === 0) return null;

  const autoscaled = !!autoscaling && autoscaling.policies.length > 0;
  const cpuPolicy = autoscaling?.policies.find((p) => p.targetTracking && trackedResource(p.targetTracking.metric) === "cpu");
  // The CPU the tasks are (or would be) held at: the service's own CPU target, else the policy's.
  const target = cpuPolicy?.targetTracking?.targetValue ?? ap.targetCpu;
  const perTask = (input.sizedCpu * target) / 100; // busy units one task holds at the target
  const need = (b: number) => Math.max(0, Math.ceil(b / perTask - EPS));
  const monthly = (tasks: number) => (input.hourlyPerTask === undefined ? null : tasks * input.hourlyPerTask * HOURS_PER_MONTH);

  const profile = dailyProfile(hours);
  const seen = profile.filter((v) => !Number.isNaN(v));
  const peakProfile = Math.max(...seen);
  const troughProfile = Math.min(...seen);
  const dailySwing = troughProfile > 0 ? peakProfile / troughProfile : null;
  let peakBusy = 0;
  for (const b of hours.busy) peakBusy = Math.max(peakBusy, b);
  const peakTasksNeeded = need(peakBusy);
  const troughTasksNeeded = need(troughProfile);

  const evidence: AutoscalingAdvice["evidence"] = {
    taskCpu: input.sizedCpu,
    targetPercent: target,
    peakTasksNeeded,
    troughTasksNeeded,
    dailySwing,
    averageTasksNow: input.averageTasks,
    averageTasksProposed: null,
    hoursAtMaxPercent: null,
    hoursAtMinPercent: null,
  };
  const size = `tasks of ${fmtCpu(input.sizedCpu, { unit: false })} cpu`;

  if (!autoscaled) {
    // A fixed count: propose target tracking when demand follows a strong daily cycle.
    const fixed = Math.max(1, Math.round(input.averageTasks));
    const minCapacity = Math.min(fixed, Math.max(ap.minTasks, troughTasksNeeded));
    const maxCapacity = Math.max(fixed, minCapacity, Math.ceil(peakTasksNeeded * ap.maxHeadroom - EPS));
    let total = 0;
    for (const b of hours.busy) total += Math.min(maxCapacity, Math.max(minCapacity, need(b)));
    const averageTasksProposed = total / hours.busy.length;
    const sustained = longestRunAbove(profile, (peakProfile + troughProfile) / 2);
    const swingOk = dailySwing === null ? peakProfile > 0 : dailySwing >= ap.minSwing;
    const saved = input.averageTasks - averageTasksProposed;
    if (!swingOk || sustained < ap.sustainedHours || saved < 0.5) return null;
    const savings = monthly(saved);
    return {
      action: "propose-target-tracking",
      message:
        `demand swings ${dailySwing === null ? "from nothing" : `${dailySwing.toFixed(1)}×`} over the day (busy for ${plural(sustained, "hour")} in a row): ` +
        `target tracking on average CPU at ${fmtPct(target)}, min ${minCapacity}, max ${maxCapacity}, would run ${averageTasksProposed.toFixed(1)} ${size} on average instead of ${input.averageTasks.toFixed(1)}` +
        (savings !== null ? `, saving ${fmtUsd(savings)}/mo` : ""),
      current: autoscaling ? { minCapacity: autoscaling.minCapacity, maxCapacity: autoscaling.maxCapacity, policies: [] } : null,
      proposed: { metric: "ECSServiceAverageCPUUtilization", targetValue: target, minCapacity, maxCapacity },
      savingsMonthlyUsd: savings,
      evidence: { ...evidence, averageTasksProposed },
    };
  }

  const { minCapacity: min, maxCapacity: max } = autoscaling!;
  const current = { minCapacity: min, maxCapacity: max, policies: describePolicies(autoscaling!) };
  // The policy a change of min or max keeps as it is.
  const main = cpuPolicy ?? autoscaling!.policies.find((p) => p.targetTracking) ?? autoscaling!.policies[0]!;
  const keep = { metric: main.targetTracking?.metric ?? main.type, targetValue: main.targetTracking?.targetValue ?? null };
  const tasksAt = (i: number) => history.runningTasks[i]!;
  const cpuAt = (i: number) => history.cpuAverage[i]!;
  const busyAt = (i: number) => (tasksAt(i) * cpuAt(i) * input.currentCpu) / 100;
  const present: number[] = [];
  for (let i = 0; i < history.length; i++) if (!Number.isNaN(busyAt(i))) present.push(i);
  const atMax = present.filter((i) => tasksAt(i) >= max - EPS);
  const atMin = present.filter((i) => tasksAt(i) <= min + EPS);
  const n = Math.max(1, present.length);
  const atMaxShare = atMax.length / n;
  const atMinShare = atMin.length / n;
  evidence.hoursAtMaxPercent = atMaxShare * 100;
  evidence.hoursAtMinPercent = atMinShare * 100;

  // Capped: at the maximum much of the time, and busy there.
  const cpuAtMax = atMax.length > 0 ? percentile(atMax.map(cpuAt), 50) : 0;
  if (atMaxShare >= ap.cappedShare && cpuAtMax >= target - EPS) {
    const maxCapacity = Math.max(max + 1, Math.ceil(peakTasksNeeded * ap.maxHeadroom - EPS));
    let extra = 0;
    for (const i of atMax) extra += Math.max(0, Math.min(maxCapacity, need(busyAt(i))) - tasksAt(i));
    const cost = monthly(extra / n);
    return {
      action: "raise-max",
      message:
        `at its maximum of ${max} tasks ${fmtPct(atMaxShare * 100)} of the time with average CPU at ${fmtPct(cpuAtMax)} (target ${fmtPct(target)}): it is being capped. ` +
        `Raise the maximum to ${maxCapacity}; the busiest hour needed at least ${peakTasksNeeded}` +
        (cost !== null ? ` (about ${fmtUsd(cost)}/mo more, to stop throttling)` : ""),
      current,
      proposed: { ...keep, minCapacity: min, maxCapacity },
      savingsMonthlyUsd: cost === null ? null : -cost,
      evidence,
    };
  }

  // A CPU target so low that many more tasks run than the load needs.
  if (cpuPolicy && target < ap.lowTargetBelow) {
    const newTarget = ap.targetCpu;
    let saved = 0;
    for (const i of present) {
      const tasks = tasksAt(i);
      const next = Math.min(max, Math.max(min, Math.ceil((tasks * cpuAt(i)) / newTarget - EPS)));
      saved += Math.max(0, tasks - next);
    }
    const savings = monthly(saved / n);
    if (saved > 0) {
      return {
        action: "raise-target",
        message:
          `target tracking holds CPU at ${fmtPct(target)}, so tasks idle at more than half their cpu: a target of ${fmtPct(newTarget)} runs ${(saved / n).toFixed(1)} fewer tasks on average` +
          (savings !== null ? `, saving ${fmtUsd(savings)}/mo` : ""),
        current,
        proposed: { metric: cpuPolicy.targetTracking!.metric, targetValue: newTarget, minCapacity: min, maxCapacity: max },
        savingsMonthlyUsd: savings,
        evidence,
      };
    }
  }

  // A minimum above what the quiet hours need.
  if (atMinShare >= ap.idleAtMinShare && atMin.length > 0 && min > ap.minTasks) {
    const busyAtMin = percentile(atMin.map(busyAt), 95);
    const usedAtMin = (busyAtMin / (min * input.sizedCpu)) * 100;
    const minCapacity = Math.max(ap.minTasks, need(busyAtMin));
    if (usedAtMin < target / 2 && minCapacity < min) {
      let saved = 0;
      for (const i of atMin) saved += Math.max(0, tasksAt(i) - Math.max(minCapacity, need(busyAt(i))));
      const savings = monthly(saved / n);
      return {
        action: "lower-min",
        message:
          `at its minimum of ${min} tasks ${fmtPct(atMinShare * 100)} of the time, using ${fmtPct(usedAtMin)} of their cpu there: a minimum of ${minCapacity} holds that load at ${fmtPct(target)}` +
          (savings !== null ? `, saving ${fmtUsd(savings)}/mo` : ""),
        current,
        proposed: { ...keep, minCapacity, maxCapacity: max },
        savingsMonthlyUsd: savings,
        evidence,
      };
    }
  }

  return {
    action: "ok",
    message: `min ${min} and max ${max} fit what was observed: at the maximum ${fmtPct(atMaxShare * 100)} of the time, at the minimum ${fmtPct(atMinShare * 100)}`,
    current,
    proposed: null,
    savingsMonthlyUsd: 0,
    evidence,
  };
}
