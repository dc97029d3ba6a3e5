// Stage 5 — explanation: now that the size is final, say what changed and why, in reasons a person can
// check against the numbers (observed, needed at the target, rounded to), and name the action. Pure.
import { fmtCpu, fmtMiB, fmtPct } from "../../model/format.js";
import type { ServiceFinding } from "../../model/report.js";
import type { Reasons } from "../reasons.js";
import type { ResourceSizing } from "../rightsize.js";
import type { Trust } from "./confidence.js";
import type { Advisable } from "./evidence.js";
import type { Need } from "./need.js";
import type { Proposal } from "./proposal.js";

type Direction = "down" | "up" | "same";

const direction = (proposed: number, allocated: number): Direction =>
  proposed < allocated ? "down" : proposed > allocated ? "up" : "same";

/** downsize, upsize, resize (one up, one down) or keep. */
export function actionOf(proposal: Proposal, alloc: { cpu: number; memory: number }): ServiceFinding["action"] {
  if (proposal.cpu === alloc.cpu && proposal.memory === alloc.memory) return "keep";
  if (proposal.cpu <= alloc.cpu && proposal.memory <= alloc.memory) return "downsize";
  if (proposal.cpu >= alloc.cpu && proposal.memory >= alloc.memory) return "upsize";
  return "resize";
}

export function explain(ev: Advisable, need: Need, proposal: Proposal, trust: Trust, reasons: Reasons): ServiceFinding["action"] {
  const { alloc } = ev;
  explainResource("cpu", need.cpu, direction(proposal.cpu, alloc.cpu), reasons);
  explainResource("memory", need.memory, direction(proposal.memory, alloc.memory), reasons);
  if (proposal.roundedTo) reasons.add("fargate-size-rounded", proposal.roundedTo);
  if (proposal.windowsFloor) reasons.add("windows-minimum", "Windows tasks on Fargate need at least 1 vCPU (1024 units)");

  const blocked = need.cpu.decision === "blocked" || need.memory.decision === "blocked";
  if (blocked) {
    const why = need.blockAll
      ? `confidence is ${trust.confidence}`
      : trust.leak.suspected
        ? "memory looks like it leaks"
        : "tasks were killed for lack of memory";
    const parts = [
      need.cpu.decision === "blocked" ? `cpu ${fmtCpu(Math.ceil(need.cpu.need))}` : undefined,
      need.memory.decision === "blocked" ? `memory ${fmtMiB(Math.ceil(need.memory.need))}` : undefined,
    ].filter(Boolean);
    reasons.add("downsize-blocked", `the numbers point to ${parts.join(" and ")}, but ${why}, so nothing is made smaller`);
  }

  const action = actionOf(proposal, alloc);
  if (action === "keep" && !reasons.list.some((r) => r.severity === "risk") && !blocked) {
    reasons.add(
      "well-sized",
      `${summary("CPU", need.cpu, fmtCpu)}, ${summary("memory", need.memory, fmtMiB)}: ${proposal.roundingNote ?? "no change is worth making"}`,
    );
  }
  return action;
}

/** "CPU p95 (hottest task) 30% of 1024 units" */
function summary(name: string, r: ResourceSizing, unit: (n: number) => string): string {
  const e = r.evidence;
  if (e.observedPercent === null || e.allocated === null) return `${name} unknown`;
  return `${name} ${e.statistic} ${fmtPct(e.observedPercent)} of ${unit(e.allocated)}`;
}

/** How a chosen CPU percentile was chosen, as a clause ("" for a fixed one or a burst). */
function chosen(e: ResourceSizing["evidence"]): string {
  const c = e.choice;
  if (!c || e.burst?.sized) return "";
  return ` (p${c.percentile} is this service's percentile: sized there over the window, ${fmtPct(c.idlePercent)} of it would have sat idle and ${fmtPct(c.throttledPercent)} of the demand been above it, the least idle + ${c.weight} × throttled of the percentiles kept)`;
}

/** The observed statistic and the need at the target, for a resource that moves or was held back. */
export function explainResource(which: "cpu" | "memory", r: ResourceSizing, final: Direction, reasons: Reasons): void {
  const e = r.evidence;
  if (e.observedPercent === null || e.allocated === null) return;
  const unit = which === "cpu" ? fmtCpu : fmtMiB;
  const name = which === "cpu" ? "CPU" : "memory";
  const observed = `${name} ${e.statistic} is ${fmtPct(e.observedPercent)} of ${unit(e.allocated)} (${unit(Math.round(e.observedUnits ?? 0))})`;
  const sized = r.bumped
    ? `after the OOM kills it needs at least ${unit(Math.ceil(r.need))}`
    : `sized for ${fmtPct(e.targetPercent)} it needs ${unit(Math.ceil(r.need))}${chosen(e)}`;
  if (r.decision === "blocked" || (r.decision === "down" && final === "down")) {
    reasons.add(which === "cpu" ? "cpu-overprovisioned" : "memory-overprovisioned", `${observed}; ${sized}`);
  } else if (r.decision === "up") {
    reasons.add(which === "cpu" ? "cpu-underprovisioned" : "memory-underprovisioned", `${observed}; ${sized}`);
  }
}
