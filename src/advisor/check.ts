// `check`: proposed task definitions against what the services that run them really use. Pure: the
// proposals, the evidence (snapshot and the advisor's report on it) and the policy come in; verdicts go
// out. Each rule is named; a violation the running task definition already has is a warning, not a
// failure of this change.
import {
  CHECK_RULES,
  CHECK_SCHEMA_VERSION,
  RULE_CATEGORY,
  type CheckedService,
  type CheckedTaskDefinition,
  type CheckResult,
  type CheckRule,
  type RuleSeverity,
  type Violation,
} from "../model/check.js";
import { fmtCpu, fmtMiB, fmtPct, fmtUsd, fmtUsdDelta } from "../model/format.js";
import type { Report, ServiceFinding } from "../model/report.js";
import type { Cluster, ContainerInstance, Prices, Service, Snapshot, TaskDefinition } from "../model/snapshot.js";
import { FARGATE_SIZES, HOURS_PER_MONTH, isValidFargateSize, isWindowsFamily } from "../model/units.js";
import { allocationOf, placementOf } from "./allocation.js";
import { ec2UnitPrices, fargateTaskHourly, taskPricer } from "./cost.js";
import { snapToFargate } from "./fargate.js";
import type { Policy } from "./policy.js";

export interface CheckPolicy {
  /** Categories (invalid, risk, cost, evidence) or rule names whose violations fail the check. */
  failOn: string[];
  maxIncrease: { usd: number | null; percent: number | null };
  /** A proposal this far above the recommendation (percent) is over-provisioned. */
  overprovisionedPercent: number;
  /** An unmatched task definition (no usage to check against) is a violation. */
  requireEvidence: boolean;
  /** Severity per rule, over what failOn gives. */
  rules: Partial<Record<CheckRule, RuleSeverity>>;
}

export const DEFAULT_CHECK_POLICY: CheckPolicy = {
  failOn: ["invalid", "risk", "cost", "evidence"],
  maxIncrease: { usd: null, percent: null },
  overprovisionedPercent: 50,
  requireEvidence: false,
  rules: {},
};

export function ruleSeverity(rule: CheckRule, p: CheckPolicy): RuleSeverity {
  const set = p.rules[rule];
  if (set) return set;
  if (rule === "no-evidence" && !p.requireEvidence) return "off";
  if (rule === "cost-increase" && p.maxIncrease.usd === null && p.maxIncrease.percent === null) return "off";
  return p.failOn.includes(RULE_CATEGORY[rule]) || p.failOn.includes(rule) ? "error" : "warning";
}

export interface Proposal {
  file: string;
  name: string;
  family: string | undefined;
  format: CheckedTaskDefinition["format"];
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
}

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
}

