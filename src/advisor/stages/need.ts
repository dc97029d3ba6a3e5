// Stage 3 — need: the cpu units and MiB each resource needs at its target, by the seed formula
// (allocated × observed ÷ target), and whether it may move: autoscaling that holds a resource leaves it
// alone, and low confidence, a leak or OOM kills forbid making it smaller (OOM kills raise memory). Pure.
import { fmtPct } from "../../model/format.js";
import type { Policy } from "../policy.js";
import type { Reasons } from "../reasons.js";
import { sizeResource, type ResourceSizing } from "../rightsize.js";
import type { Trust } from "./confidence.js";
import type { Advisable } from "./evidence.js";

export interface Need {
  cpu: ResourceSizing;
  memory: ResourceSizing;
  /** Low confidence: nothing may be made smaller. */
  blockAll: boolean;
}

/** CPU at or above this share of a hard cap is throttled: the real demand is higher than measured. */
export const SATURATED_PERCENT = 98;

export function sizeNeeds(ev: Advisable, trust: Trust, policy: Policy, reasons: Reasons): Need {
  const { alloc, data, oom } = ev;
  const blockAll = trust.confidence === "low";
  const cpuTracked = ev.tracked.has("cpu");
  const memoryTracked = ev.tracked.has("memory");
  const hard = alloc.memoryHardLimit ?? alloc.memory;
  const bumpTo = oom.kills > 0 ? Math.max(hard * policy.oomBump.factor, hard + policy.oomBump.minMiB) : undefined;
  const cpu = sizeResource(alloc.cpu, data.cpuSeries, policy.cpu, {
    minChangePercent: policy.minChangePercent,
    tracked: cpuTracked,
    blockDown: blockAll,
    exact: data.exactCpu,
  });
  const memory = sizeResource(alloc.memory, data.memorySeries, policy.memory, {
    minChangePercent: policy.minChangePercent,
    tracked: memoryTracked,
    blockDown: blockAll || trust.leak.suspected || oom.kills > 0,
    bumpTo,
    exact: data.exactMemory,
  });

  if (cpuTracked) {
    reasons.add(
      "autoscaling-on-cpu",
      `target tracking holds CPU near ${fmtPct(ev.tracked.get("cpu")!)}: smaller tasks would only mean more of them, so task cpu is left as it is`,
    );
  }
  if (memoryTracked) {
    reasons.add(
      "autoscaling-on-memory",
      `target tracking holds memory near ${fmtPct(ev.tracked.get("memory")!)}: task memory is left as it is`,
    );
  }
  // Fargate and a task-level cpu are hard caps (CFS quota); container-level cpu alone is only a share.
  const cpuCapped = ev.placement.kind === "fargate" || alloc.cpuSource === "task";
  const observed = cpu.evidence.observedPercent;
  if (observed !== null && cpuCapped && observed >= SATURATED_PERCENT) {
    reasons.add(
      "cpu-saturated",
      `CPU runs at its limit (${fmtPct(observed)}): tasks are throttled, so the real demand is higher than measured`,
    );
  }
  return { cpu, memory, blockAll };
}
