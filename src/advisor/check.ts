// `check`: proposed task definitions against what the services that run them really use. Pure: the
// proposals, the evidence (snapshot and the advisor's report on it) and the policy come in; verdicts go
// out. The rules are a registry (check-rules.ts); this runs them: match each proposal to the services
// that run its family, price it for each, then every rule in turn. A violation the running task
// definition already has is a warning, not a failure of this change.
import {
  CHECK_SCHEMA_VERSION,
  type CheckedFile,
  type CheckedService,
  type CheckedTaskDefinition,
  type CheckResult,
  type CheckRule,
  type RuleSeverity,
  type Violation,
} from "../model/check.js";
import type { Report, ServiceFinding } from "../model/report.js";
import type { Cluster, ContainerInstance, Prices, Service, Snapshot, TaskDefinition } from "../model/snapshot.js";
import { HOURS_PER_MONTH, isWindowsFamily } from "../model/units.js";
import { allocationOf, placementOf } from "./allocation.js";
import {
  type CheckPolicy,
  type Finding,
  gpusOf,
  type MatchedService,
  type Proposal,
  RULE_IDS,
  RULES,
  type RuleDef,
  type RuleInput,
  ruleSeverity,
} from "./check-rules.js";
import { ec2UnitPrices, taskPricer } from "./cost.js";
import type { Policy } from "./policy.js";

export { type CheckPolicy, DEFAULT_CHECK_POLICY, type Proposal, ruleSeverity } from "./check-rules.js";

export interface CheckInput {
  proposals: readonly Proposal[];
  snapshot: Snapshot;
  prices: Prices;
  policy: Policy;
  /** The advisor's report on the same snapshot and policy. */
  report: Report;
  checkPolicy: CheckPolicy;
  /** "cluster/service" keys that stand in for family matching (--service); undefined: match by family. */
  services?: readonly string[] | undefined;
  generatedAt: string;
  toolVersion: string;
  sourceKind: Report["source"]["kind"];
  /** Every file given, with those that could not be read (their proposals are not among `proposals`). */
  files?: readonly CheckedFile[] | undefined;
}

/** EC2 instance families with NVIDIA GPUs (p3, p4d, p5, g4dn, g5, g6 …): where ECS places GPU tasks. */
const GPU_INSTANCE = /^(p|g)\d/;

/** Lookups every proposal needs, made once. */
interface Evidence {
  input: CheckInput;
  findings: Map<string, ServiceFinding>;
  clusters: Map<string, Cluster>;
  taskDefinitions: Map<string, TaskDefinition>;
  instances: Map<string, ContainerInstance[]>;
  severities: Record<CheckRule, RuleSeverity>;
  warnings: CheckResult["warnings"];
}

const familyOf = (ref: string): string => ref.replace(/:\d+$/, "").replace(/^.*task-definition\//, "");
const keyOf = (s: { cluster: string; name?: string; service?: string }) => `${s.cluster}/${s.name ?? s.service}`;

export function checkTaskDefinitions(input: CheckInput): CheckResult {
  const { snapshot } = input;
  const taskDefinitions = new Map<string, TaskDefinition>();
  for (const td of snapshot.taskDefinitions) {
    taskDefinitions.set(`${td.family}:${td.revision}`, td);
    if (td.arn) taskDefinitions.set(td.arn, td);
  }
  const instances = new Map<string, ContainerInstance[]>();
  for (const i of snapshot.containerInstances) instances.set(i.cluster, [...(instances.get(i.cluster) ?? []), i]);
  const ev: Evidence = {
    input,
    findings: new Map(input.report.services.map((f) => [keyOf(f), f])),
    clusters: new Map(snapshot.clusters.map((c) => [c.name, c])),
    taskDefinitions,
    instances,
    severities: Object.fromEntries(RULE_IDS.map((r) => [r, ruleSeverity(r, input.checkPolicy)])) as Record<CheckRule, RuleSeverity>,
    warnings: [],
  };
  return result(
    ev,
    input.proposals.map((p) => checkOne(p, ev)),
  );
}

/** One proposal: its services, then the rules — what they read decides when they run. */
function checkOne(p: Proposal, ev: Evidence): CheckedTaskDefinition {
  const { input } = ev;
  const td = p.taskDefinition;
  const alloc = allocationOf(td);
  const services = matchServices(p, ev).map((s) => matchedService(s, p, ev));
  const ruleInput: RuleInput = {
    proposal: p,
    td,
    alloc,
    windows: isWindowsFamily(td.operatingSystemFamily),
    services,
    policy: input.policy,
    checkPolicy: input.checkPolicy,
    prices: input.prices,
  };
  const violations: Violation[] = [];
  const run = (rule: RuleDef, service?: MatchedService) => {
    const severity = ev.severities[rule.id];
    if (severity === "off") return;
    for (const f of rule.evaluate(ruleInput, service)) violations.push(violation(rule.id, severity, f, p));
  };
  const rules = (reads: RuleDef["reads"]) => RULE_IDS.map((id) => RULES[id]).filter((r) => r.reads === reads);
  for (const rule of rules("match")) run(rule);
  for (const s of services) for (const rule of rules("usage")) run(rule, s);
  for (const rule of rules("definition")) run(rule);

  const checked = services.map((s) => s.checked);
  const priced = checked.filter((s) => s.deltaMonthlyUsd !== null);
  return {
    file: p.file,
    line: p.line ?? null,
    name: p.name,
    family: p.family ?? null,
    format: p.format,
    proposed: {
      cpu: alloc.cpu ?? null,
      memory: alloc.memory ?? null,
      taskCpu: td.cpu ?? null,
      taskMemory: td.memory ?? null,
      containers: td.containers.map((c) => ({
        name: c.name,
        cpu: c.cpu ?? null,
        memory: c.memory ?? null,
        memoryReservation: c.memoryReservation ?? null,
      })),
      compatibilities: td.requiresCompatibilities ?? [],
      cpuArchitecture: td.cpuArchitecture,
      operatingSystemFamily: td.operatingSystemFamily,
    },
    matchedBy: input.services ? "service-option" : checked.length ? "family" : "none",
    services: checked,
    deltaMonthlyUsd: priced.length ? priced.reduce((a, s) => a + s.deltaMonthlyUsd!, 0) : null,
    violations: violations.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1)),
  };
}

