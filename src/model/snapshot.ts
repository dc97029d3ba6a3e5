// Seam 1: the Snapshot — everything the advisor needs, as data. Live collection, snapshot files and the
// demo fleet all produce this. It is validated once at the boundary (see collect/file.ts) and trusted inside.
import { z } from "zod";

export const SNAPSHOT_SCHEMA_VERSION = 1;

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

export function toSeries(values: ReadonlyArray<number | null>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? Number.NaN : v;
  }
  return out;
}

/**
 * A utilization or count series on a regular grid: one value per period, `null` where CloudWatch had no
 * datapoint. Held in memory as a Float32Array with NaN for gaps (4 bytes a point, so large estates fit).
 * Checked with a plain loop: zod's per-element checking costs ~100 ns a point, and estates have millions.
 */
export const seriesSchema = z
  .custom<ReadonlyArray<number | null>>(
    (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x !== null && (typeof x !== "number" || x - x !== 0)) return false; // x - x is NaN for ±Infinity and NaN
      }
      return true;
    },
    { error: "expected an array of numbers (null for a missing datapoint)" },
  )
  .transform(toSeries)
  .meta({ id: "Series", description: "one value per period from utilization.start; null = no datapoint" });

export type Series = Float32Array;

export const resourcesSchema = z.object({
  cpu: z.number().nonnegative().describe("CPU units (1024 = 1 vCPU)"),
  memory: z.number().nonnegative().describe("MiB"),
});

export const containerSchema = z.object({
  name: z.string().min(1),
  cpu: z.number().nonnegative().optional().describe("container cpu units (cpu shares)"),
  memory: z.number().positive().optional().describe("hard limit, MiB"),
  memoryReservation: z.number().positive().optional().describe("soft limit, MiB"),
  essential: z.boolean().optional(),
  gpu: z.number().int().positive().optional().describe("GPUs the container reserves (resourceRequirements type GPU)"),
});

export const taskDefinitionSchema = z.object({
  arn: z.string().optional(),
  family: z.string().min(1),
  revision: z.number().int().positive(),
  cpu: z.number().positive().optional().describe("task-level cpu units"),
  memory: z.number().positive().optional().describe("task-level memory, MiB"),
  networkMode: z.enum(["awsvpc", "bridge", "host", "none"]).optional(),
  requiresCompatibilities: z.array(z.string()).optional(),
  cpuArchitecture: z.enum(["X86_64", "ARM64"]).default("X86_64"),
  operatingSystemFamily: z.string().default("LINUX"),
  ephemeralStorageGiB: z.number().positive().optional(),
  containers: z.array(containerSchema).min(1),
});

export const capacityProviderStrategyItemSchema = z.object({
  capacityProvider: z.string().min(1),
  weight: z.number().nonnegative().default(0),
  base: z.number().int().nonnegative().default(0),
});

export const deploymentSchema = z.object({
  id: z.string().optional(),
  status: z.string().optional().describe("PRIMARY, ACTIVE, SUCCESSFUL, ROLLBACK_…"),
  taskDefinition: z.string().optional().describe("family:revision"),
  startedAt: isoTime,
  finishedAt: isoTime.optional(),
});

export const stoppedTaskSchema = z.object({
  taskArn: z.string().optional(),
  taskDefinition: z.string().optional(),
  stoppedAt: isoTime,
  stopCode: z.string().optional(),
  stoppedReason: z.string().optional(),
  containers: z
    .array(
      z.object({
        name: z.string(),
        exitCode: z.number().int().nullable().optional(),
        reason: z.string().optional(),
      }),
    )
    .default([]),
});

export const scalingPolicySchema = z.object({
  name: z.string(),
  type: z.enum(["TargetTrackingScaling", "StepScaling", "PredictiveScaling"]),
  targetTracking: z
    .object({
      metric: z.string().describe("predefined metric type (e.g. ECSServiceAverageCPUUtilization) or custom metric name"),
      targetValue: z.number(),
      scaleInCooldown: z.number().nonnegative().optional(),
      scaleOutCooldown: z.number().nonnegative().optional(),
      disableScaleIn: z.boolean().optional(),
    })
    .optional(),
});

