// `check`'s rules: one registry of small named objects. Each has its id, its group (what `--fail-on`
// names), what it reads, when it is on by default, a one-line doc, and `evaluate`, a pure function that
// reports violations. The CLI's --help, the config file's validation and docs/check-json.md come from (or
// are tested against) this registry; checkTaskDefinitions (check.ts) runs it.
import { fmtCpu, fmtMiB, fmtPct, fmtUsd, fmtUsdDelta } from "../model/format.js";
import type { Category, CheckedService, CheckRule, ProposedTaskDefinition, RuleSeverity } from "../model/check.js";
import type { ServiceFinding } from "../model/report.js";
import type { Prices, TaskDefinition } from "../model/snapshot.js";
import { FARGATE_SIZES, isValidFargateSize } from "../model/units.js";
import type { Allocation } from "./allocation.js";
import { fargateTaskHourly } from "./cost.js";
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

/** A proposed task definition, as check read it from its file. */
export type Proposal = ProposedTaskDefinition;

/** One service that runs the proposal's family, with what the evidence says about it. */
export interface MatchedService {
  checked: CheckedService;
  finding: ServiceFinding;
  /** What the task definition it runs now reserves (undefined: not in the evidence). */
  current: Allocation | undefined;
  /** "cluster/service" */
  key: string;
}

/** What a rule reads: the proposal and the services that run its family. */
export interface RuleInput {
  proposal: Proposal;
  td: TaskDefinition;
  alloc: Allocation;
  windows: boolean;
  services: readonly MatchedService[];
  policy: Policy;
  checkPolicy: CheckPolicy;
  prices: Prices;
}

/** A violation a rule found: what is wrong, where, and whether the running task definition has it too. */
export interface Finding {
  message: string;
  line: number | undefined;
  /** The task definition running now has the same problem: a warning, not this change's failure. */
  existing?: boolean;
  /** cluster/service the evidence came from. */
  service?: string;
}

export interface RuleDef {
  id: CheckRule;
  /** The group `--fail-on` names it by. */
  category: Category;
  /**
   * What it reads, which is also when it runs: "match" — whether any service runs the family; "usage" —
   * each matched service's usage and recommendation (once per service); "definition" — the task
   * definition itself, with the launch types and prices of the services that run it.
   */
  reads: "match" | "usage" | "definition";
  /** One line: the check fails when the proposed task definition … */
  doc: string;
  /** Off unless this option is given (its default severity is then error). */
  offUnless?: { option: string; given: (p: CheckPolicy) => boolean };
  /** One service's findings for "usage" rules (called once per matched service); the proposal's otherwise. */
  evaluate(input: RuleInput, service: MatchedService | undefined): Finding[];
}

const RULE_LIST: RuleDef[] = [
  {
    id: "invalid-fargate-size",
    category: "invalid",
    reads: "definition",
    doc: "runs on Fargate and its cpu/memory is not a Fargate pair (the nearest valid ones are named), or lacks task-level sizes",
    evaluate: invalidFargateSize,
  },
  {
    id: "container-sum-exceeds-task",
    category: "invalid",
    reads: "definition",
    doc: "has containers that reserve more cpu or memory than the task, or a container memory limit above the task's",
    evaluate: containerSumExceedsTask,
  },
  {
    id: "memory-below-peak",
    category: "risk",
    reads: "usage",
    doc: "has less memory than the observed peak (the hottest task's), or keeps or lowers memory that saw OOM kills",
    evaluate: memoryBelowPeak,
  },
  {
    id: "cpu-below-need",
    category: "risk",
    reads: "usage",
    doc: "has less cpu than the observed p95 needs at the CPU target (80 % by default; not for services whose target tracking holds CPU: there a smaller task only adds tasks)",
    evaluate: cpuBelowNeed,
  },
  {
    id: "overprovisioned",
    category: "cost",
    reads: "usage",
    doc: "is more than 50 % (`--overprovisioned`) above the recommendation, with high or medium confidence",
    evaluate: overprovisioned,
  },
  {
    id: "cost-increase",
    category: "cost",
    reads: "definition",
    doc: "raises the monthly cost of the services that run it above `--max-increase`",
    offUnless: { option: "--max-increase", given: (p) => p.maxIncrease.usd !== null || p.maxIncrease.percent !== null },
    evaluate: costIncrease,
  },
  {
    id: "no-evidence",
    category: "evidence",
    reads: "match",
    doc: "is run by no service in the evidence",
    offUnless: { option: "--require-evidence", given: (p) => p.requireEvidence },
    evaluate: noEvidence,
  },
];

