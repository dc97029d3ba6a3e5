// `ecs-advisor export`: the advice as the inputs AWS's own commands take, ready to review and apply. Pure:
// the report, the snapshot and each changed service's current task definition in, files (path, text) out.
// ecs-advisor never applies them: it only reads AWS.
//
// Per changed service: the complete register-task-definition input (the current revision, cpu/memory and the
// containers' values patched, everything else as it was, read-only fields dropped) and the update-service
// input; per autoscaling advice the Application Auto Scaling inputs; per host advice the capacity provider's.
// A README says what each file does and the order; commands.sh runs them in that order, when a person does.
import type { ContainersAdvice, Report, ServiceFinding } from "../model/report.js";
import type { Service, Snapshot } from "../model/snapshot.js";
import { fmtCpu, fmtMiB, fmtUsdMonthly } from "../model/format.js";

export const EXPORT_SCHEMA_VERSION = 1;

/** A register-task-definition input (the API's JSON shape): what DescribeTaskDefinition gives, less read-only fields. */
export type RegisterInput = Record<string, unknown> & { family: string; containerDefinitions: Array<Record<string, unknown>> };

/** DescribeTaskDefinition fields RegisterTaskDefinition does not take (aws-facts: the API reference). */
export const READ_ONLY_FIELDS = [
  "taskDefinitionArn",
  "revision",
  "status",
  "requiresAttributes",
  "compatibilities",
  "registeredAt",
  "registeredBy",
  "deregisteredAt",
  "deleteRequestedAt",
] as const;

/** A described task definition as register input: read-only fields dropped, tags (described separately) added. */
export function registerInputOf(described: Record<string, unknown>, tags?: ReadonlyArray<{ key?: string; value?: string }>): RegisterInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(described)) {
    if ((READ_ONLY_FIELDS as readonly string[]).includes(k) || v === undefined || v === null) continue;
    out[k] = v;
  }
  if (tags?.length) out.tags = tags.map((t) => ({ key: t.key, value: t.value }));
  return out as RegisterInput;
}

export interface ExportFile {
  path: string;
  content: string;
}

export interface ExportedService {
  cluster: string;
  service: string;
  taskDefinition: string;
  confidence: ServiceFinding["confidence"];
  action: ServiceFinding["action"];
  /** Right-sizing's saving (null when the size does not change here or has no price). */
  savingsMonthlyUsd: number | null;
  /** The autoscaling advice's saving, when it is exported (negative: a cost, e.g. a raised maximum). */
  autoscalingSavingsMonthlyUsd: number | null;
  /** What changes, in words: "cpu 2048 → 512, memory 8192 → 2048; app memory 7680 → 1138 …". */
  change: string;
  files: string[];
}

export interface ExportPlan {
  files: ExportFile[];
  services: ExportedService[];
  clusters: Array<{ cluster: string; capacityProvider: string; targetCapacity: { from: number | null; to: number }; files: string[] }>;
  /** Changed services left out, with why (no current task definition to patch, a size that would not fit). */
  skipped: Array<{ service: string; reason: string }>;
}

export interface ExportInput {
  report: Report;
  snapshot: Snapshot;
  /** The current task definition of each changed service, by "family:revision" as the service names it. */
  definitions: ReadonlyMap<string, RegisterInput>;
  /** Leave out size changes below this confidence (autoscaling and host advice are kept). */
  minConfidence?: "high" | "medium" | "low";
}

const CONFIDENCE_RANK = { none: 0, low: 1, medium: 2, high: 3 } as const;

/** A path segment from an AWS name: names ECS accepts pass unchanged; anything else cannot climb out. */
export function safeSegment(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return s === "" ? "_" : s.slice(0, 200);
}