function violation(rule: CheckRule, severity: "error" | "warning", f: Finding, p: Proposal): Violation {
  const existing = f.existing ?? false;
  return {
    rule,
    severity: existing ? "warning" : severity,
    existing,
    message: f.message,
    file: p.file,
    line: f.line ?? p.line ?? null,
    service: f.service ?? null,
  };
}

/** The services --service names, else those that run the proposal's family; none is a warning. */
function matchServices(p: Proposal, ev: Evidence): Service[] {
  const { snapshot, services } = ev.input;
  for (const note of p.notes ?? [])
    ev.warnings.push({ code: "task-definition-note", message: `${p.file}${p.line ? `:${p.line}` : ""}: ${note}` });
  // A template whose Family check cannot evaluate is matched by its logical ID (the name it goes by).
  const family = p.family ?? (p.format === "cloudformation" && p.notes?.length ? p.name : undefined);
  const matched = services
    ? snapshot.services.filter((s) => services.includes(keyOf(s)))
    : family
      ? snapshot.services.filter((s) => familyOf(s.taskDefinition) === family)
      : [];
  if (matched.length === 0) {
    ev.warnings.push({
      code: "no-evidence",
      message: `${p.name} (${p.file}): no service in the evidence runs ${p.family ? `family ${p.family}` : "it (the template sets no Family)"}; only the static checks ran`,
    });
  }
  return matched;
}