/** The registry, by id; its keys are exactly the rules the Check JSON schema knows (CHECK_RULES). */
export const RULES = Object.fromEntries(RULE_LIST.map((r) => [r.id, r])) as { [K in CheckRule]: RuleDef & { id: K } };

/** The rules in the order the docs and the JSON's policy.rules list them. */
export const RULE_IDS: readonly CheckRule[] = RULE_LIST.map((r) => r.id);

/** The severity a rule runs with: the config's `rules:`, else off until its option is given, else by `--fail-on`. */
export function ruleSeverity(rule: CheckRule, p: CheckPolicy): RuleSeverity {
  const set = p.rules[rule];
  if (set) return set;
  const def = RULES[rule];
  if (def.offUnless && !def.offUnless.given(p)) return "off";
  return p.failOn.includes(def.category) || p.failOn.includes(rule) ? "error" : "warning";
}

/** "error", or "error with `--max-increase`, else off": the default severity in words (docs/check-json.md). */
export function defaultSeverityText(def: RuleDef): string {
  return def.offUnless ? `error with \`${def.offUnless.option}\`, else off` : "error";
}

/** A rule's row in the docs' rules table (docs/check.md): id, group, when it fails. */
export function ruleDocRow(def: RuleDef): string {
  const off = def.offUnless ? ` (off unless \`${def.offUnless.option}\` is given)` : "";
  return `| \`${def.id}\` | ${def.category} | … ${def.doc}${off} |`;
}

// ---- the rules ----

/** The line of the first container that sets `field`, else the task's. */
const containerLine = (p: Proposal, field: "cpu" | "memory") => p.lines.containers.find((c) => c[field] !== undefined)?.[field];
const cpuLine = (p: Proposal) => p.lines.cpu ?? containerLine(p, "cpu");
const memoryLine = (p: Proposal) => p.lines.memory ?? containerLine(p, "memory");

/** GPUs a task definition reserves, over its containers. */
export const gpusOf = (td: TaskDefinition): number => td.containers.reduce((a, c) => a + (c.gpu ?? 0), 0);

function invalidFargateSize({ proposal: p, td, windows, services, prices, policy }: RuleInput): Finding[] {
  const fargate = services.filter((s) => s.checked.launchType === "FARGATE");
  if (!(td.requiresCompatibilities ?? []).includes("FARGATE") && fargate.length === 0) return [];
  const out: Finding[] = [];
  const line = p.lines.cpu ?? p.lines.memory ?? p.line;
  const gpus = gpusOf(td);
  if (gpus > 0) {
    out.push({
      message: `${p.name} reserves ${gpus} GPU${gpus === 1 ? "" : "s"}, and Fargate runs no GPU tasks: it needs EC2 GPU instances`,
      line,
    });
  }
  if (td.cpu === undefined || td.memory === undefined) {
    const lacks = td.cpu === undefined && td.memory === undefined ? "neither" : td.cpu === undefined ? "no cpu" : "no memory";
    out.push({ message: `Fargate needs task-level cpu and memory; ${p.name} sets ${lacks}`, line });
  } else if (!isValidFargateSize(td.cpu, td.memory, { windows })) {
    out.push({
      message: `${fmtCpu(td.cpu, { unit: false })} cpu / ${fmtMiB(td.memory)} is not a Fargate size${windows ? " for Windows" : ""}; nearest valid: ${nearestFargate(td.cpu, td.memory, windows, prices, policy)}`,
      line,
    });
  }
  if (fargate.length > 0 && td.requiresCompatibilities && !td.requiresCompatibilities.includes("FARGATE")) {
    const who = fargate.map((s) => s.key).join(", ");
    out.push({
      message: `requiresCompatibilities is ${JSON.stringify(td.requiresCompatibilities)}, but ${who} run${fargate.length === 1 ? "s" : ""} on Fargate`,
      line: p.lines.compatibilities,
    });
  }
  return out;
}

