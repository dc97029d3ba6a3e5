// Seam 2: the Report — the advisor's findings as data. Every output format is a pure function of it.
// `--format json` writes it; this schema is the published contract (schema/report-v1.schema.json).
// Money in the Report model is unrounded USD; the JSON reporter rounds to cents at the edge.
import { z } from "zod";

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
  // cost and inputs
  "no-price",
  "cpu-not-reserved",
  "memory-not-reserved",
  "task-definition-missing",
  "external-launch-type",
  "collection-incomplete",
  "windows-minimum",
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
});
export type ResourceEvidence = z.infer<typeof resourceEvidenceSchema>;

export const serviceFindingSchema = z.object({
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
    deploymentsInWindow: z.number(),
    oomKills: z.number(),
    hourlyUsdPerTask: z.object({ current: z.number().nullable(), recommended: z.number().nullable() }),
  }),
});
export type ServiceFinding = z.infer<typeof serviceFindingSchema>;

export const clusterFindingSchema = z.object({
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
      unreservedMonthlyUsd: usd.nullable().describe("what the unreserved part of the instances costs"),
      unitPrices: z
        .object({ cpuUnitHour: z.number(), memoryMiBHour: z.number() })
        .nullable()
        .describe("how instance cost is split onto task reservations"),
      unpricedInstanceTypes: z.array(z.string()),
    })
    .nullable(),
});
export type ClusterFinding = z.infer<typeof clusterFindingSchema>;

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  generatedAt: z.string(),
  tool: z.object({ name: z.literal("ecs-advisor"), version: z.string() }),
  source: z.object({
    kind: z.enum(["demo", "snapshot", "aws"]),
    region: z.string(),
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
  }),
  services: z.array(serviceFindingSchema),
  clusters: z.array(clusterFindingSchema),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});
export type Report = z.infer<typeof reportSchema>;
