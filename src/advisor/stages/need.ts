// Stage 3 — need: the cpu units and MiB each resource needs at its target, by the seed formula
// (allocated × observed ÷ target), and whether it may move: autoscaling that holds a resource leaves it
// alone, and low confidence, a leak or OOM kills forbid making it smaller (OOM kills raise memory). Pure.
import { fmtCpu, fmtPct } from "../../model/format.js";
import type { ResourceEvidence } from "../../model/report.js";
import { type Burst, detectBurst } from "../bursts.js";
import { choosePercentile, type PercentileChoice } from "../predict.js";
import { describeStatistic, type Policy } from "../policy.js";
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
  // Each service's CPU percentile chosen from its own window (predict.ts), or the policy's fixed one.
  const choice =
    typeof policy.cpu.throttleWeight === "number"
      ? choosePercentile(data.cpuSeries, policy.cpu.throttleWeight, data.exactCpu, data.exactCpuShares)
      : undefined;
  const cpuPolicy = choice ? { ...policy.cpu, percentile: choice.percentile, throttleWeight: null } : policy.cpu;
  // CPU is sized from a percentile, which a short recurring job slips under; memory from the peak, which cannot.
  // A chosen percentile has already weighed the bursts' throttled demand: they are reported, not sized for.
  // With a fixed percentile, `bursts: false` neither sizes for nor reports them (the benchmark's knob).
  const burst =
    cpuPolicy.percentile < 100 && (policy.cpu.bursts !== false || choice)
      ? detectBurst(ev.history, data.cpuSeries, cpuPolicy.percentile, data.exactCpu)
      : undefined;
  const sizeBurst = burst !== undefined && (policy.cpu.bursts ?? !choice);
  const cpu = sizeResource(alloc.cpu, data.cpuSeries, cpuPolicy, {
    minChangePercent: policy.minChangePercent,
    tracked: cpuTracked,
    blockDown: blockAll,
    exact: data.exactCpu,
    burst: sizeBurst
      ? {
          percent: burst.levelPercent,
          statistic: `${burst.cadence} burst (${policy.cpu.series === "maximum" ? "hottest task" : "task average"})`,
        }
      : undefined,
  });
  if (burst) {
    cpu.evidence.burst = {
      cadence: burst.cadence,
      levelPercent: burst.levelPercent,
      baselinePercent: burst.baselinePercent,
      cycles: burst.cycles,
      burstCycles: burst.burstCycles,
      minutes: burst.minutes,
      perCycle: burst.perCycle,
      startsAt: burst.startsAt,
      sized: cpu.evidence.statistic !== describeStatistic(cpuPolicy),
    };
    const throttled = choice && !sizeBurst ? choice.throttledPercent : undefined;
    reasons.add(
      "recurring-burst",
      burstMessage(burst, alloc.cpu, cpu.percentilePercent, { ...policy, cpu: cpuPolicy }, cpuTracked, throttled),
    );
  }
  if (choice) cpu.evidence.choice = choiceEvidence(choice);
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

function choiceEvidence(c: PercentileChoice): NonNullable<ResourceEvidence["choice"]> {
  return {
    percentile: c.percentile,
    weight: c.weight,
    idlePercent: c.idlePercent,
    throttledPercent: c.throttledPercent,
  };
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "CPU bursts to 68% (2785 units) every day at about 01:00 UTC for about 60 minutes (14 of 14 days) …" */
export function burstMessage(
  b: Burst,
  allocated: number,
  percentilePercent: number,
  policy: Policy,
  tracked: boolean,
  /** Not sized for (a chosen percentile): the window's demand above the size, percent. */
  throttledPercent?: number,
): string {
  const units = (pct: number) => fmtCpu(Math.round((allocated * pct) / 100), { unit: true });
  const cycle = b.cadence === "hourly" ? "hour" : "day";
  const when =
    b.perCycle > 1
      ? `${b.perCycle} times a ${cycle}`
      : b.cadence === "hourly"
        ? `every hour${b.startsAt === null ? "" : ` at about :${pad2(b.startsAt)}`}`
        : `every day${b.startsAt === null ? "" : ` at about ${pad2(b.startsAt)}:00 UTC`}`;
  const length = b.minutes === null ? "" : ` for about ${b.minutes} minutes${b.perCycle > 1 ? " each" : ""}`;
  const count = `${b.burstCycles} of ${b.cycles} ${b.cadence === "hourly" ? "hours" : "days"}`;
  const statistic = describeStatistic(policy.cpu);
  const head = `CPU bursts to ${fmtPct(b.levelPercent)} (${units(b.levelPercent)}) ${when}${length} (${count}), from a usual ${fmtPct(b.baselinePercent)}`;
  const verdict = tracked
    ? "target tracking holds CPU, so the bursts add tasks"
    : b.levelPercent > percentilePercent && throttledPercent !== undefined
      ? `${statistic} is ${fmtPct(percentilePercent)}, below the bursts: they run throttled at that size (${fmtPct(throttledPercent)} of the window's demand is above it), cheaper than sizing every hour for them`
      : b.levelPercent > percentilePercent
        ? `${statistic} is ${fmtPct(percentilePercent)}, below the bursts, so cpu is sized to cover them`
        : `${statistic} (${fmtPct(percentilePercent)}) already covers them`;
  const outside =
    b.outsidePercent === null || tracked
      ? ""
      : `. Outside the bursts it needs about ${units((b.outsidePercent * 100) / policy.cpu.target)}: run the job as a scheduled task (EventBridge Scheduler → RunTask) or give the service scheduled scaling, and it could run that small`;
  return `${head}: ${verdict}${outside}`;
}