function containerSumExceedsTask({ proposal: p, td }: RuleInput): Finding[] {
  const out: Finding[] = [];
  if (td.cpu !== undefined) {
    const sum = td.containers.reduce((a, c) => a + (c.cpu ?? 0), 0);
    if (sum > td.cpu) {
      const parts = td.containers.map((c) => `${c.name} ${c.cpu ?? 0}`).join(" + ");
      out.push({
        message: `the containers reserve ${fmtCpu(sum)} of cpu (${parts}), more than the task's ${fmtCpu(td.cpu)}`,
        line: containerLine(p, "cpu") ?? p.lines.cpu,
      });
    }
  }
  if (td.memory !== undefined) {
    const taskMemory = td.memory;
    const sum = td.containers.reduce((a, c) => a + (c.memoryReservation ?? c.memory ?? 0), 0);
    const big = td.containers.find((c) => c.memory !== undefined && c.memory > taskMemory);
    if (sum > taskMemory) {
      const parts = td.containers.map((c) => `${c.name} ${c.memoryReservation ?? c.memory ?? 0}`).join(" + ");
      out.push({
        message: `the containers reserve ${fmtMiB(sum)} of memory (${parts}), more than the task's ${fmtMiB(taskMemory)}`,
        line: reservationLine(p),
      });
    } else if (big) {
      out.push({
        message: `container ${big.name}'s memory limit ${fmtMiB(big.memory!)} is more than the task's ${fmtMiB(taskMemory)}`,
        line: p.lines.containers[td.containers.indexOf(big)]?.memory ?? p.lines.memory,
      });
    }
  }
  return out;
}

/** Below what the hottest task used, or not raised after OOM kills. */
function memoryBelowPeak({ proposal: p, alloc }: RuleInput, s: MatchedService | undefined): Finding[] {
  if (!s) return [];
  const ev = s.checked.evidence;
  const hard = alloc.memoryHardLimit ?? alloc.memory;
  const currentHard = s.current ? (s.current.memoryHardLimit ?? s.current.memory) : undefined;
  const line = memoryLine(p);
  if (hard !== undefined && ev.memoryPeakMiB !== null && hard < ev.memoryPeakMiB) {
    return [
      {
        message:
          `${s.key}: memory ${fmtMiB(hard)} is below the observed ${ev.memoryStatistic} of ${fmtMiB(Math.ceil(ev.memoryPeakMiB))}: tasks would be killed for running out of memory` +
          (currentHard !== undefined ? ` (runs with ${fmtMiB(currentHard)} now)` : ""),
        line,
        existing: currentHard !== undefined && currentHard < ev.memoryPeakMiB && hard >= currentHard,
        service: s.key,
      },
    ];
  }
  if (ev.oomKills > 0 && hard !== undefined && currentHard !== undefined && hard <= currentHard) {
    return [
      {
        message: `${s.key}: ${ev.oomKills} tasks were killed for running out of memory at ${fmtMiB(currentHard)} in the window; ${hard === currentHard ? "this keeps" : "this lowers it to"} ${fmtMiB(hard)}`,
        line,
        existing: hard === currentHard,
        service: s.key,
      },
    ];
  }
  return [];
}

/** Below the observed need at the target (unless target tracking adds tasks instead). */
function cpuBelowNeed({ proposal: p, alloc, policy }: RuleInput, s: MatchedService | undefined): Finding[] {
  if (!s) return [];
  const ev = s.checked.evidence;
  if (ev.cpuTargetTracking || alloc.cpu === undefined || ev.cpuNeededUnits === null || alloc.cpu >= Math.floor(ev.cpuNeededUnits))
    return [];
  const now = s.current?.cpu;
  return [
    {
      message:
        `${s.key}: cpu ${fmtCpu(alloc.cpu)} is below the ${fmtCpu(Math.ceil(ev.cpuNeededUnits))} its ${ev.cpuStatistic} needs at the ${fmtPct(policy.cpu.target)} target: tasks would be throttled` +
        (now !== undefined ? ` (runs with ${fmtCpu(now)} now)` : ""),
      line: cpuLine(p),
      existing: now !== undefined && now < ev.cpuNeededUnits && alloc.cpu >= now,
      service: s.key,
    },
  ];
}