export const autoscalingSchema = z.object({
  minCapacity: count,
  maxCapacity: count,
  policies: z.array(scalingPolicySchema).default([]),
});

/**
 * Exact statistics of one series at the resolution CloudWatch served (`sourcePeriodSeconds`), kept when
 * the stored series is coarser, so sizing does not depend on how large the estate was.
 */
export const seriesSummarySchema = z.object({
  points: count.describe("periods with data at the source resolution"),
  quantiles: z
    .record(z.string().regex(/^\d+(\.\d+)?$/), z.number())
    .describe('nearest-rank percentiles at the source resolution, keyed "50", "95", "99.5", "100"…'),
  mean: z.number().optional().describe("mean at the source resolution (added in 1.x)"),
  cappedMeans: z
    .record(z.string().regex(/^\d+(\.\d+)?$/), z.number())
    .optional()
    .describe("mean of min(value, that percentile) for each kept percentile: what a size there would have served (added in 1.x)"),
});
export type SeriesSummary = z.output<typeof seriesSummarySchema>;

/**
 * One container's usage in absolute units, per period: the hottest task's container (Maximum over the
 * service's tasks). From ECS/ContainerInsights ContainerCpuUtilized and ContainerMemoryUtilized with the
 * dimensions {ClusterName, ServiceName, ContainerName}.
 */
export const containerUsageSchema = z.object({
  name: z.string().min(1).describe("containerDefinitions[].name"),
  cpuMaximum: seriesSchema.describe("ContainerCpuUtilized Maximum: cpu units the container used"),
  memoryMaximum: seriesSchema.describe("ContainerMemoryUtilized Maximum: MiB the container used"),
});
export type ContainerUsage = z.output<typeof containerUsageSchema>;

export const utilizationSchema = z
  .object({
    start: isoTime.describe("time of the first value"),
    periodSeconds: z.number().int().positive(),
    sourcePeriodSeconds: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("period CloudWatch served, when the stored series were folded to a coarser periodSeconds"),
    summary: z
      .object({
        cpuAverage: seriesSummarySchema,
        cpuMaximum: seriesSummarySchema,
        memoryAverage: seriesSummarySchema,
        memoryMaximum: seriesSummarySchema,
      })
      .optional()
      .describe("exact statistics at sourcePeriodSeconds"),
    cpuAverage: seriesSchema.describe("AWS/ECS CPUUtilization Average, percent of the task's cpu"),
    cpuMaximum: seriesSchema.describe("AWS/ECS CPUUtilization Maximum: the hottest task"),
    memoryAverage: seriesSchema,
    memoryMaximum: seriesSchema,
    runningTasks: seriesSchema.describe("running tasks (CPUUtilization SampleCount at 60 s, or Container Insights)"),
    containers: z
      .array(containerUsageSchema)
      .optional()
      .describe("per-container usage (Container Insights with enhanced observability); added in 1.x, absent when not collected"),
  })
  .superRefine((u, ctx) => {
    const n = u.cpuAverage.length;
    for (const key of ["cpuMaximum", "memoryAverage", "memoryMaximum", "runningTasks"] as const) {
      if (u[key].length !== n)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `has ${u[key].length} values but cpuAverage has ${n}; every series must cover the same periods`,
        });
    }
    (u.containers ?? []).forEach((c, i) => {
      for (const key of ["cpuMaximum", "memoryMaximum"] as const) {
        if (c[key].length !== n)
          ctx.addIssue({
            code: "custom",
            path: ["containers", i, key],
            message: `has ${c[key].length} values but cpuAverage has ${n}; every series must cover the same periods`,
          });
      }
    });
  });