/** The task size changes, or a container's does. */
export function sizeChanges(f: ServiceFinding): boolean {
  const r = f.recommended;
  if (!r) return false;
  return r.cpu !== f.current.cpu || r.memory !== f.current.memory || (f.containers?.containers.some((c) => c.changed) ?? false);
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export function buildExport(input: ExportInput): ExportPlan {
  const { report, snapshot } = input;
  const min = CONFIDENCE_RANK[input.minConfidence ?? "low"];
  const services = new Map(snapshot.services.map((s) => [`${s.cluster}/${s.name}`, s]));
  const plan: ExportPlan = { files: [], services: [], clusters: [], skipped: [] };
  for (const f of report.services) {
    const key = `${f.cluster}/${f.service}`;
    const dir = `${safeSegment(f.cluster)}/${safeSegment(f.service)}`;
    const files: ExportFile[] = [];
    let change = "";
    let sized = false;
    if (sizeChanges(f) && CONFIDENCE_RANK[f.confidence] >= min) {
      const current = input.definitions.get(f.taskDefinition);
      if (!current) {
        plan.skipped.push({ service: key, reason: `its task definition ${f.taskDefinition} could not be read` });
      } else {
        const patched = patchDefinition(current, f);
        const problem =
          patched.problem ?? unfit(patched.input, f) ?? (patched.change === "" ? "nothing in its task definition changes" : undefined);
        if (problem) plan.skipped.push({ service: key, reason: problem });
        else {
          change = patched.change;
          sized = true;
          files.push({ path: `${dir}/task-definition.json`, content: json(patched.input) });
          files.push({
            path: `${dir}/update-service.json`,
            content: json({ cluster: f.cluster, service: f.service, taskDefinition: current.family }),
          });
        }
      }
    }
    const scaling = scalingFiles(f, services.get(key), dir);
    files.push(...scaling.files);
    if (scaling.change) change = change ? `${change}; ${scaling.change}` : scaling.change;
    if (files.length === 0) continue;
    plan.files.push(...files);
    plan.services.push({
      cluster: f.cluster,
      service: f.service,
      taskDefinition: f.taskDefinition,
      confidence: f.confidence,
      action: f.action,
      savingsMonthlyUsd: sized ? f.savingsMonthlyUsd : null,
      autoscalingSavingsMonthlyUsd: scaling.files.length ? (f.autoscaling?.savingsMonthlyUsd ?? null) : null,
      change,
      files: files.map((x) => x.path),
    });
  }
  for (const c of report.clusters) {
    const ms = c.hostScaling?.managedScaling;
    if (ms?.status !== "ENABLED" || ms.advisedTargetCapacity === (ms.targetCapacity ?? 100)) continue;
    const path = `${safeSegment(c.cluster)}/capacity-provider-${safeSegment(ms.capacityProvider)}.json`;
    const provider = snapshot.clusters.find((k) => k.name === c.cluster)?.capacityProviders.find((p) => p.name === ms.capacityProvider);
    const managedScaling = {
      status: "ENABLED",
      targetCapacity: ms.advisedTargetCapacity,
      ...(provider?.managedScaling?.minimumScalingStepSize !== undefined
        ? { minimumScalingStepSize: provider.managedScaling.minimumScalingStepSize }
        : {}),
      ...(provider?.managedScaling?.maximumScalingStepSize !== undefined
        ? { maximumScalingStepSize: provider.managedScaling.maximumScalingStepSize }
        : {}),
      ...(provider?.managedScaling?.instanceWarmupPeriod !== undefined
        ? { instanceWarmupPeriod: provider.managedScaling.instanceWarmupPeriod }
        : {}),
    };
    plan.files.push({
      path,
      content: json({
        name: ms.capacityProvider,
        autoScalingGroupProvider: {
          managedScaling,
          ...(ms.managedTerminationProtection ? { managedTerminationProtection: ms.managedTerminationProtection } : {}),
        },
      }),
    });
    plan.clusters.push({
      cluster: c.cluster,
      capacityProvider: ms.capacityProvider,
      targetCapacity: { from: ms.targetCapacity, to: ms.advisedTargetCapacity },
      files: [path],
    });
  }
  plan.files.push({ path: "commands.sh", content: commandsScript(plan) });
  plan.files.push({ path: "README.md", content: readme(plan, report) });
  plan.files.push({
    path: "export.json",
    content: json({
      schemaVersion: EXPORT_SCHEMA_VERSION,
      generatedAt: report.generatedAt,
      tool: report.tool,
      source: { kind: report.source.kind, region: report.source.region, collectedAt: report.source.collectedAt },
      services: plan.services,
      clusters: plan.clusters,
      skipped: plan.skipped,
    }),
  });
  return plan;
}

/** The current revision with the recommended task and container sizes, and what changed in words. */
export function patchDefinition(current: RegisterInput, f: ServiceFinding): { input: RegisterInput; change: string; problem?: string } {
  const r = f.recommended!;
  const input = structuredClone(current) as RegisterInput;
  const parts: string[] = [];
  // Task-level sizes only where the task definition has them (container-level-only tasks are sized by their containers).
  if (input.cpu !== undefined && input.cpu !== null && r.cpu !== f.current.cpu) {
    input.cpu = String(r.cpu);
    parts.push(`cpu ${fmtCpu(f.current.cpu ?? 0, { unit: false })} → ${fmtCpu(r.cpu, { unit: false })}`);
  }
  if (input.memory !== undefined && input.memory !== null && r.memory !== f.current.memory) {
    input.memory = String(r.memory);
    parts.push(`memory ${fmtMiB(f.current.memory ?? 0, { unit: false })} → ${fmtMiB(r.memory, { unit: false })}`);
  }
  const containers = f.containers;
  const problem = patchContainers(input, containers, parts);
  if (problem) return { input, change: "", problem };
  return { input, change: parts.join(", ") };
}

function patchContainers(input: RegisterInput, advice: ContainersAdvice | null | undefined, parts: string[]): string | undefined {
  if (!advice) return undefined;
  for (const a of advice.containers) {
    if (!a.changed) continue;
    const c = input.containerDefinitions.find((x) => x.name === a.name);
    if (!c) return `container ${a.name} is not in the task definition any more`;
    for (const field of ["cpu", "memory", "memoryReservation"] as const) {
      const to = a.recommended[field];
      const from = a.current[field];
      if (to === null || to === from || c[field] === undefined) continue;
      c[field] = to;
      parts.push(`${a.name} ${field} ${from} → ${to}`);
    }
  }
  return undefined;
}

/**
 * Never written: a container below its measured need, containers that do not fit the task, a limit above
 * the task's memory. (The advisor does not produce these; this is the last check before a file.)
 */
function unfit(input: RegisterInput, f: ServiceFinding): string | undefined {
  const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
  const taskCpu = num(input.cpu);
  const taskMemory = num(input.memory);
  const cs = input.containerDefinitions;
  const cpuSum = cs.reduce((a, c) => a + (num(c.cpu) ?? 0), 0);
  const memSum = cs.reduce((a, c) => a + (num(c.memoryReservation) ?? num(c.memory) ?? 0), 0);
  if (taskCpu !== undefined && cpuSum > taskCpu) return `its containers would reserve ${cpuSum} cpu units, more than the task's ${taskCpu}`;
  if (taskMemory !== undefined && memSum > taskMemory)
    return `its containers would reserve ${memSum} MiB, more than the task's ${taskMemory}`;
  for (const c of cs) {
    const limit = num(c.memory);
    if (limit !== undefined && taskMemory !== undefined && limit > taskMemory)
      return `container ${String(c.name)}'s limit ${limit} MiB would exceed the task's ${taskMemory}`;
    const need = f.containers?.containers.find((a) => a.name === c.name)?.observed?.memoryNeedMiB;
    if (limit !== undefined && need != null && limit < need)
      return `container ${String(c.name)}'s limit ${limit} MiB would be below its need of ${need} MiB`;
  }
  return undefined;
}

/** Application Auto Scaling inputs for the service's autoscaling advice. */
function scalingFiles(f: ServiceFinding, service: Service | undefined, dir: string): { files: ExportFile[]; change: string } {
  const a = f.autoscaling;
  if (!a || a.action === "ok" || !a.proposed) return { files: [], change: "" };
  const target = {
    ServiceNamespace: "ecs",
    ResourceId: `service/${f.cluster}/${f.service}`,
    ScalableDimension: "ecs:service:DesiredCount",
  };
  const files: ExportFile[] = [
    {
      path: `${dir}/register-scalable-target.json`,
      content: json({ ...target, MinCapacity: a.proposed.minCapacity, MaxCapacity: a.proposed.maxCapacity }),
    },
  ];
  let change = `autoscaling min ${a.proposed.minCapacity}, max ${a.proposed.maxCapacity}`;
  if ((a.action === "propose-target-tracking" || a.action === "raise-target") && a.proposed.targetValue !== null) {
    // Raising a target updates the policy that has it (same name); a new policy is named for what it does.
    const existing = service?.autoscaling?.policies.find(
      (p) => p.type === "TargetTrackingScaling" && p.targetTracking?.metric === a.proposed!.metric,
    );
    files.push({
      path: `${dir}/put-scaling-policy.json`,
      content: json({
        PolicyName: existing?.name ?? `ecs-advisor-cpu${a.proposed.targetValue}`,
        ...target,
        PolicyType: "TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: a.proposed.targetValue,
          PredefinedMetricSpecification: { PredefinedMetricType: a.proposed.metric },
          ...(existing?.targetTracking?.scaleInCooldown !== undefined ? { ScaleInCooldown: existing.targetTracking.scaleInCooldown } : {}),
          ...(existing?.targetTracking?.scaleOutCooldown !== undefined
            ? { ScaleOutCooldown: existing.targetTracking.scaleOutCooldown }
            : {}),
        },
      }),
    });
    change += `, target tracking ${a.proposed.metric} at ${a.proposed.targetValue}`;
  }
  return { files, change };
}