/** Well above the recommendation; only a change that adds is this change's failure. */
function overprovisioned({ proposal: p, td, alloc, checkPolicy }: RuleInput, s: MatchedService | undefined): Finding[] {
  const rec = s?.finding.recommended;
  if (!s || !rec || (s.finding.confidence !== "high" && s.finding.confidence !== "medium")) return [];
  // A GPU task's cpu and memory come with its GPU instance: never called over-provisioned on them alone.
  if (gpusOf(td) > 0) return [];
  const limit = 1 + checkPolicy.overprovisionedPercent / 100;
  const over: string[] = [];
  let grew = false;
  if (alloc.cpu !== undefined && alloc.cpu > rec.cpu * limit) {
    over.push(`cpu ${fmtCpu(alloc.cpu)} vs ${fmtCpu(rec.cpu)} recommended`);
    grew ||= s.current?.cpu === undefined || alloc.cpu > s.current.cpu;
  }
  if (alloc.memory !== undefined && alloc.memory > rec.memory * limit) {
    over.push(`memory ${fmtMiB(alloc.memory)} vs ${fmtMiB(rec.memory)} recommended`);
    grew ||= s.current?.memory === undefined || alloc.memory > s.current.memory;
  }
  if (over.length === 0) return [];
  const proposed = s.checked.proposed.monthlyUsd;
  // The recommendation as priced beside the proposal (at the proposal's architecture's rates).
  const recMonthly = s.checked.recommended?.monthlyUsd ?? null;
  const saves = recMonthly !== null && proposed !== null ? proposed - recMonthly : null;
  return [
    {
      message:
        `${s.key}: ${over.join(", ")} — more than ${fmtPct(checkPolicy.overprovisionedPercent)} above what its usage needs` +
        (saves !== null && saves > 0 ? ` (${fmtUsd(saves)}/mo more than the recommendation)` : ""),
      line: over[0]!.startsWith("cpu") ? cpuLine(p) : memoryLine(p),
      existing: !grew,
      service: s.key,
    },
  ];
}

/** What the services that run it would pay, against now. */
function costIncrease({ proposal: p, services, checkPolicy: cp }: RuleInput): Finding[] {
  const priced = services.filter((s) => s.checked.deltaMonthlyUsd !== null);
  if (priced.length === 0) return [];
  const delta = priced.reduce((a, s) => a + s.checked.deltaMonthlyUsd!, 0);
  const base = priced.reduce((a, s) => a + (s.checked.current.monthlyUsd ?? 0), 0);
  if (delta <= 0) return [];
  const pct = base > 0 ? (delta / base) * 100 : null;
  const overUsd = cp.maxIncrease.usd !== null && delta > cp.maxIncrease.usd;
  const overPct = cp.maxIncrease.percent !== null && (pct === null || pct > cp.maxIncrease.percent);
  if (!overUsd && !overPct) return [];
  const limits = [
    cp.maxIncrease.usd !== null ? fmtUsd(cp.maxIncrease.usd) : undefined,
    cp.maxIncrease.percent !== null ? fmtPct(cp.maxIncrease.percent) : undefined,
  ]
    .filter(Boolean)
    .join(" or ");
  return [
    {
      message: `monthly cost ${fmtUsdDelta(delta)}${pct !== null ? ` (+${fmtPct(pct)})` : ""} for ${priced.map((s) => s.key).join(", ")}: more than the ${limits} allowed`,
      line: p.lines.cpu ?? p.lines.memory ?? p.line,
    },
  ];
}

function noEvidence({ proposal: p, services }: RuleInput): Finding[] {
  if (services.length > 0) return [];
  return [
    {
      message: `no service in the evidence runs ${p.family ? `family ${p.family}` : p.name}: nothing to check its size against`,
      line: p.line,
    },
  ];
}

/** The line of the first container memory reservation (soft, else hard), else the task's memory. */
function reservationLine(p: Proposal): number | undefined {
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
