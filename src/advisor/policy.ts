// The advisor's knobs, with defaults and the reasoning behind them.
// CPU is compressible (too little means throttling); memory is not (too little means an OOM kill),
// so memory sizes from the peak and CPU from a high percentile.

export type SeriesChoice = "maximum" | "average";

export interface ResourcePolicy {
  /** Which CloudWatch statistic series: Maximum is the hottest task in each period, Average the fleet mean. */
  series: SeriesChoice;
  /** Percentile of the per-period values over the window (nearest rank); 100 = the peak. */
  percentile: number;
  /** Utilization to size for: needed = allocated × observed ÷ target (the Duolingo formula). */
  target: number;
  /**
   * Only upsize when the observed statistic is above this percent of the allocation (or after an OOM kill).
   * Up there the measurement is at its limit and cannot show how much more would be used, so a target above
   * this one sizes for this one instead.
   */
  upsizeAbove: number;
  /**
   * CPU only: a recurring burst the percentile slips under is sized to its level (`true`; the default with a
   * fixed percentile) or left to be throttled and reported (`false`; the default with a chosen percentile,
   * whose choice already weighs the bursts' throttled demand). A knob of the quality benchmark's sweep.
   */
  bursts?: boolean;
  /**
   * CPU: choose each service's percentile from its own window (src/advisor/predict.ts) — the one with the least
   * idle share + this weight × throttled share; `percentile` is then not used. Null or absent: `percentile`.
   * Opt-in (`--cpu-percentile auto`, which sets CHOSEN_CPU): npm run bench:quality measures it, and it beats the
   * peers on the dev traces but not reliably on sets of series resampled from them (docs/recommendation-quality.md).
   */
  throttleWeight?: number | null;
}

export interface Policy {
  cpu: ResourcePolicy;
  memory: ResourcePolicy;
  /** A downsize must cut the resource by at least this percent, or it is not worth a deployment. */
  minChangePercent: number;
  /** Less data than this (hours, or periods with data) gives no advice. Compute Optimizer: 24 h; KRR: 100 points. */
  minDataHours: number;
  minPoints: number;
  /** Hours of data for medium and high confidence. */
  mediumConfidenceHours: number;
  highConfidenceHours: number;
  /** Share of missing periods (percent) that caps confidence at medium, and at low. */
  gapMediumPercent: number;
  gapLowPercent: number;
  /** A deployment this recent (hours before the window ends) caps confidence at medium. */
  recentDeploymentHours: number;
  /** After an OOM kill, memory ≥ max(limit × factor, limit + minMiB) (the VPA recommender's bump). */
  oomBump: { factor: number; minMiB: number };
  /** Memory-leak test per stretch between deployments or restarts. */
  leak: { minSegmentHours: number; minRisePercent: number; minR2: number };
  /** EC2 launch type: recommendations are rounded up to these steps and never go below the floors. */
  ec2: { cpuStep: number; memoryStepMiB: number; minCpu: number; minMemoryMiB: number };
  /**
   * Fargate: offer the 32 vCPU sizes (newer than the API reference text, UNVERIFIED in aws-facts §1.1, so
   * opt-in; a service that already runs one keeps them). The share of
   * tasks put on Fargate Spot when an EC2 cluster's fleet is priced on Fargate for comparison.
   */
  fargate: { allow32Vcpu: boolean; spotDiscount: number; comparisonSpotShare: number };
  /**
   * EC2 host scaling (aws-facts §7.3): scale out when fewer than this many of the largest task fit
   * (widdix's ContainerShortageThreshold, default 2).
   */
  hosts: {
    shortageLargestTasks: number;
    /** A packing uses at least this many hosts, and no fewer than the Availability Zones in use (ECS spreads tasks across them). */
    minPackedHosts: number;
    /**
     * Availability: a packing's hosts are a multiple of the zones (the cluster's hosts' zones, else this
     * default when they are unknown; `zones` overrides both), no host holds more than this share of any
     * service's tasks (at least one), and no host is larger than `maxInstanceSize` (e.g. "8xlarge").
     */
    zones: number | null;
    defaultZones: number;
    maxServiceSharePercent: number;
    maxInstanceSize: string | null;
  };
  autoscaling: AutoscalingPolicy;
}