/** One line of plain text for a comment: a name with a line break cannot end the comment. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");

/** Single-quoted for sh: nothing inside is expanded. */
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function commandsScript(plan: ExportPlan): string {
  const lines = [
    "#!/bin/sh",
    "# Generated by ecs-advisor export. Review every file before running this: it changes your AWS account",
    "# (ecs-advisor itself never does). Run it from anywhere; it reads the files next to it.",
    "set -eu",
    'cd "$(dirname "$0")"',
    "",
  ];
  const step = (cmd: string, file: string) => lines.push(`${cmd} --cli-input-json ${shq(`file://${file}`)}`);
  for (const s of plan.services) {
    lines.push(oneLine(`# ${s.cluster}/${s.service}: ${s.change}`));
    for (const file of s.files) {
      if (file.endsWith("/task-definition.json")) step("aws ecs register-task-definition", file);
      else if (file.endsWith("/update-service.json")) step("aws ecs update-service", file);
      else if (file.endsWith("/register-scalable-target.json")) step("aws application-autoscaling register-scalable-target", file);
      else if (file.endsWith("/put-scaling-policy.json")) step("aws application-autoscaling put-scaling-policy", file);
    }
    lines.push("");
  }
  for (const c of plan.clusters) {
    lines.push(oneLine(`# ${c.cluster}: ${c.capacityProvider} targetCapacity ${c.targetCapacity.from ?? 100} → ${c.targetCapacity.to}`));
    for (const file of c.files) step("aws ecs update-capacity-provider", file);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

function readme(plan: ExportPlan, report: Report): string {
  const saves = plan.services.reduce((a, s) => a + (s.savingsMonthlyUsd ?? 0), 0);
  const scaling = plan.services.reduce((a, s) => a + (s.autoscalingSavingsMonthlyUsd ?? 0), 0);
  const usd = (v: number | null) => (v === null ? "–" : fmtUsdMonthly(v));
  const out = [
    "# ecs-advisor export",
    "",
    `Made by ecs-advisor ${report.tool.version} on ${report.generatedAt} from ${report.source.kind} data (${report.source.region}, collected ${report.source.collectedAt}).`,
    `${plan.services.length} service${plan.services.length === 1 ? "" : "s"} to change (right-sizing saves ${fmtUsdMonthly(saves)}, autoscaling ${fmtUsdMonthly(scaling)}), ${plan.clusters.length} capacity provider${plan.clusters.length === 1 ? "" : "s"}. The savings are the report's; see it for how they add up with the hosts.`,
    "",
    "Nothing here has been applied: ecs-advisor only reads AWS. Review the files, then apply them in this order",
    "(`sh commands.sh` runs exactly these AWS CLI commands, in order, and stops at the first that fails):",
    "",
    "1. `<cluster>/<service>/task-definition.json` — `aws ecs register-task-definition --cli-input-json file://…`:",
    "   a new revision of the service's task definition: the revision it runs now with the recommended task",
    "   cpu/memory and container cpu/memory/memoryReservation, everything else as it was (tags included).",
    "   It holds your task definition as registered, environment values included: treat it like the original.",
    "2. `<cluster>/<service>/update-service.json` — `aws ecs update-service --cli-input-json file://…`: deploys the",
    "   family's latest ACTIVE revision (the one step 1 registered) with the service's deployment settings.",
    "3. `<cluster>/<service>/register-scalable-target.json` — `aws application-autoscaling register-scalable-target`:",
    "   the advised minimum and maximum task count; `put-scaling-policy.json` — `aws application-autoscaling",
    "   put-scaling-policy`: the advised target tracking policy (an existing policy of that metric keeps its name,",
    "   so it is updated, not duplicated).",
    "4. `<cluster>/capacity-provider-<name>.json` — `aws ecs update-capacity-provider --cli-input-json file://…`:",
    "   the advised managed-scaling targetCapacity, after the services are right-sized (the hosts follow the tasks).",
    "",
    "`export.json` lists the same, for scripts.",
    "",
    "| service | confidence | change | right-sizing saves | autoscaling saves |",
    "|---|---|---|---|---|",
    ...plan.services.map(
      (s) =>
        `| ${md(`${s.cluster}/${s.service}`)} | ${s.confidence} | ${md(s.change)} | ${usd(s.savingsMonthlyUsd)} | ${usd(s.autoscalingSavingsMonthlyUsd)} |`,
    ),
    ...plan.clusters.map(
      (c) =>
        `| ${md(c.cluster)} (hosts) | – | ${md(`${c.capacityProvider} targetCapacity ${c.targetCapacity.from ?? 100} → ${c.targetCapacity.to}`)} | – | – |`,
    ),
  ];
  if (plan.skipped.length) {
    out.push("", "Left out:", "", ...plan.skipped.map((s) => `- ${md(s.service)}: ${md(s.reason)}`));
  }
  return `${out.join("\n")}\n`;
}

/** Markdown table text: pipes and line breaks cannot break the table. */
const md = (s: string) => s.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
