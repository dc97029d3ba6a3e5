// The Diff — what changed between two reports (`ecs-advisor diff --format json`, schema/diff-v1.schema.json).
// Money is USD a month, rounded to cents (it is worked out from published, rounded reports).
import { z } from "zod";

export const DIFF_SCHEMA_VERSION = 1;

const usd = z.number().describe("USD per month");

export const serviceRefSchema = z.object({
  account: z.string().nullable(),
  region: z.string().nullable(),
  cluster: z.string(),
  service: z.string(),
});
export type ServiceRef = z.infer<typeof serviceRefSchema>;

const sizeSchema = z.object({ cpu: z.number().nullable(), memory: z.number().nullable() });
export type SizeRef = z.infer<typeof sizeSchema>;

const runSchema = z.object({
  generatedAt: z.string(),
  collectedAt: z.string(),
  services: z.number(),
  changes: z.number(),
  risks: z.number(),
  nowMonthlyUsd: usd.describe("what the estate cost then (the report's totals.nowMonthlyUsd)"),
  realisableSavingsMonthlyUsd: usd,
  afterMonthlyUsd: usd,
});
export type DiffRun = z.infer<typeof runSchema>;

const recommendationSchema = serviceRefSchema.extend({
  action: z.enum(["downsize", "upsize", "resize", "keep", "none"]),
  confidence: z.enum(["high", "medium", "low", "none"]), // CONFIDENCE_LEVELS (report.ts imports this file)
  current: sizeSchema,
  recommended: sizeSchema.nullable(),
  savingsMonthlyUsd: usd.nullable(),
});

const riskSchema = serviceRefSchema.extend({ code: z.string(), message: z.string() });

export const diffSchema = z.object({
  schemaVersion: z.literal(DIFF_SCHEMA_VERSION),
  kind: z.literal("ecs-advisor-diff"),
  tool: z.object({ name: z.literal("ecs-advisor"), version: z.string() }),
  old: runSchema.describe("the earlier report"),
  new: runSchema.describe("the later report"),
  fleet: z.object({
    nowChangeMonthlyUsd: usd.describe("new.nowMonthlyUsd − old.nowMonthlyUsd: what the bill moved by (demand included)"),
    realisableChangeMonthlyUsd: usd.describe("new − old realisable savings"),
    realisedMonthlyUsd: usd.describe("Σ applied[].realisedMonthlyUsd of Fargate services: the bill drops by it with the task size"),
    whenHostsScaleInMonthlyUsd: usd.describe(
      "Σ applied[].realisedMonthlyUsd of EC2 services: reservations freed on the hosts, saved only when the hosts scale in (not in realisedMonthlyUsd)",
    ),
  }),
  added: z.array(serviceRefSchema.extend({ monthlyUsd: usd.nullable() })).describe("services only in the later report"),
  removed: z.array(serviceRefSchema.extend({ monthlyUsd: usd.nullable() })).describe("services only in the earlier report"),
  newRecommendations: z
    .array(recommendationSchema)
    .describe("changes advised now that were not before (a new service's included, or the advice turned the other way)"),
  resolvedRecommendations: z
    .array(recommendationSchema.extend({ how: z.enum(["applied", "no-longer-advised"]) }))
    .describe("changes advised before that are not now (as they were advised then)"),
  applied: z
    .array(
      serviceRefSchema.extend({
        launchType: z.enum(["FARGATE", "EC2", "EXTERNAL"]),
        taskDefinitionThen: z.string(),
        taskDefinitionNow: z.string(),
        before: sizeSchema.describe("the size the earlier report saw"),
        advised: sizeSchema.describe("what the earlier report recommended"),
        after: sizeSchema.describe("the size it runs now"),
        complete: z.boolean().describe("false: moved towards the advice but not all the way"),
        tasks: z.number().describe("average running tasks now"),
        realisedMonthlyUsd: usd
          .nullable()
          .describe("(per-task price then − now) × tasks × 730; EC2 services' is realised when their hosts scale in"),
      }),
    )
    .describe("recommendations acted on: a new task-definition revision at (or closer to) the advised size"),
  risksAppeared: z.array(riskSchema),
  risksGone: z.array(riskSchema).describe("risks of services in both reports that are gone"),
});
export type Diff = z.infer<typeof diffSchema>;
export type DiffService = Diff["added"][number];