export const serviceSchema = z.object({
  cluster: z.string().min(1),
  name: z.string().min(1),
  arn: z.string().optional(),
  launchType: z.enum(["FARGATE", "EC2", "EXTERNAL"]).optional(),
  capacityProviderStrategy: z.array(capacityProviderStrategyItemSchema).optional(),
  platformVersion: z.string().optional(),
  schedulingStrategy: z
    .enum(["REPLICA", "DAEMON"])
    .optional()
    .describe("DAEMON: one task on every container instance (absent: REPLICA, the default)"),
  taskDefinition: z.string().min(1).describe("family:revision of the task definition the service runs now"),
  desiredCount: count,
  runningCount: count,
  pendingCount: count.optional(),
  createdAt: isoTime.optional(),
  deploymentConfiguration: z.object({ maximumPercent: z.number().optional(), minimumHealthyPercent: z.number().optional() }).optional(),
  deployments: z.array(deploymentSchema).default([]),
  deploymentHistory: z
    .enum(["complete", "current-only"])
    .default("complete")
    .describe("current-only: only the deployments in progress are known, not earlier ones in the window"),
  stoppedTasks: z.array(stoppedTaskSchema).default([]),
  autoscaling: autoscalingSchema.optional(),
  utilization: utilizationSchema.optional().describe("absent when CloudWatch had no metrics for the service"),
});

export const capacityProviderSchema = z.object({
  name: z.string().min(1),
  type: z.enum(["FARGATE", "FARGATE_SPOT", "ASG"]),
  autoScalingGroup: z.string().optional(),
  managedScaling: z
    .object({
      status: z.enum(["ENABLED", "DISABLED"]),
      targetCapacity: z.number().optional(),
      minimumScalingStepSize: z.number().optional(),
      maximumScalingStepSize: z.number().optional(),
      instanceWarmupPeriod: z.number().optional(),
    })
    .optional(),
  managedTerminationProtection: z
    .enum(["ENABLED", "DISABLED"])
    .optional()
    .describe("ENABLED: ECS scales in only instances running no tasks (besides daemons)"),
});

export const clusterSchema = z.object({
  name: z.string().min(1),
  arn: z.string().optional(),
  capacityProviders: z.array(capacityProviderSchema).default([]),
  defaultCapacityProviderStrategy: z.array(capacityProviderStrategyItemSchema).default([]),
});

export const containerInstanceSchema = z.object({
  cluster: z.string().min(1),
  id: z.string().min(1),
  arn: z.string().optional(),
  ec2InstanceId: z.string().optional(),
  instanceType: z.string().optional(),
  status: z.string().default("ACTIVE"),
  agentConnected: z.boolean().default(true),
  registered: resourcesSchema,
  remaining: resourcesSchema,
  runningTasks: count.optional(),
  pendingTasks: count.optional(),
  capacityProvider: z.string().optional(),
  cpuArchitecture: z.enum(["X86_64", "ARM64"]).optional(),
  availabilityZone: z.string().optional(),
});

const fargateRateSchema = z.object({
  vcpuHour: z.number().nonnegative(),
  gbHour: z.number().nonnegative(),
});

export const pricesSchema = z.object({
  currency: z.literal("USD"),
  region: z.string().min(1),
  source: z.string().min(1).describe("where the prices came from, for the report"),
  asOf: z.string().min(1).describe("publication or retrieval date of the prices"),
  fargate: z.object({
    linuxX86: fargateRateSchema,
    linuxArm64: fargateRateSchema,
    windowsX86: fargateRateSchema.extend({ osLicenseVcpuHour: z.number().nonnegative() }).optional(),
    linuxX86Spot: fargateRateSchema
      .optional()
      .describe("Fargate Spot rates, when the Price List lists them (else spotDiscount is assumed)"),
    linuxArm64Spot: fargateRateSchema.optional(),
    ephemeralGbHour: z.number().nonnegative().default(0),
    spotDiscount: z.number().min(0).max(1).optional().describe("assumed Fargate Spot discount (0.7 = 70 % off); Spot prices vary"),
  }),
  ec2: z
    .record(
      z.string(),
      z.object({
        hourly: z.number().nonnegative().describe("On-Demand Linux USD per hour"),
        vcpu: z.number().positive(),
        memoryMiB: z.number().positive(),
        arch: z.enum(["x86_64", "arm64"]),
        maxNetworkInterfaces: z.number().int().positive().optional().describe("ENIs the type supports (else estimated from its size)"),
      }),
    )
    .default({}),
});