/** A service that runs the family: its usage, what it runs now, and the proposal priced for it. */
function matchedService(s: Service, p: Proposal, ev: Evidence): MatchedService {
  const { input } = ev;
  const key = keyOf(s);
  const f = ev.findings.get(key)!;
  const td = p.taskDefinition;
  const alloc = allocationOf(td);
  const now = ev.taskDefinitions.get(s.taskDefinition);
  const placement = placementOf(s, td, ev.clusters.get(s.cluster), f.current.tasks);
  const units = placement.kind === "ec2" ? ec2UnitPrices(ev.instances.get(s.cluster) ?? [], input.prices) : undefined;
  const pricer = taskPricer(placement, td, input.prices, input.policy.fargate.spotDiscount, units);
  const hourly = typeof pricer === "function" && alloc.memory !== undefined ? pricer(alloc.cpu ?? 0, alloc.memory) : undefined;
  const proposedMonthly = hourly === undefined ? null : hourly * HOURS_PER_MONTH * f.current.tasks;
  const hasData = f.confidence !== "none";
  if (!hasData) {
    ev.warnings.push({
      code: "no-usage",
      message: `${key}: ${f.reasons[0]?.message ?? "no usable metrics"}; only the static checks ran for it`,
    });
  }
  if (now && (now.cpuArchitecture ?? "X86_64") !== (td.cpuArchitecture ?? "X86_64")) {
    ev.warnings.push({
      code: "architecture-change",
      message: `${key}: moves from ${now.cpuArchitecture ?? "X86_64"} to ${td.cpuArchitecture ?? "X86_64"} — every image must be built for ${td.cpuArchitecture ?? "X86_64"}; each side is priced at its own rates`,
    });
  }
  const gpus = gpusOf(td);
  if (gpus > 0 && placement.kind === "ec2") {
    const hosts = ev.instances.get(s.cluster) ?? [];
    if (hosts.length > 0 && !hosts.some((h) => GPU_INSTANCE.test(h.instanceType ?? ""))) {
      const types = [...new Set(hosts.map((h) => h.instanceType ?? "?"))].sort().join(", ");
      ev.warnings.push({
        code: "no-gpu-capacity",
        message: `${key}: ${p.name} reserves ${gpus} GPU${gpus === 1 ? "" : "s"}, but none of ${s.cluster}'s instances (${types}) has a GPU: its tasks could not be placed`,
      });
    }
  }
  // The recommendation beside the proposal is priced as the proposal is (its architecture's rates), so the
  // two compare like for like when a change moves between x86 and ARM64.
  const moved = now !== undefined && (now.cpuArchitecture ?? "X86_64") !== (td.cpuArchitecture ?? "X86_64");
  const rec =
    f.recommended && moved && typeof pricer === "function"
      ? { ...f.recommended, monthlyUsd: pricer(f.recommended.cpu, f.recommended.memory) * HOURS_PER_MONTH * f.current.tasks }
      : f.recommended;
  const checked: CheckedService = {
    cluster: s.cluster,
    service: s.name,
    launchType: f.launchType,
    taskDefinition: s.taskDefinition,
    tasks: f.current.tasks,
    current: { cpu: f.current.cpu, memory: f.current.memory, monthlyUsd: f.current.monthlyUsd },
    proposed: { cpu: alloc.cpu ?? null, memory: alloc.memory ?? null, monthlyUsd: proposedMonthly },
    recommended: rec ? { cpu: rec.cpu, memory: rec.memory, monthlyUsd: rec.monthlyUsd } : null,
    deltaMonthlyUsd: proposedMonthly !== null && f.current.monthlyUsd !== null ? proposedMonthly - f.current.monthlyUsd : null,
    confidence: f.confidence,
    evidence: {
      cpuNeededUnits: hasData ? f.evidence.cpu.neededUnits : null,
      cpuStatistic: f.evidence.cpu.statistic,
      memoryPeakMiB: hasData ? f.evidence.memory.observedUnits : null,
      memoryStatistic: f.evidence.memory.statistic,
      oomKills: f.evidence.oomKills,
      dataHours: f.evidence.dataHours,
      cpuTargetTracking: f.reasons.some((r) => r.code === "autoscaling-on-cpu"),
    },
  };
  return { checked, finding: f, current: now ? allocationOf(now) : undefined, key };
}

function result(ev: Evidence, checked: CheckedTaskDefinition[]): CheckResult {
  const { input } = ev;
  const { snapshot, prices, checkPolicy: cp } = input;
  const priced = checked.flatMap((t) => t.services).filter((s) => s.deltaMonthlyUsd !== null);
  const current = priced.reduce((a, s) => a + s.current.monthlyUsd!, 0);
  const proposed = priced.reduce((a, s) => a + s.proposed.monthlyUsd!, 0);
  const violations = checked.flatMap((t) => t.violations);
  const errors = violations.filter((v) => v.severity === "error").length;
  const fileErrors = (input.files ?? []).filter((f) => f.status === "error").length;
  return {
    schemaVersion: CHECK_SCHEMA_VERSION,
    kind: "ecs-advisor-check",
    generatedAt: input.generatedAt,
    tool: { name: "ecs-advisor", version: input.toolVersion },
    evidence: {
      kind: input.sourceKind,
      region: snapshot.source.region,
      collectedAt: snapshot.collectedAt,
      window: { start: snapshot.window.start, end: snapshot.window.end },
      prices: { source: prices.source, asOf: prices.asOf },
    },
    verdict: fileErrors > 0 ? "error" : errors > 0 ? "fail" : "pass",
    totals: {
      taskDefinitions: checked.length,
      services: checked.flatMap((t) => t.services).length,
      currentMonthlyUsd: current,
      proposedMonthlyUsd: proposed,
      deltaMonthlyUsd: proposed - current,
      deltaPercent: current > 0 ? ((proposed - current) / current) * 100 : null,
      errors,
      warnings: violations.length - errors,
      ...(input.files ? { fileErrors } : {}),
    },
    policy: {
      failOn: cp.failOn,
      maxIncrease: cp.maxIncrease,
      overprovisionedPercent: cp.overprovisionedPercent,
      requireEvidence: cp.requireEvidence,
      rules: ev.severities,
    },
    taskDefinitions: checked,
    ...(input.files ? { files: [...input.files] } : {}),
    warnings: ev.warnings,
  };
}