const familyOf = (ref: string): string => ref.replace(/:\d+$/, "").replace(/^.*task-definition\//, "");
const key = (s: { cluster: string; name?: string; service?: string }) => `${s.cluster}/${s.name ?? s.service}`;

export function checkTaskDefinitions(input: CheckInput): CheckResult {
  const { snapshot, prices, checkPolicy: cp } = input;
  const findings = new Map<string, ServiceFinding>(input.report.services.map((f) => [key(f), f]));
  const clusters = new Map<string, Cluster>(snapshot.clusters.map((c) => [c.name, c]));
  const tds = new Map<string, TaskDefinition>();
  for (const td of snapshot.taskDefinitions) {
    tds.set(`${td.family}:${td.revision}`, td);
    if (td.arn) tds.set(td.arn, td);
  }
  const instances = new Map<string, ContainerInstance[]>();
  for (const i of snapshot.containerInstances) instances.set(i.cluster, [...(instances.get(i.cluster) ?? []), i]);
  const severities = Object.fromEntries(CHECK_RULES.map((r) => [r, ruleSeverity(r, cp)])) as Record<CheckRule, RuleSeverity>;
  const warnings: CheckResult["warnings"] = [];

  const checked = input.proposals.map((p): CheckedTaskDefinition => {
    const violations: Violation[] = [];
    const add = (rule: CheckRule, message: string, line: number | undefined, opts: { existing?: boolean; service?: string } = {}) => {
      const sev = severities[rule];
      if (sev === "off") return;
      const existing = opts.existing ?? false;
      violations.push({
        rule,
        severity: existing ? "warning" : sev,
        existing,
        message,
        file: p.file,
        line: line ?? p.line ?? null,
        service: opts.service ?? null,
      });
    };
    const td = p.taskDefinition;
    const alloc = allocationOf(td);
    const windows = isWindowsFamily(td.operatingSystemFamily);

    // Which services run it.
    const matched: Service[] = input.services
      ? snapshot.services.filter((s) => input.services!.includes(key(s)))
      : p.family
        ? snapshot.services.filter((s) => familyOf(s.taskDefinition) === p.family)
        : [];
    const matchedBy: CheckedTaskDefinition["matchedBy"] = input.services ? "service-option" : matched.length ? "family" : "none";
    if (matched.length === 0) {
      warnings.push({
        code: "no-evidence",
        message: `${p.name} (${p.file}): no service in the evidence runs ${p.family ? `family ${p.family}` : "it (the template sets no Family)"}; only the static checks ran`,
      });
      add(
        "no-evidence",
        `no service in the evidence runs ${p.family ? `family ${p.family}` : p.name}: nothing to check its size against`,
        p.line,
      );
    }

    const services: CheckedService[] = matched.map((s) => {
      const f = findings.get(key(s))!;
      const current = tds.get(s.taskDefinition);
      const currentAlloc = current ? allocationOf(current) : undefined;
      const placement = placementOf(s, td, clusters.get(s.cluster), f.current.tasks);
      const units = placement.kind === "ec2" ? ec2UnitPrices(instances.get(s.cluster) ?? [], prices) : undefined;
      const pricer = taskPricer(placement, td, prices, input.policy.fargate.spotDiscount, units);
      const proposedHourly = typeof pricer === "function" && alloc.memory !== undefined ? pricer(alloc.cpu ?? 0, alloc.memory) : undefined;
      const proposedMonthly = proposedHourly === undefined ? null : proposedHourly * HOURS_PER_MONTH * f.current.tasks;
      const cpuTracked = f.reasons.some((r) => r.code === "autoscaling-on-cpu");
      const hasData = f.confidence !== "none";
      const ev = {
        cpuNeededUnits: hasData ? f.evidence.cpu.neededUnits : null,
        cpuStatistic: f.evidence.cpu.statistic,
        memoryPeakMiB: hasData ? f.evidence.memory.observedUnits : null,
        memoryStatistic: f.evidence.memory.statistic,
        oomKills: f.evidence.oomKills,
        dataHours: f.evidence.dataHours,
        cpuTargetTracking: cpuTracked,
      };
      const who = key(s);
      if (!hasData) {
        warnings.push({
          code: "no-usage",
          message: `${who}: ${f.reasons[0]?.message ?? "no usable metrics"}; only the static checks ran for it`,
        });
      }

      // memory-below-peak: below what the hottest task used, or not raised after OOM kills.
      const hard = alloc.memoryHardLimit ?? alloc.memory;
      const currentHard = currentAlloc ? (currentAlloc.memoryHardLimit ?? currentAlloc.memory) : undefined;
      const memLine = p.lines.memory ?? p.lines.containers.find((c) => c.memory !== undefined)?.memory;
      if (hasData && hard !== undefined && ev.memoryPeakMiB !== null && hard < ev.memoryPeakMiB) {
        add(
          "memory-below-peak",
          `${who}: memory ${fmtMiB(hard)} is below the observed ${ev.memoryStatistic} of ${fmtMiB(Math.ceil(ev.memoryPeakMiB))}: tasks would be killed for running out of memory` +
            (currentHard !== undefined ? ` (runs with ${fmtMiB(currentHard)} now)` : ""),
          memLine,
          { existing: currentHard !== undefined && currentHard < ev.memoryPeakMiB && hard >= currentHard, service: who },
        );
      } else if (f.evidence.oomKills > 0 && hard !== undefined && currentHard !== undefined && hard <= currentHard) {
        add(
          "memory-below-peak",
          `${who}: ${f.evidence.oomKills} tasks were killed for running out of memory at ${fmtMiB(currentHard)} in the window; ${hard === currentHard ? "this keeps" : "this lowers it to"} ${fmtMiB(hard)}`,
          memLine,
          { existing: hard === currentHard, service: who },
        );
      }

      // cpu-below-need: below the observed need at the target (unless target tracking adds tasks instead).
      const cpuLine = p.lines.cpu ?? p.lines.containers.find((c) => c.cpu !== undefined)?.cpu;
      if (hasData && !cpuTracked && alloc.cpu !== undefined && ev.cpuNeededUnits !== null && alloc.cpu < Math.floor(ev.cpuNeededUnits)) {
        const cur = currentAlloc?.cpu;
        add(
          "cpu-below-need",
          `${who}: cpu ${fmtCpu(alloc.cpu)} is below the ${fmtCpu(Math.ceil(ev.cpuNeededUnits))} its ${ev.cpuStatistic} needs at the ${fmtPct(input.policy.cpu.target)} target: tasks would be throttled` +
            (cur !== undefined ? ` (runs with ${fmtCpu(cur)} now)` : ""),
          cpuLine,
          { existing: cur !== undefined && cur < ev.cpuNeededUnits && alloc.cpu >= cur, service: who },
        );
      }

      // overprovisioned: well above the recommendation (only a change that adds is new).
      const rec = f.recommended;
      if (rec && (f.confidence === "high" || f.confidence === "medium")) {
        const limit = 1 + cp.overprovisionedPercent / 100;
        const over: string[] = [];
        let grew = false;
        if (alloc.cpu !== undefined && alloc.cpu > rec.cpu * limit) {
          over.push(`cpu ${fmtCpu(alloc.cpu)} vs ${fmtCpu(rec.cpu)} recommended`);
          grew ||= currentAlloc?.cpu === undefined || alloc.cpu > currentAlloc.cpu;
        }
        if (alloc.memory !== undefined && alloc.memory > rec.memory * limit) {
          over.push(`memory ${fmtMiB(alloc.memory)} vs ${fmtMiB(rec.memory)} recommended`);
          grew ||= currentAlloc?.memory === undefined || alloc.memory > currentAlloc.memory;
        }
        if (over.length) {
          const saves = rec.monthlyUsd !== null && proposedMonthly !== null ? proposedMonthly - rec.monthlyUsd : null;
          add(
            "overprovisioned",
            `${who}: ${over.join(", ")} — more than ${fmtPct(cp.overprovisionedPercent)} above what its usage needs` +
              (saves !== null && saves > 0 ? ` (${fmtUsd(saves)}/mo more than the recommendation)` : ""),
            over[0]!.startsWith("cpu") ? cpuLine : memLine,
            { existing: !grew, service: who },
          );
        }
      }

      return {
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
        evidence: ev,
      };
    });

    // invalid-fargate-size: Fargate takes only certain (cpu, memory) pairs at the task level.
    const fargateServices = services.filter((s) => s.launchType === "FARGATE");
    const onFargate = (td.requiresCompatibilities ?? []).includes("FARGATE") || fargateServices.length > 0;
    if (onFargate) {
      const line = p.lines.cpu ?? p.lines.memory ?? p.line;
      if (td.cpu === undefined || td.memory === undefined) {
        add(
          "invalid-fargate-size",
          `Fargate needs task-level cpu and memory; ${p.name} sets ${td.cpu === undefined && td.memory === undefined ? "neither" : td.cpu === undefined ? "no cpu" : "no memory"}`,
          line,
        );
      } else if (!isValidFargateSize(td.cpu, td.memory, { windows })) {
        add(
          "invalid-fargate-size",
          `${fmtCpu(td.cpu, { unit: false })} cpu / ${fmtMiB(td.memory)} is not a Fargate size${windows ? " for Windows" : ""}; nearest valid: ${nearestFargate(td.cpu, td.memory, windows, prices, input.policy)}`,
          line,
        );
      }
      if (fargateServices.length > 0 && td.requiresCompatibilities && !td.requiresCompatibilities.includes("FARGATE")) {
        add(
          "invalid-fargate-size",
          `requiresCompatibilities is ${JSON.stringify(td.requiresCompatibilities)}, but ${fargateServices.map((s) => `${s.cluster}/${s.service}`).join(", ")} run${fargateServices.length === 1 ? "s" : ""} on Fargate`,
          p.lines.compatibilities,
        );
      }
    }

    // container-sum-exceeds-task: the containers reserve more than the task has.
    if (td.cpu !== undefined) {
      const sum = td.containers.reduce((a, c) => a + (c.cpu ?? 0), 0);
      if (sum > td.cpu) {
        add(
          "container-sum-exceeds-task",
          `the containers reserve ${fmtCpu(sum)} of cpu (${td.containers.map((c) => `${c.name} ${c.cpu ?? 0}`).join(" + ")}), more than the task's ${fmtCpu(td.cpu)}`,
          p.lines.containers.find((c) => c.cpu !== undefined)?.cpu ?? p.lines.cpu,
        );
      }
    }
    if (td.memory !== undefined) {
      const sum = td.containers.reduce((a, c) => a + (c.memoryReservation ?? c.memory ?? 0), 0);
      const big = td.containers.find((c) => c.memory !== undefined && c.memory > td.memory!);
      if (sum > td.memory) {
        add(
          "container-sum-exceeds-task",
          `the containers reserve ${fmtMiB(sum)} of memory (${td.containers.map((c) => `${c.name} ${c.memoryReservation ?? c.memory ?? 0}`).join(" + ")}), more than the task's ${fmtMiB(td.memory)}`,
          memoryLineOf(p),
        );
      } else if (big) {
        const i = td.containers.indexOf(big);
        add(
          "container-sum-exceeds-task",
          `container ${big.name}'s memory limit ${fmtMiB(big.memory!)} is more than the task's ${fmtMiB(td.memory)}`,
          p.lines.containers[i]?.memory ?? p.lines.memory,
        );
      }
    }

    // cost-increase: what the services that run it would pay, against now.
    const priced = services.filter((s) => s.deltaMonthlyUsd !== null);
    const delta = priced.length ? priced.reduce((a, s) => a + s.deltaMonthlyUsd!, 0) : null;
    const base = priced.reduce((a, s) => a + (s.current.monthlyUsd ?? 0), 0);
    if (delta !== null && delta > 0) {
      const pct = base > 0 ? (delta / base) * 100 : null;
      const overUsd = cp.maxIncrease.usd !== null && delta > cp.maxIncrease.usd;
      const overPct = cp.maxIncrease.percent !== null && (pct === null || pct > cp.maxIncrease.percent);
      if (overUsd || overPct) {
        const limits = [
          cp.maxIncrease.usd !== null ? fmtUsd(cp.maxIncrease.usd) : undefined,
          cp.maxIncrease.percent !== null ? fmtPct(cp.maxIncrease.percent) : undefined,
        ]
          .filter(Boolean)
          .join(" or ");
        add(
          "cost-increase",
          `monthly cost ${fmtUsdDelta(delta)}${pct !== null ? ` (+${fmtPct(pct)})` : ""} for ${priced.map((s) => `${s.cluster}/${s.service}`).join(", ")}: more than the ${limits} allowed`,
          p.lines.cpu ?? p.lines.memory ?? p.line,
        );
      }
    }

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
      matchedBy,
      services,
      deltaMonthlyUsd: delta,
      violations: violations.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1)),
    };
  });

  const all = checked.flatMap((t) => t.services);
  const priced = all.filter((s) => s.deltaMonthlyUsd !== null);
  const current = priced.reduce((a, s) => a + s.current.monthlyUsd!, 0);
  const proposed = priced.reduce((a, s) => a + s.proposed.monthlyUsd!, 0);
  const violations = checked.flatMap((t) => t.violations);
  const errors = violations.filter((v) => v.severity === "error").length;
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
    verdict: errors > 0 ? "fail" : "pass",
    totals: {
      taskDefinitions: checked.length,
      services: all.length,
      currentMonthlyUsd: current,
      proposedMonthlyUsd: proposed,
      deltaMonthlyUsd: proposed - current,
      deltaPercent: current > 0 ? ((proposed - current) / current) * 100 : null,
      errors,
      warnings: violations.length - errors,
    },
    policy: {
      failOn: cp.failOn,
      maxIncrease: cp.maxIncrease,
      overprovisionedPercent: cp.overprovisionedPercent,
      requireEvidence: cp.requireEvidence,
      rules: severities,
    },
    taskDefinitions: checked,
    warnings,
  };
}

