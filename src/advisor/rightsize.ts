// Right-sizing one resource with the seed formula: needed = allocated × observed ÷ target.
import type { ResourceEvidence } from "../model/report.js";
import { describeStatistic, type ResourcePolicy } from "./policy.js";
import { percentile } from "./stats.js";

export type Decision = ResourceEvidence["decision"];

export interface ResourceSizing {
  evidence: ResourceEvidence;
  /** Units needed at the target, before rounding to what ECS accepts (NaN when unknown). */
  need: number;
  decision: Decision;
  /** The OOM bump set the need, not the utilization. */
  bumped: boolean;
  /** The sizing percentile's value (percent), before any burst raised it; NaN when unknown. */
  percentilePercent: number;
}

/** The seed formula, alone: 1024 × 40 % ÷ 60 % = 682.67. */
export function neededUnits(allocated: number, observedPercent: number, targetPercent: number): number {
  return (allocated * observedPercent) / targetPercent;
}

export function ceilTo(value: number, step: number): number {
  // Guard against 683.0000000001 becoming 684 from float noise.
  return Math.ceil(value / step - 1e-9) * step;
}

export interface SizeOptions {
  minChangePercent: number;
  /** Autoscaling holds this resource at a target: leave its size alone. */
  tracked: boolean;
  /** Confidence or a risk forbids making this resource smaller. */
  blockDown: boolean;
  /** A floor the need is raised to (the OOM bump). */
  bumpTo?: number | undefined;
  /** The exact percentile at the source resolution, when the collector kept it (series folded coarser). */
  exact?: ((p: number) => number | undefined) | undefined;
  /** A recurring burst the percentile may miss: sizing never goes below its level (percent of the allocation). */
  burst?: { percent: number; statistic: string } | undefined;
}

export function sizeResource(allocated: number, seriesPercent: ArrayLike<number>, rp: ResourcePolicy, opts: SizeOptions): ResourceSizing {
  const percentilePercent = opts.exact?.(rp.percentile) ?? percentile(seriesPercent, rp.percentile);
  let observedPercent = percentilePercent;
  let statistic = describeStatistic(rp);
  if (opts.burst && opts.burst.percent > observedPercent) {
    observedPercent = opts.burst.percent;
    statistic = opts.burst.statistic;
  }
  if (Number.isNaN(observedPercent)) {
    return {
      evidence: {
        statistic,
        allocated,
        observedPercent: null,
        observedUnits: null,
        targetPercent: rp.target,
        neededUnits: null,
        decision: "unknown",
      },
      need: Number.NaN,
      decision: "unknown",
      bumped: false,
      percentilePercent,
    };
  }
  const observedUnits = (allocated * observedPercent) / 100;
  // At the limit the measurement cannot show more: a target above upsizeAbove sizes for upsizeAbove there.
  const target = observedPercent > rp.upsizeAbove ? Math.min(rp.target, rp.upsizeAbove) : rp.target;
  let need = neededUnits(allocated, observedPercent, target);
  let bumped = false;
  if (opts.bumpTo !== undefined && opts.bumpTo > need) {
    need = opts.bumpTo;
    bumped = true;
  }
  let decision: Decision;
  if (opts.tracked) decision = "keep";
  else if (need > allocated && (observedPercent > rp.upsizeAbove || bumped)) decision = "up";
  else if (need < allocated * (1 - opts.minChangePercent / 100)) decision = opts.blockDown ? "blocked" : "down";
  else decision = "keep";
  return {
    evidence: {
      statistic,
      allocated,
      observedPercent,
      observedUnits,
      targetPercent: target,
      neededUnits: need,
      decision,
    },
    need,
    decision,
    bumped,
    percentilePercent,
  };
}
