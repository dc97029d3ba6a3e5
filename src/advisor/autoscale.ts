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

/** What every kind of advice reads: demand per hour of the day, the target, and tasks and dollars at it. */
interface Demand {
  input: AutoscaleInput;
  hours: Hours;
  /** The CPU the tasks are (or would be) held at: the service's own CPU target, else the policy's. */
  target: number;
  cpuPolicy: Autoscaling["policies"][number] | undefined;
  /** Tasks of the sized cpu that hold `busy` cpu units at the target. */
  need: (busy: number) => number;
  /** USD a month for that many tasks (null without a price). */
  monthly: (tasks: number) => number | null;
  profile: number[];
  peakProfile: number;
  troughProfile: number;
  dailySwing: number | null;
  peakTasksNeeded: number;
  evidence: AutoscalingAdvice["evidence"];
  /** "tasks of 512 cpu" */
  size: string;
}

export function autoscalingAdvice(input: AutoscaleInput): AutoscalingAdvice | null {
  if (input.dataHours < input.policy.mediumConfidenceHours) return null; // a daily pattern needs days
  const d = demandOf(input);
  if (!d) return null;
  const autoscaling = input.autoscaling;
  if (!autoscaling || autoscaling.policies.length === 0) return proposeTargetTracking(d);
  const bounds = timeAtBounds(d, autoscaling);
  return raiseMax(d, bounds) ?? raiseTarget(d, bounds) ?? lowerMin(d, bounds) ?? rangeFits(bounds);
}

function demandOf(input: AutoscaleInput): Demand | undefined {
  const hours = hourly(input.history, input.currentCpu);
  if (hours.busy.length === 0) return undefined;
  const ap = input.policy.autoscaling;
  const cpuPolicy = input.autoscaling?.policies.find((p) => p.targetTracking && trackedResource(p.targetTracking.metric) === "cpu");
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
  return {
    input,
    hours,
    target,
    cpuPolicy,
    need,
    monthly,
    profile,
    peakProfile,
    troughProfile,
    dailySwing,
    peakTasksNeeded,
    evidence: {
      taskCpu: input.sizedCpu,
      targetPercent: target,
      peakTasksNeeded,
      troughTasksNeeded: need(troughProfile),
      dailySwing,
      averageTasksNow: input.averageTasks,
      averageTasksProposed: null,
      hoursAtMaxPercent: null,
      hoursAtMinPercent: null,
    },
    size: `tasks of ${fmtCpu(input.sizedCpu, { unit: false })} cpu`,
  };
}

/** A fixed count: propose target tracking when demand follows a strong daily cycle, and it saves. */
function proposeTargetTracking(d: Demand): AutoscalingAdvice | null {
  const { input, hours, target } = d;
  const ap = input.policy.autoscaling;
  const fixed = Math.max(1, Math.round(input.averageTasks));
  const minCapacity = Math.min(fixed, Math.max(ap.minTasks, d.evidence.troughTasksNeeded));
  const maxCapacity = Math.max(fixed, minCapacity, Math.ceil(d.peakTasksNeeded * ap.maxHeadroom - EPS));
  let total = 0;
  for (const b of hours.busy) total += Math.min(maxCapacity, Math.max(minCapacity, d.need(b)));
  const averageTasksProposed = total / hours.busy.length;
  const sustained = longestRunAbove(d.profile, (d.peakProfile + d.troughProfile) / 2);
  const swingOk = d.dailySwing === null ? d.peakProfile > 0 : d.dailySwing >= ap.minSwing;
  const saved = input.averageTasks - averageTasksProposed;
  if (!swingOk || sustained < ap.sustainedHours || saved < 0.5) return null;
  const savings = d.monthly(saved);
  const a = input.autoscaling;
  return {
    action: "propose-target-tracking",
    message:
      `demand swings ${d.dailySwing === null ? "from nothing" : `${d.dailySwing.toFixed(1)}×`} over the day (busy for ${plural(sustained, "hour")} in a row): ` +
      `target tracking on average CPU at ${fmtPct(target)}, min ${minCapacity}, max ${maxCapacity}, would run ${averageTasksProposed.toFixed(1)} ${d.size} on average instead of ${input.averageTasks.toFixed(1)}` +
      (savings !== null ? `, saving ${fmtUsd(savings)}/mo` : ""),
    current: a ? { minCapacity: a.minCapacity, maxCapacity: a.maxCapacity, policies: [] } : null,
    proposed: { metric: "ECSServiceAverageCPUUtilization", targetValue: target, minCapacity, maxCapacity },
    savingsMonthlyUsd: savings,
    evidence: { ...d.evidence, averageTasksProposed },
  };
}

/** How an autoscaled service spent the window: periods with data, at its maximum, at its minimum. */
interface Bounds {
  min: number;
  max: number;
  current: NonNullable<AutoscalingAdvice["current"]>;
  /** The policy a change of min or max keeps as it is. */
  keep: { metric: string; targetValue: number | null };
  tasksAt: (i: number) => number;
  cpuAt: (i: number) => number;
  busyAt: (i: number) => number;
  present: number[];
  atMax: number[];
  atMin: number[];
  atMaxShare: number;
  atMinShare: number;
  evidence: AutoscalingAdvice["evidence"];
}

