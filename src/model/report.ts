// Seam 2: the Report — the advisor's findings as data. Every output format is a pure function of it.
// `--format json` writes it; this schema is the published contract (schema/report-v1.schema.json).
// Money in the Report model is unrounded USD; the JSON reporter rounds to cents at the edge.
import { z } from "zod";
import { diffSchema } from "./diff.js";

export const REPORT_SCHEMA_VERSION = 1;

export const REASON_CODES = [
  // sizing findings
  "cpu-overprovisioned",
  "cpu-underprovisioned",
  "cpu-saturated",
  "memory-overprovisioned",
  "memory-underprovisioned",
  "well-sized",
  "fargate-size-rounded",
  "floor-applied",
  "exceeds-fargate-max",
  // risks
  "oom-kills",
  "possible-oom",
  "memory-leak-suspected",
  // data and confidence
  "no-metrics",
  "insufficient-data",
  "gaps-in-data",
  "recent-deployment",
  "deployed-in-window",
  "size-changed-in-window",
  "deployment-history-unknown",
  "downsize-blocked",
  // autoscaling interplay
  "autoscaling-on-cpu",
  "autoscaling-on-memory",
  "autoscaling-proposed",
  "autoscaling-capped",
  "autoscaling-min-high",
  "autoscaling-target-low",
  // cost and inputs
  "no-price",
  "cpu-not-reserved",
  "memory-not-reserved",
  "task-definition-missing",
  "external-launch-type",
  "collection-incomplete",
  "invalid-metrics",
  "windows-minimum",
  "recurring-burst",
  "spot-single-task",
  "daemon-service",
  "autoscaling-unknown",
  "containers-need-more",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const reasonSchema = z.object({
  code: z.enum(REASON_CODES),
  severity: z.enum(["risk", "warning", "info"]),
  message: z.string(),
});
export type Reason = z.infer<typeof reasonSchema>;

export const CONFIDENCE_LEVELS = ["high", "medium", "low", "none"] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

const usd = z.number().describe("USD per month");

export const resourceEvidenceSchema = z.object({
  statistic: z.string().describe('what "observed" is, e.g. "p95 of per-period Maximum"'),
  allocated: z.number().nullable().describe("current reservation: cpu units or MiB"),
  observedPercent: z.number().nullable().describe("the statistic, in percent of the current allocation"),
  observedUnits: z.number().nullable().describe("the statistic in cpu units or MiB"),
  targetPercent: z.number(),
  neededUnits: z.number().nullable().describe("observed ÷ target (+ any OOM bump), before rounding to what ECS accepts"),
  decision: z.enum(["down", "up", "keep", "blocked", "unknown"]),
  burst: z
    .object({
      cadence: z.enum(["hourly", "daily"]),
      levelPercent: z.number().describe("90th percentile of the bursting hours' or days' peaks, percent of the allocation"),
      baselinePercent: z.number().describe("the usual level (median), percent of the allocation"),
      cycles: z.number().describe("hours or days with data"),
      burstCycles: z.number().describe("those with a burst"),
      minutes: z.number().nullable().describe("typical length of one burst; null when the stored series is too coarse"),
      perCycle: z.number().describe("bursts in a bursting hour or day, typically"),
      startsAt: z.number().nullable().describe("minute past the hour (hourly) or UTC hour (daily) most bursts start at"),
      sized: z.boolean().describe("the sizing percentile missed the burst, so the statistic is the burst level"),
    })
    .optional()
    .describe("a recurring short burst far above the usual level (CPU only; added in 1.x, absent when there is none)"),
  choice: z
    .object({
      percentile: z.number().describe("the percentile chosen for this service"),
      weight: z.number().describe("a point of throttled demand counted as this many points of idle allocation"),
      idlePercent: z.number().describe("over the window, sized at the percentile: idle share of the allocation"),
      throttledPercent: z.number().describe("…and the share of the demand above it"),
    })
    .optional()
    .describe("CPU: how the percentile was chosen from the service's own window (added in 1.x; absent with a fixed percentile)"),
});
export type ResourceEvidence = z.infer<typeof resourceEvidenceSchema>;

export const autoscalingAdviceSchema = z
  .object({
    action: z.enum(["propose-target-tracking", "raise-max", "lower-min", "raise-target", "ok"]),
    message: z.string(),
    current: z
      .object({
        minCapacity: z.number(),
        maxCapacity: z.number(),
        policies: z.array(z.string()).describe('e.g. "target tracking ECSServiceAverageCPUUtilization at 60"'),
      })
      .nullable()
      .describe("the scalable target now; null when the service does not autoscale"),
    proposed: z
      .object({
        metric: z.string().describe("predefined metric type or custom metric name (the policy type for step scaling)"),
        targetValue: z.number().nullable(),
        minCapacity: z.number(),
        maxCapacity: z.number(),
      })
      .nullable(),
    savingsMonthlyUsd: usd.nullable().describe("against what runs now; negative is a cost (raising a capped maximum)"),
    evidence: z.object({
      taskCpu: z.number().describe("cpu units of the task size the demand is counted in (the recommended size when there is one)"),
      targetPercent: z.number().describe("average CPU the tasks are sized to hold"),
      peakTasksNeeded: z.number().describe("tasks the busiest hour needs at the target"),
      troughTasksNeeded: z.number().describe("tasks the quietest hour of the day needs at the target (hour-of-day average)"),
      dailySwing: z.number().nullable().describe("busiest ÷ quietest hour of the day, in average CPU demand"),
      averageTasksNow: z.number(),
      averageTasksProposed: z.number().nullable(),
      hoursAtMaxPercent: z.number().nullable(),
      hoursAtMinPercent: z.number().nullable(),
    }),
  })
  .describe("autoscaling advice; null when there is nothing to say (fixed count with no daily swing, or too little data)");
export type AutoscalingAdvice = z.infer<typeof autoscalingAdviceSchema>;

export const usageSeriesSchema = z
  .object({
    start: z.string().describe("start of the first bucket"),
    periodSeconds: z.number().describe("bucket length: the window in at most 168 buckets"),
    cpuPercent: z
      .array(z.number().nullable())
      .describe("hottest task's CPU (largest per-period Maximum in the bucket), percent of the current cpu; null = no data"),
    memoryPercent: z.array(z.number().nullable()).describe("hottest task's memory, percent of the current memory"),
    tasks: z.array(z.number().nullable()).describe("mean running tasks"),
  })
  .describe("utilization over the window, for charts; percent of the current allocation as the advisor read it");
// In memory (the advisor's Report), a missing bucket is NaN rather than null — see advisor/usage.ts.
export type UsageSeries = z.infer<typeof usageSeriesSchema>;

const containerSizes = z.object({
  cpu: z.number().nullable().describe("container cpu units (cpu shares); null = not set"),
  memory: z.number().nullable().describe("hard limit, MiB; null = not set"),
  memoryReservation: z.number().nullable().describe("soft limit, MiB; null = not set"),
});

export const containerAdviceSchema = z.object({
  name: z.string(),
  essential: z.boolean(),
  basis: z
    .enum(["measured", "unmeasured", "scaled", "none"])
    .describe(
      "measured: sized from its own metrics; unmeasured: no metrics of its own, keeps its values; scaled: no container metrics, scaled with the task; none: sets no sizes of its own",
    ),
  current: containerSizes,
  recommended: containerSizes.describe("the same fields as now, sized (null stays null: nothing is added)"),
  observed: z
    .object({
      cpuUnits: z.number().nullable().describe("the cpu statistic of the policy (e.g. p95 of per-period Maximum), cpu units"),
      memoryPeakMiB: z.number().nullable().describe("highest per-period Maximum, MiB"),
      memoryNeedMiB: z.number().nullable().describe("peak ÷ the memory target: no hard limit is set below it"),
    })
    .nullable()
    .describe("null when the container has no metrics of its own"),
  changed: z.boolean(),
});
export type ContainerAdvice = z.infer<typeof containerAdviceSchema>;

export const containersAdviceSchema = z
  .object({
    basis: z.enum(["container-metrics", "scaled-with-task", "task-only"]),
    message: z.string().describe("how the containers were sized, in one sentence"),
    containers: z.array(containerAdviceSchema),
  })
  .describe("each container's cpu, memory and memoryReservation; added in 1.x, absent or null when there is no advice");
export type ContainersAdvice = z.infer<typeof containersAdviceSchema>;

export const serviceFindingSchema = z.object({
  account: z.string().nullable().optional().describe("the AWS account (null: not known, e.g. the demo's); added in 1.x"),
  region: z.string().optional().describe("the AWS region; added in 1.x"),
  cluster: z.string(),
  service: z.string(),
  launchType: z.enum(["FARGATE", "EC2", "EXTERNAL"]),
  capacity: z.string().describe('how tasks are placed, e.g. "FARGATE", "FARGATE_SPOT 50 %", "EC2", "ASG provider cp-ec2"'),
  taskDefinition: z.string(),
  cpuArchitecture: z.enum(["X86_64", "ARM64"]),
  operatingSystemFamily: z.string(),
  current: z.object({
    cpu: z.number().nullable(),
    memory: z.number().nullable(),
    tasks: z.number().describe("average running tasks over the window (desired count when there are no metrics)"),
    monthlyUsd: usd.nullable(),
  }),
  recommended: z
    .object({ cpu: z.number(), memory: z.number(), monthlyUsd: usd.nullable() })
    .nullable()
    .describe("null when there is no advice; reasons say why"),
  savingsMonthlyUsd: usd.nullable().describe("current − recommended; negative is a cost increase"),
  action: z.enum(["downsize", "upsize", "resize", "keep", "none"]),
  confidence: z.enum(CONFIDENCE_LEVELS),
  reasons: z.array(reasonSchema),
  evidence: z.object({
    cpu: resourceEvidenceSchema,
    memory: resourceEvidenceSchema,
    periodSeconds: z.number().nullable(),
    points: z.number().describe("periods with data"),
    dataHours: z.number(),
    gapPercent: z.number().describe("missing periods since the first datapoint, percent"),
    averageTasks: z.number().nullable(),
    peakTasks: z.number().nullable(),
    minTasks: z.number().nullable().describe("fewest running tasks in any period"),
    deploymentsInWindow: z.number(),
    oomKills: z.number(),
    hourlyUsdPerTask: z.object({ current: z.number().nullable(), recommended: z.number().nullable() }),
  }),
  autoscaling: autoscalingAdviceSchema.nullable(),
  containers: containersAdviceSchema.nullable().optional(),
  usage: usageSeriesSchema.nullable().describe("null when there are no metrics"),
  firstRecommendedAt: z
    .string()
    .optional()
    .describe("with --history: when a stored run first advised this change (advised in every run since); added in 1.x"),
});
export type ServiceFinding = z.infer<typeof serviceFindingSchema>;

const limitedBy = z.enum(["cpu", "memory", "eni"]);
const packedFleetSchema = z.object({
  instanceTypes: z.record(z.string(), z.number()).describe("instance type → hosts"),
  hosts: z.number(),
  monthlyUsd: usd,
  cpuReservedPercent: z.number(),
  memoryReservedPercent: z.number(),
  limitedBy: limitedBy.describe("what fills the hosts first"),
});

export const hostScalingSchema = z.object({
  largestTask: z
    .object({ cpu: z.number(), memory: z.number(), awsvpc: z.boolean(), services: z.array(z.string()) })
    .describe("the largest cpu and the largest memory any service here reserves (they may come from two services)"),
  instances: z
    .array(
      z.object({
        id: z.string(),
        instanceType: z.string(),
        registered: z.object({ cpu: z.number(), memory: z.number() }),
        remaining: z.object({ cpu: z.number(), memory: z.number() }),
        runningTasks: z.number(),
        fits: z.number().describe("more largest tasks this instance can place now"),
        limitedBy: z.enum(["cpu", "memory", "eni", "agent-disconnected"]),
      }),
    )
    .describe("each ACTIVE container instance: its remaining resources and how many largest tasks fit"),
  schedulableNow: z.number().describe("largest tasks the cluster can place now: the sum of fits"),
  tasksPerHost: z.number().describe("largest tasks an empty host of the roomiest type holds"),
  tasksPerHostByType: z.record(z.string(), z.number()),
  tasksPerHostMax: z
    .number()
    .describe("the most tasks one host can hold, running or of the largest size placeable: what one host's drain can cost"),
  lever: z
    .enum(["managed-scaling", "alarm-rule"])
    .describe("what scales the hosts: ECS managed scaling when the hosts' capacity provider has it on, else the alarm rule"),
  managedScaling: z
    .object({
      capacityProvider: z.string(),
      status: z.enum(["ENABLED", "DISABLED"]),
      targetCapacity: z.number().nullable().describe("as set now (ECS's default is 100)"),
      minimumScalingStepSize: z.number().nullable(),
      maximumScalingStepSize: z.number().nullable(),
      instanceWarmupPeriod: z.number().nullable(),
      managedTerminationProtection: z.enum(["ENABLED", "DISABLED"]).nullable(),
      advisedTargetCapacity: z.number().describe("= rule.targetCapacity"),
      hostsAtPeak: z
        .number()
        .nullable()
        .describe("hosts ECS keeps at the peak with the advised targetCapacity: ⌈needed × 100 ÷ targetCapacity⌉"),
      text: z.string().describe("the advice on this lever, with its arithmetic"),
      notes: z.array(z.string()).describe("step sizes, warm-up and termination protection, where they matter"),
    })
    .nullable()
    .describe("the ASG capacity provider most of the hosts belong to; null when they belong to none"),
  rule: z.object({
    scaleOutBelow: z.number().describe("scale out when fewer than this many largest tasks fit"),
    scaleInAbove: z
      .number()
      .describe(
        "scale in only when more than this many fit (tasksPerHostMax + scaleOutBelow): removing any host then never triggers a scale-out",
      ),
    targetCapacity: z
      .number()
      .describe("the ECS managed-scaling targetCapacity, percent, that keeps scaleOutBelow largest tasks of room at the peak"),
    text: z.string(),
  }),
  today: z.object({
    action: z.enum(["scale-out", "scale-in", "hold"]),
    hosts: z.number().describe("hosts to add or remove today"),
    drain: z
      .array(z.string())
      .describe("scale-in: the container instances to drain, in order (the fewest largest-task slots their drain costs)"),
    message: z.string(),
  }),
  hosts: z.object({
    current: z.number(),
    instanceType: z.string().describe("the cluster's most common instance type, which min/desired/max count"),
    min: z.number().nullable().describe("for the quietest observed demand"),
    desired: z.number().nullable().describe("for the observed peak, a rolling deployment and one spare largest task"),
    max: z.number().nullable().describe("for every service at its autoscaling maximum"),
    desiredMonthlyUsd: usd.nullable().describe("On-Demand cost of the desired hosts"),
  }),
});

export const packingSchema = z.object({
  demand: z.object({
    tasks: z.number(),
    cpu: z.number(),
    memory: z.number(),
    awsvpcTasks: z.number(),
    rolling: z.object({ label: z.string(), tasks: z.number() }).nullable().describe("the largest rolling deployment's extra tasks"),
    services: z
      .array(z.object({ service: z.string(), tasks: z.number(), cpu: z.number(), memory: z.number() }))
      .describe("right-sized tasks at each service's observed peak count"),
  }),
  current: z.object({ instanceTypes: z.record(z.string(), z.number()), monthlyUsd: usd }),
  best: packedFleetSchema.describe("the cheapest packing, same CPU architecture as today"),
  alternatives: z.array(packedFleetSchema).describe("the next cheapest single-type packings"),
  graviton: packedFleetSchema.nullable().describe("the cheapest packing on arm64 (Graviton), for x86 clusters"),
  savingsMonthlyUsd: usd.describe("current instances − best packing"),
  typesConsidered: z.number(),
  minHosts: z
    .number()
    .describe(
      "fewest hosts a packing may use: the policy's minimum, or the Availability Zones in use if more (then rounded up to a multiple of availability.zones)",
    ),
  capacityEstimated: z.boolean().describe("true when a chosen type's registered capacity is estimated (not seen in the cluster)"),
  registeredMemoryShares: z
    .record(z.string(), z.number())
    .describe("share of nominal memory the cluster's hosts register, per family seen: what unseen types are assumed to register"),
  availability: z
    .object({
      zones: z.number().describe("the packing's hosts are a multiple of this"),
      zonesFrom: z.enum(["policy", "hosts", "default"]).describe("--zones, the zones the cluster's hosts are in, or the default (3)"),
      maxServiceSharePercent: z.number().describe("no host holds more than this share of any service's tasks (at least one)"),
      maxInstanceSize: z.string().nullable().describe("no host larger than this size (--max-instance-size)"),
    })
    .describe("what the packing keeps for availability"),
  trunking: packedFleetSchema
    .extend({ savingsMonthlyUsd: usd.describe("less than the best (ENI-bound) packing"), text: z.string() })
    .nullable()
    .describe("awsvpc tasks: the packing with awsvpcTrunking on, when ENIs limit the best one and trunking would cost less"),
  daemonsPerHost: z
    .object({ cpu: z.number(), memory: z.number(), services: z.array(z.string()) })
    .nullable()
    .optional()
    .describe("DAEMON services' right-sized tasks, kept on every packed host (not packed as tasks); added in 1.x"),
});

export const fargateComparisonSchema = z.object({
  ec2CurrentMonthlyUsd: usd,
  ec2PackedMonthlyUsd: usd.nullable(),
  fargateX86MonthlyUsd: usd.describe("the right-sized tasks on Fargate at their average count"),
  fargateArmMonthlyUsd: usd,
  fargateSpotMonthlyUsd: usd.describe("Fargate x86 with spotShare of the tasks on Fargate Spot (not those of spotUnsuited)"),
  spotShare: z.number(),
  spotDiscount: z.number().describe('the discount assumed when spotPrice is "assumed"'),
  spotPrice: z
    .enum(["price-list", "assumed"])
    .optional()
    .describe("Spot at the Price List's Spot rates, or On-Demand less spotDiscount (an 'up to' figure; Spot prices vary); added in 1.x"),
  spotUnsuited: z
    .array(z.string())
    .optional()
    .describe("services kept On-Demand in the Spot line: a single task (an interruption stops it) or Windows; added in 1.x"),
  cheapest: z.string(),
});

export const clusterFindingSchema = z.object({
  account: z.string().nullable().optional().describe("the AWS account (null: not known, e.g. the demo's); added in 1.x"),
  region: z.string().optional().describe("the AWS region; added in 1.x"),
  cluster: z.string(),
  kind: z.enum(["fargate", "ec2", "mixed"]),
  services: z.number(),
  servicesMonthlyUsd: usd.describe("sum of the current cost of the cluster's services"),
  ec2: z
    .object({
      instances: z.number(),
      instanceTypes: z.record(z.string(), z.number()).describe("instance type → count"),
      monthlyUsd: usd.nullable().describe("On-Demand cost of the container instances"),
      registered: z.object({ cpu: z.number(), memory: z.number() }),
      reserved: z.object({ cpu: z.number(), memory: z.number() }).describe("registered − remaining"),
      reservedPercent: z.object({ cpu: z.number(), memory: z.number() }),
      unreservedMonthlyUsd: usd
        .nullable()
        .describe("what the capacity unreserved when the snapshot was collected costs (a moment, not the window)"),
      servicesMonthlyUsd: usd
        .nullable()
        .describe("the EC2 services' shares of the instances: their tasks' reservations at the unit prices, at their average task counts"),
      idleMonthlyUsd: usd.nullable().describe("monthlyUsd − servicesMonthlyUsd: paid for, and reserved by no service over the window"),
      plan: z
        .object({
          from: z.enum(["packing", "hosts"]).describe("packing: the cheapest packing below; hosts: the desired hosts of the main type"),
          monthlyUsd: usd.describe("what the hosts of the plan cost"),
          savingsMonthlyUsd: usd.describe("monthlyUsd of the instances now − the plan's: the EC2 hosts lever"),
        })
        .nullable()
        .describe("the host plan that realises the EC2 services' savings (EC2 hosts are paid whatever the tasks reserve)"),
      unitPrices: z
        .object({ cpuUnitHour: z.number(), memoryMiBHour: z.number() })
        .nullable()
        .describe("how instance cost is split onto task reservations"),
      unpricedInstanceTypes: z.array(z.string()),
    })
    .nullable(),
  hostScaling: hostScalingSchema.nullable().describe("EC2 clusters: headroom now, the scaling rule and hosts to run"),
  packing: packingSchema.nullable().describe("EC2 clusters: the right-sized tasks packed onto the cheapest hosts"),
  fargateComparison: fargateComparisonSchema.nullable().describe("EC2 clusters: the same right-sized fleet on Fargate"),
});
export type ClusterFinding = z.infer<typeof clusterFindingSchema>;

/** One account-region of the report: what it covers and costs, or why it is missing. */
export const scopeSchema = z.object({
  account: z.string().nullable().describe("null: not known (the demo, a snapshot without it, a profile that could not be used)"),
  region: z.string().nullable().describe("null: every region of the account (a gap before any region was read)"),
  label: z.string().optional().describe("how the user named it, e.g. the profile"),
  status: z.enum(["collected", "gap"]).describe("gap: could not be collected; the report is complete for the others"),
  gap: z.object({ code: z.string(), message: z.string() }).nullable().describe("why a gap is one"),
  collectedAt: z.string().nullable(),
  services: z.number(),
  changes: z.number(),
  risks: z.number(),
  nowMonthlyUsd: usd,
  realisableSavingsMonthlyUsd: usd,
  afterMonthlyUsd: usd,
  prices: z.object({ source: z.string(), asOf: z.string(), region: z.string() }).nullable(),
});
export type Scope = z.infer<typeof scopeSchema>;

export const trendPointSchema = z.object({
  at: z.string().describe("when the run was made (its generatedAt)"),
  nowMonthlyUsd: usd.describe("what the estate cost then"),
  afterMonthlyUsd: usd.describe("what it would cost with every recommendation applied (the recommended fleet)"),
  realisableSavingsMonthlyUsd: usd,
  realisedMonthlyUsd: usd.describe("saved by recommendations applied since the run before"),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const historySchema = z.object({
  runs: z.number().describe("earlier runs of this account-region read from the history"),
  skipped: z.array(z.string()).describe("entries that could not be read (named; never deleted)"),
  sinceLast: diffSchema.nullable().describe("this run against the last stored one; null on the first run"),
  trend: z.array(trendPointSchema).describe("every stored run of this account-region, oldest first, this one last"),
  realisedMonthlyUsd: usd.describe("Σ trend[].realisedMonthlyUsd: saved by applied recommendations over the history"),
});
export type ReportHistory = z.infer<typeof historySchema>;

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  generatedAt: z.string(),
  tool: z.object({ name: z.literal("ecs-advisor"), version: z.string() }),
  source: z.object({
    kind: z.enum(["demo", "snapshot", "aws"]),
    region: z.string().describe('the region; "multiple" when the report covers several (see scopes)'),
    accounts: z.array(z.string()).optional().describe("the accounts the report covers (collected or not); added in 1.x"),
    regions: z.array(z.string()).optional().describe("the regions the report covers; added in 1.x"),
    collectedAt: z.string(),
    description: z.string().optional(),
    window: z.object({
      start: z.string(),
      end: z.string(),
      periodSeconds: z.number().describe("period of the stored series"),
      sourcePeriodSeconds: z.number().describe("period of the data sizing used (CloudWatch's, when series were stored coarser)"),
    }),
    prices: z.object({ source: z.string(), asOf: z.string(), region: z.string(), currency: z.literal("USD") }),
  }),
  policy: z.record(z.string(), z.unknown()).describe("the effective advisor policy"),
  totals: z.object({
    currentMonthlyUsd: usd,
    recommendedMonthlyUsd: usd,
    savingsMonthlyUsd: usd.describe("currentMonthlyUsd − recommendedMonthlyUsd"),
    services: z.number(),
    withAdvice: z.number().describe("services with a recommendation"),
    changes: z.number().describe("services whose recommendation differs from what runs now"),
    risks: z.number().describe("services with at least one risk reason"),
    unpricedServices: z.number().describe("services left out of the dollar totals (no price)"),
    ec2UnreservedMonthlyUsd: usd.describe("EC2 capacity no task reserves; recovered only by scaling hosts in"),
    autoscalingSavingsMonthlyUsd: usd.describe("net of the services' autoscaling advice (not in savingsMonthlyUsd)"),
    ec2PackingSavingsMonthlyUsd: usd.describe(
      "current EC2 instances − the best packings; overlaps the EC2 services' savings, which it realises",
    ),
    nowMonthlyUsd: usd.describe("what AWS bills now for what the report covers: fargateMonthlyUsd + ec2InstancesMonthlyUsd"),
    fargateMonthlyUsd: usd.describe("the Fargate services' tasks"),
    ec2InstancesMonthlyUsd: usd.describe("the EC2 clusters' container instances (every task on them included)"),
    ec2IdleMonthlyUsd: usd.describe("the part of ec2InstancesMonthlyUsd no service reserves (Σ clusters' ec2.idleMonthlyUsd)"),
    byLever: z
      .object({
        fargateRightsizingMonthlyUsd: usd.describe("Σ the Fargate services' savingsMonthlyUsd"),
        ec2HostsMonthlyUsd: usd.describe(
          "Σ the EC2 clusters' ec2.plan.savingsMonthlyUsd: right-sizing, repacking and scale-in, realised by hosts",
        ),
        autoscalingMonthlyUsd: usd.describe("Σ the Fargate services' autoscaling savings (EC2 services' come through the host plan)"),
      })
      .describe("every saving in exactly one lever"),
    realisableSavingsMonthlyUsd: usd.describe("Σ byLever: the headline"),
    afterMonthlyUsd: usd.describe("nowMonthlyUsd − realisableSavingsMonthlyUsd"),
  }),
  services: z.array(serviceFindingSchema),
  clusters: z.array(clusterFindingSchema),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  scopes: z
    .array(scopeSchema)
    .optional()
    .describe("each account-region: its totals, or the gap that kept it out (sorted by account, region); added in 1.x"),
  history: historySchema.optional().describe("with --history: what changed since the last run, and the trend; added in 1.x"),
});
export type Report = z.infer<typeof reportSchema>;
