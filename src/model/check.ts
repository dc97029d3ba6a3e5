// The result of `ecs-advisor check`: verdicts on proposed task definitions, as data. `--format json`
// writes it (schema/check-v1.schema.json); text, markdown and github annotations are pure functions of it.
import { z } from "zod";
import type { TaskDefinition } from "./snapshot.js";

export const CHECK_SCHEMA_VERSION = 1;

export const TASK_DEFINITION_FORMATS = [
  "register-task-definition",
  "describe-task-definition",
  "cloudformation",
  "terraform-plan",
  "container-definitions",
] as const;
export type TaskDefinitionFormat = (typeof TASK_DEFINITION_FORMATS)[number];

/** A task definition read from a file for `check`, with the lines of its sizes (for annotations). */
export interface ProposedTaskDefinition {
  file: string;
  /** The family, or the CloudFormation logical ID when the template sets no Family. */
  name: string;
  family: string | undefined;
  format: TaskDefinitionFormat;
  /** Line of the task definition (its resource, or the document) and of the fields rules point at. */
  line: number | undefined;
  lines: {
    cpu?: number | undefined;
    memory?: number | undefined;
    compatibilities?: number | undefined;
    containers: Array<{
      line?: number | undefined;
      cpu?: number | undefined;
      memory?: number | undefined;
      memoryReservation?: number | undefined;
    }>;
  };
  taskDefinition: TaskDefinition;
  /** What was read with a caveat (an unevaluated Family or container name, a templated family). */
  notes?: string[] | undefined;
}

/** The rules' ids, as the JSON schema knows them; the rules themselves are src/advisor/check-rules.ts. */
export const CHECK_RULES = [
  "invalid-fargate-size",
  "container-sum-exceeds-task",
  "memory-below-peak",
  "cpu-below-need",
  "overprovisioned",
  "cost-increase",
  "no-evidence",
] as const;
export type CheckRule = (typeof CHECK_RULES)[number];

/** What `--fail-on` names: groups of rules (each rule's group is in src/advisor/check-rules.ts). */
export const CATEGORIES = ["invalid", "risk", "cost", "evidence"] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ["error", "warning", "off"] as const;
export type RuleSeverity = (typeof SEVERITIES)[number];

const usd = z.number().describe("USD per month");
const size = z.object({ cpu: z.number().nullable(), memory: z.number().nullable(), monthlyUsd: usd.nullable() });

export const violationSchema = z.object({
  rule: z.enum(CHECK_RULES),
  severity: z.enum(["error", "warning"]).describe("error fails the check (exit 1); warning is reported only"),
  existing: z.boolean().describe("the task definition running now has the same problem: reported as a warning, not caused by this change"),
  message: z.string(),
  file: z.string(),
  line: z.number().nullable(),
  service: z.string().nullable().describe("cluster/service the evidence came from, for evidence rules"),
});
export type Violation = z.infer<typeof violationSchema>;

export const checkedServiceSchema = z.object({
  cluster: z.string(),
  service: z.string(),
  launchType: z.enum(["FARGATE", "EC2", "EXTERNAL"]),
  taskDefinition: z.string().describe("what the service runs now (family:revision)"),
  tasks: z.number().describe("average running tasks over the window"),
  current: size,
  proposed: size,
  recommended: size.nullable().describe("the advisor's recommendation from the evidence; null when it has none"),
  deltaMonthlyUsd: usd.nullable().describe("proposed − current"),
  confidence: z.enum(["high", "medium", "low", "none"]),
  evidence: z.object({
    cpuNeededUnits: z.number().nullable().describe("observed cpu ÷ the cpu target"),
    cpuStatistic: z.string(),
    memoryPeakMiB: z.number().nullable().describe("the observed memory statistic in MiB (the peak by default)"),
    memoryStatistic: z.string(),
    oomKills: z.number(),
    dataHours: z.number(),
    cpuTargetTracking: z.boolean().describe("target tracking holds CPU: a smaller cpu only adds tasks"),
  }),
});
export type CheckedService = z.infer<typeof checkedServiceSchema>;

export const checkedTaskDefinitionSchema = z.object({
  file: z.string(),
  line: z.number().nullable(),
  name: z.string().describe("the family, or the CloudFormation logical ID when the template sets no Family"),
  family: z.string().nullable(),
  format: z.enum(TASK_DEFINITION_FORMATS),
  proposed: z.object({
    cpu: z.number().nullable().describe("task-level cpu units, else the sum of the containers'"),
    memory: z.number().nullable().describe("task-level MiB, else the sum of the containers' reservations"),
    taskCpu: z.number().nullable(),
    taskMemory: z.number().nullable(),
    containers: z.array(
      z.object({ name: z.string(), cpu: z.number().nullable(), memory: z.number().nullable(), memoryReservation: z.number().nullable() }),
    ),
    compatibilities: z.array(z.string()),
    cpuArchitecture: z.string(),
    operatingSystemFamily: z.string(),
  }),
  matchedBy: z.enum(["family", "service-option", "none"]),
  services: z.array(checkedServiceSchema),
  deltaMonthlyUsd: usd.nullable(),
  violations: z.array(violationSchema),
});
export type CheckedTaskDefinition = z.infer<typeof checkedTaskDefinitionSchema>;

export const checkedFileSchema = z.object({
  file: z.string(),
  status: z.enum(["checked", "skipped", "error"]),
  taskDefinitions: z.number().describe("task definitions read from it"),
  message: z.string().nullable().describe("what is wrong (error) or why it was skipped"),
  hint: z.string().nullable().describe("what to do about it"),
  line: z.number().nullable(),
  column: z.number().nullable(),
});
export type CheckedFile = z.infer<typeof checkedFileSchema>;

export const checkResultSchema = z.object({
  schemaVersion: z.literal(CHECK_SCHEMA_VERSION),
  kind: z.literal("ecs-advisor-check"),
  generatedAt: z.string(),
  tool: z.object({ name: z.literal("ecs-advisor"), version: z.string() }),
  evidence: z
    .object({
      kind: z.enum(["demo", "snapshot", "aws"]),
      region: z.string(),
      collectedAt: z.string(),
      window: z.object({ start: z.string(), end: z.string() }),
      prices: z.object({ source: z.string(), asOf: z.string() }),
    })
    .describe("where the usage and prices came from"),
  verdict: z
    .enum(["pass", "fail", "error"])
    .describe("error when a file could not be checked (exit 2); else fail when any violation has severity error (exit 1)"),
  totals: z.object({
    taskDefinitions: z.number(),
    services: z.number(),
    currentMonthlyUsd: usd,
    proposedMonthlyUsd: usd,
    deltaMonthlyUsd: usd,
    deltaPercent: z.number().nullable().describe("null when nothing runs now"),
    errors: z.number(),
    warnings: z.number(),
    fileErrors: z.number().optional().describe("files that could not be checked (each in `files`)"),
  }),
  policy: z.object({
    failOn: z.array(z.string()),
    maxIncrease: z.object({ usd: z.number().nullable(), percent: z.number().nullable() }),
    overprovisionedPercent: z.number(),
    requireEvidence: z.boolean(),
    rules: z.record(z.string(), z.enum(SEVERITIES)).describe("the severity each rule ran with"),
  }),
  taskDefinitions: z.array(checkedTaskDefinitionSchema),
  files: z
    .array(checkedFileSchema)
    .optional()
    .describe(
      "every file given, in order: checked, skipped (in a folder, not a task definition) or an error; every other file is still checked",
    ),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});
export type CheckResult = z.infer<typeof checkResultSchema>;