/** The line of the first container memory reservation (soft, else hard), else the task's memory. */
function memoryLineOf(p: Proposal): number | undefined {
  const c = p.lines.containers.find((x) => x.memory !== undefined || x.memoryReservation !== undefined);
  return c?.memoryReservation ?? c?.memory ?? p.lines.memory;
}

/** "512 / 4096 MiB (covers it) or 256 / 2048 MiB (the largest below)". */
function nearestFargate(cpu: number, memory: number, windows: boolean, prices: Prices, policy: Policy): string {
  const up = snapToFargate(cpu, memory, { arm: false, windows, allow32Vcpu: policy.fargate.allow32Vcpu, prices });
  const price = (s: { cpu: number; memory: number }) => fargateTaskHourly({ cpu: s.cpu, memory: s.memory, arm: false, windows }, prices);
  const below = FARGATE_SIZES.filter(
    (s) => s.cpu <= cpu && s.memory <= memory && (!windows || s.windows) && (policy.fargate.allow32Vcpu || !s.newest),
  ).sort((a, b) => price(b) - price(a))[0];
  const fmt = (s: { cpu: number; memory: number }) => `${fmtCpu(s.cpu, { unit: false })} / ${fmtMiB(s.memory)}`;
  const parts = [`${fmt(up)} (the smallest that covers it)`];
  if (below && (below.cpu !== up.cpu || below.memory !== up.memory)) parts.push(`${fmt(below)} (the largest below it)`);
  return parts.join(" or ");
}