export interface AutoscalingPolicy {
  /** Average CPU a proposed target-tracking policy holds (ECSServiceAverageCPUUtilization). */
  targetCpu: number;
  /** Propose autoscaling when the busiest hour of the day needs this many times the quietest's CPU… */
  minSwing: number;
  /** …for at least this many hours in a row (a daily cycle, not a batch spike). */
  sustainedHours: number;
  /** Autoscaled services: at their maximum this share of the time, with CPU at the target, are capped. */
  cappedShare: number;
  /** At their minimum this share of the time, using less than half the target there: the minimum is high. */
  idleAtMinShare: number;
  /** A CPU target-tracking target below this runs more tasks than needed. */
  lowTargetBelow: number;
  /** A proposed maximum is the busiest hour's need times this. */
  maxHeadroom: number;
  /** Never propose a minimum below this (two tasks for availability), nor above what runs now. */
  minTasks: number;
}

/**
 * Measured in npm run bench:quality (docs/recommendation-quality.md): CPU p95 of the hottest task at an
 * 80 % target is on the efficient frontier, leaving less demand unmet than KRR and VPA (2.5 % vs 3.9 % and
 * 6.2 %) for more slack; memory at 25 % over the peak has fewer series with an OOM kill than KRR and VPA
 * (19, 22, 29 of 30), from its wider buffer, for 1.4 points more slack than KRR.
 */
export const DEFAULT_POLICY: Policy = {
  cpu: { series: "maximum", percentile: 95, target: 80, upsizeAbove: 85 },
  memory: { series: "maximum", percentile: 100, target: 80, upsizeAbove: 90 },
  minChangePercent: 10,
  minDataHours: 24,
  minPoints: 100,
  mediumConfidenceHours: 72,
  highConfidenceHours: 168,
  gapMediumPercent: 10,
  gapLowPercent: 30,
  recentDeploymentHours: 24,
  oomBump: { factor: 1.2, minMiB: 100 },
  leak: { minSegmentHours: 24, minRisePercent: 10, minR2: 0.6 },
  ec2: { cpuStep: 1, memoryStepMiB: 32, minCpu: 128, minMemoryMiB: 128 },
  fargate: { allow32Vcpu: false, spotDiscount: 0.7, comparisonSpotShare: 0.5 },
  hosts: { shortageLargestTasks: 2, minPackedHosts: 2, zones: null, defaultZones: 3, maxServiceSharePercent: 50, maxInstanceSize: null },
  autoscaling: {
    targetCpu: 60,
    minSwing: 2,
    sustainedHours: 3,
    cappedShare: 0.25,
    idleAtMinShare: 0.5,
    lowTargetBelow: 50,
    maxHeadroom: 1.25,
    minTasks: 2,
  },
};

/**
 * `--cpu-percentile auto`: each service's percentile chosen with a point of throttled demand weighed as three of
 * idle allocation, sized for 100 % of it (a headroom on top only adds slack: the choice already weighs the
 * spikes). On the dev traces it leaves less demand unmet than KRR for less slack — in 36 % of the sets of series
 * resampled from them (docs/recommendation-quality.md).
 */
export const CHOSEN_CPU = { throttleWeight: 3, target: 100 } as const;

export type PolicyOverrides = {
  [K in keyof Policy]?: Policy[K] extends object ? Partial<Policy[K]> : Policy[K];
};

export function resolvePolicy(overrides: PolicyOverrides = {}): Policy {
  const out = structuredClone(DEFAULT_POLICY) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const base = out[key];
    out[key] =
      typeof value === "object" && value !== null && typeof base === "object" && base !== null
        ? { ...base, ...Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) }
        : value;
  }
  return out as unknown as Policy;
}

/** "p95 (hottest task)", "peak (hottest task)", "p50 (task average)" — reads after "CPU" or "memory". */
export function describeStatistic(r: ResourcePolicy): string {
  const what = typeof r.throttleWeight === "number" ? "chosen percentile" : r.percentile >= 100 ? "peak" : `p${r.percentile}`;
  return `${what} (${r.series === "maximum" ? "hottest task" : "task average"})`;
}