export const collectionIssueSchema = z.object({
  code: z.string(),
  message: z.string(),
  services: z.array(z.string()).optional().describe("cluster/service names the issue affects"),
});

export const snapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  collectedAt: isoTime,
  source: z.object({
    kind: z.enum(["demo", "aws", "synthetic"]),
    region: z.string().min(1),
    accountId: z.string().optional(),
    tool: z.string().optional().describe("what wrote the snapshot, e.g. ecs-advisor 0.1.0"),
    description: z.string().optional(),
  }),
  window: z.object({ start: isoTime, end: isoTime, periodSeconds: z.number().int().positive() }),
  clusters: z.array(clusterSchema).default([]),
  services: z.array(serviceSchema),
  taskDefinitions: z.array(taskDefinitionSchema),
  containerInstances: z.array(containerInstanceSchema).default([]),
  prices: pricesSchema.optional().describe("absent: the bundled us-east-1 price book is used"),
  issues: z.array(collectionIssueSchema).default([]).describe("what collection could not get"),
  autoscalingUnknown: z
    .boolean()
    .optional()
    .describe("Application Auto Scaling could not be read: a service without autoscaling is not known not to scale"),
});

export type Snapshot = z.output<typeof snapshotSchema>;
export type SnapshotInput = z.input<typeof snapshotSchema>;
export type Service = Snapshot["services"][number];
export type TaskDefinition = Snapshot["taskDefinitions"][number];
export type Container = TaskDefinition["containers"][number];
export type ContainerInstance = Snapshot["containerInstances"][number];
export type Cluster = Snapshot["clusters"][number];
export type Prices = NonNullable<Snapshot["prices"]>;
export type Utilization = NonNullable<Service["utilization"]>;
export type Autoscaling = NonNullable<Service["autoscaling"]>;
export type Deployment = Service["deployments"][number];
export type StoppedTask = Service["stoppedTasks"][number];
export type CapacityProviderStrategyItem = NonNullable<Service["capacityProviderStrategy"]>[number];

export const taskDefinitionRef = (td: Pick<TaskDefinition, "family" | "revision">): string => `${td.family}:${td.revision}`;
export const serviceKey = (s: Pick<Service, "cluster" | "name">): string => `${s.cluster}/${s.name}`;

/**
 * Snapshot version 2: many account-regions in one file. Each part is a whole version 1 snapshot of one
 * account and region (its own window, prices and issues); `gaps` name the account-regions that could not
 * be collected. A collection of one account-region is still written as version 1, which older versions read.
 */
export const ESTATE_SCHEMA_VERSION = 2;

export const gapSchema = z.object({
  account: z.string().nullable().describe("the account that could not be read (null: unknown, e.g. a profile's)"),
  region: z.string().nullable().describe("the region (null: the whole account, e.g. its role could not be assumed)"),
  label: z.string().optional().describe("how the user named it, e.g. the profile"),
  code: z.string().describe("access-denied, throttled, region-disabled, credentials, other…"),
  message: z.string(),
});
export type Gap = z.output<typeof gapSchema>;

export const estateSchema = z.object({
  schemaVersion: z.literal(ESTATE_SCHEMA_VERSION),
  collectedAt: isoTime,
  tool: z.string().optional(),
  parts: z.array(snapshotSchema).describe("one version 1 snapshot per account-region"),
  gaps: z.array(gapSchema).default([]).describe("account-regions that could not be collected, and why"),
});

/** What a run advises on: one or more account-regions, and the ones it could not read. */
export interface Estate {
  parts: Snapshot[];
  gaps: Gap[];
}

/** "111111111111/eu-west-1" — an account-region as reports name it ("-" for an unknown account). */
export const scopeName = (account: string | null | undefined, region: string | null | undefined): string =>
  `${account ?? "-"}/${region ?? "*"}`;