function timeAtBounds(d: Demand, a: Autoscaling): Bounds {
  const { history, currentCpu } = d.input;
  const { minCapacity: min, maxCapacity: max } = a;
  const main = d.cpuPolicy ?? a.policies.find((p) => p.targetTracking) ?? a.policies[0]!;
  const tasksAt = (i: number) => history.runningTasks[i]!;
  const cpuAt = (i: number) => history.cpuAverage[i]!;
  const busyAt = (i: number) => (tasksAt(i) * cpuAt(i) * currentCpu) / 100;
  const present: number[] = [];
  for (let i = 0; i < history.length; i++) if (!Number.isNaN(busyAt(i))) present.push(i);
  const atMax = present.filter((i) => tasksAt(i) >= max - EPS);
  const atMin = present.filter((i) => tasksAt(i) <= min + EPS);
  const n = Math.max(1, present.length);
  const atMaxShare = atMax.length / n;
  const atMinShare = atMin.length / n;
  return {
    min,
    max,
    current: { minCapacity: min, maxCapacity: max, policies: describePolicies(a) },
    keep: { metric: main.targetTracking?.metric ?? main.type, targetValue: main.targetTracking?.targetValue ?? null },
    tasksAt,
    cpuAt,
    busyAt,
    present,
    atMax,
    atMin,
    atMaxShare,
    atMinShare,
    evidence: { ...d.evidence, hoursAtMaxPercent: atMaxShare * 100, hoursAtMinPercent: atMinShare * 100 },
  };
}

/** Capped: at the maximum much of the time, and busy there. */
function raiseMax(d: Demand, b: Bounds): AutoscalingAdvice | undefined {
  const ap = d.input.policy.autoscaling;
  const cpuAtMax = b.atMax.length > 0 ? percentile(b.atMax.map(b.cpuAt), 50) : 0;
  if (b.atMaxShare < ap.cappedShare || cpuAtMax < d.target - EPS) return undefined;
  const maxCapacity = Math.max(b.max + 1, Math.ceil(d.peakTasksNeeded * ap.maxHeadroom - EPS));
  let extra = 0;
  for (const i of b.atMax) extra += Math.max(0, Math.min(maxCapacity, d.need(b.busyAt(i))) - b.tasksAt(i));
  const cost = d.monthly(extra / Math.max(1, b.present.length));
  return {
    action: "raise-max",
    message:
      `at its maximum of ${b.max} tasks ${fmtPct(b.atMaxShare * 100)} of the time with average CPU at ${fmtPct(cpuAtMax)} (target ${fmtPct(d.target)}): it is being capped. ` +
      `Raise the maximum to ${maxCapacity}; the busiest hour needed at least ${d.peakTasksNeeded}` +
      (cost !== null ? ` (about ${fmtUsd(cost)}/mo more, to stop throttling)` : ""),
    current: b.current,
    proposed: { ...b.keep, minCapacity: b.min, maxCapacity },
    savingsMonthlyUsd: cost === null ? null : -cost,
    evidence: b.evidence,
  };
}

/** A CPU target so low that many more tasks run than the load needs. */
function raiseTarget(d: Demand, b: Bounds): AutoscalingAdvice | undefined {
  const ap = d.input.policy.autoscaling;
  if (!d.cpuPolicy || d.target >= ap.lowTargetBelow) return undefined;
  const newTarget = ap.targetCpu;
  let saved = 0;
  for (const i of b.present) {
    const tasks = b.tasksAt(i);
    const next = Math.min(b.max, Math.max(b.min, Math.ceil((tasks * b.cpuAt(i)) / newTarget - EPS)));
    saved += Math.max(0, tasks - next);
  }
  if (saved <= 0) return undefined;
  const n = Math.max(1, b.present.length);
  const savings = d.monthly(saved / n);
  return {
    action: "raise-target",
    message:
      `target tracking holds CPU at ${fmtPct(d.target)}, so tasks idle at more than half their cpu: a target of ${fmtPct(newTarget)} runs ${(saved / n).toFixed(1)} fewer tasks on average` +
      (savings !== null ? `, saving ${fmtUsd(savings)}/mo` : ""),
    current: b.current,
    proposed: { metric: d.cpuPolicy.targetTracking!.metric, targetValue: newTarget, minCapacity: b.min, maxCapacity: b.max },
    savingsMonthlyUsd: savings,
    evidence: b.evidence,
  };
}

/** A minimum above what the quiet hours need. */
function lowerMin(d: Demand, b: Bounds): AutoscalingAdvice | undefined {
  const ap = d.input.policy.autoscaling;
  if (b.atMinShare < ap.idleAtMinShare || b.atMin.length === 0 || b.min <= ap.minTasks) return undefined;
  const busyAtMin = percentile(b.atMin.map(b.busyAt), 95);
  const usedAtMin = (busyAtMin / (b.min * d.input.sizedCpu)) * 100;
  const minCapacity = Math.max(ap.minTasks, d.need(busyAtMin));
  if (usedAtMin >= d.target / 2 || minCapacity >= b.min) return undefined;
  let saved = 0;
  for (const i of b.atMin) saved += Math.max(0, b.tasksAt(i) - Math.max(minCapacity, d.need(b.busyAt(i))));
  const savings = d.monthly(saved / Math.max(1, b.present.length));
  return {
    action: "lower-min",
    message:
      `at its minimum of ${b.min} tasks ${fmtPct(b.atMinShare * 100)} of the time, using ${fmtPct(usedAtMin)} of their cpu there: a minimum of ${minCapacity} holds that load at ${fmtPct(d.target)}` +
      (savings !== null ? `, saving ${fmtUsd(savings)}/mo` : ""),
    current: b.current,
    proposed: { ...b.keep, minCapacity, maxCapacity: b.max },
    savingsMonthlyUsd: savings,
    evidence: b.evidence,
  };
}

function rangeFits(b: Bounds): AutoscalingAdvice {
  return {
    action: "ok",
    message: `min ${b.min} and max ${b.max} fit what was observed: at the maximum ${fmtPct(b.atMaxShare * 100)} of the time, at the minimum ${fmtPct(b.atMinShare * 100)}`,
    current: b.current,
    proposed: null,
    savingsMonthlyUsd: 0,
    evidence: b.evidence,
  };
}
