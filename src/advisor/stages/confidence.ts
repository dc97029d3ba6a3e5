// Stage 2 — confidence: how far the evidence can be trusted. It starts from how many hours of data there are
// and is capped by what weakens it: gaps, a recent deployment, a history that cannot be restated, OOM kills,
// an incomplete collection, memory that looks like it leaks. It comes before the need, because a low
// confidence forbids making anything smaller. Pure.
import { fmtHours, fmtPct, fmtTime, plural } from "../../model/format.js";
import type { Confidence } from "../../model/report.js";
import type { History } from "../history.js";
import { percentiles } from "../stats.js";
import type { Policy } from "../policy.js";
import type { Reasons } from "../reasons.js";
import { leakEvidence, type LeakEvidence } from "../signals.js";
import type { AdviseContext, Evidence } from "./evidence.js";

export interface Trust {
  confidence: Confidence;
  leak: LeakEvidence;
  /** Autoscaling could not be read and the task count moves: the service probably scales. */
  maybeScales: boolean;
}

const LEVELS: Confidence[] = ["high", "medium", "low", "none"];

/** The lower of two confidences. */
export const capAt = (c: Confidence, cap: Confidence): Confidence => (LEVELS.indexOf(c) >= LEVELS.indexOf(cap) ? c : cap);

/** From the hours of data alone. */
export function confidenceFromHours(dataHours: number, policy: Policy): Confidence {
  return dataHours >= policy.highConfidenceHours ? "high" : dataHours >= policy.mediumConfidenceHours ? "medium" : "low";
}

export function assessConfidence(ev: Evidence & { history: History }, ctx: AdviseContext, reasons: Reasons): Trust {
  const { policy } = ctx;
  const { history, data } = ev;
  let confidence = confidenceFromHours(data.dataHours, policy);
  if (data.gapPercent >= policy.gapLowPercent || data.gapPercent >= policy.gapMediumPercent) {
    confidence = capAt(confidence, data.gapPercent >= policy.gapLowPercent ? "low" : "medium");
    reasons.add("gaps-in-data", `${fmtPct(data.gapPercent)} of periods since the first datapoint have no data`);
  }
  if (history.lastDeploymentMs !== undefined) {
    const hoursSince = (ctx.windowEndMs - history.lastDeploymentMs) / 3_600_000;
    if (hoursSince < policy.recentDeploymentHours) {
      confidence = capAt(confidence, "medium");
      reasons.add("recent-deployment", `deployed ${fmtHours(hoursSince)} before the window ends: little data on the version running now`);
    } else if (history.sizeChanges.length === 0) {
      reasons.add(
        "deployed-in-window",
        `${plural(history.deploymentsInWindow, "deployment")} in the window, the last ${fmtHours(hoursSince)} before its end: the data spans more than one version`,
      );
    }
  }
  for (const change of history.sizeChanges) {
    const when = fmtTime(new Date(change.atMs).toISOString());
    reasons.add(
      "size-changed-in-window",
      change.converted
        ? `the task size changed on ${when} (${change.from} → ${change.to}); earlier data was rescaled to today's size`
        : `the task size changed on ${when} (${change.from} → ${change.to}); ${change.from} is not in the snapshot, so the data before it was left out`,
      change.converted ? "info" : "warning",
    );
  }
  if (ev.historyUnknown === "capped") confidence = capAt(confidence, "low");
  if (ev.oom.kills > 0) confidence = capAt(confidence, "low");
  if (ev.oom.possible > 0) confidence = capAt(confidence, "medium");
  if (ctx.issues.has(ev.key)) confidence = capAt(confidence, "medium");

  const maybeScales = unknownScaling(ev, ctx, reasons);
  if (maybeScales) confidence = capAt(confidence, "low");

  const leak = leakEvidence(history.memoryMaximum, history.periodSeconds, history.deploymentIndexes, policy.leak);
  if (leak.suspected) {
    confidence = capAt(confidence, "low");
    const rising = leak.segments.filter((s) => s.rising).length;
    reasons.add(
      "memory-leak-suspected",
      `memory climbs between restarts and deployments (+${fmtPct(leak.percentPerHour)} of the allocation an hour, in ${rising} of ${leak.segments.length} stretches)` +
        (leak.hoursToLimit !== undefined ? `; it would reach the limit about ${fmtHours(leak.hoursToLimit)} after a restart` : "") +
        ". Fix the leak before resizing",
    );
  }
  return { confidence, leak, maybeScales };
}

/**
 * Application Auto Scaling could not be read, so a service without a scalable target is not known not to
 * scale. One whose task count moves (5th to 95th percentile, so a rolling deployment's brief extra tasks do
 * not count) probably does: its task cpu may be what target tracking holds, and a proposal would contradict
 * a policy it has. Nothing is made smaller and nothing proposed until the policy can be read.
 */
function unknownScaling(ev: Evidence & { history: History }, ctx: AdviseContext, reasons: Reasons): boolean {
  if (!ctx.autoscalingUnknown || ev.service.autoscaling || ev.service.schedulingStrategy === "DAEMON") return false;
  const [low, high] = percentiles(ev.history.runningTasks, [5, 95]) as [number, number];
  if (Number.isNaN(low)) return false;
  const lo = Math.round(low);
  const hi = Math.round(high);
  const grant = "grant application-autoscaling:DescribeScalableTargets and DescribeScalingPolicies";
  if (hi > lo) {
    reasons.add(
      "autoscaling-unknown",
      `Application Auto Scaling could not be read (${grant}), and the task count moved between ${lo} and ${hi}: the service probably autoscales, so nothing is made smaller and no autoscaling is proposed until its policy is known`,
    );
    return true;
  }
  reasons.add(
    "autoscaling-unknown",
    `Application Auto Scaling could not be read (${grant}), but the task count held at ${plural(lo, "task")}: advised as a service that does not scale`,
    "info",
  );
  return false;
}
