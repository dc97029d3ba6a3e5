// Stage 4 — proposal: the needs turned into a size ECS accepts. On Fargate, the cheapest valid (cpu, memory)
// pair that covers both; on EC2, the need rounded up to the policy's steps, above its floors. Pure.
import { fmtCpu, fmtMiB, fmtPct } from "../../model/format.js";
import { fargateLimits, snapToFargate } from "../fargate.js";
import type { Policy } from "../policy.js";
import type { Reasons } from "../reasons.js";
import { ceilTo } from "../rightsize.js";
import type { AdviseContext, Advisable } from "./evidence.js";
import type { Need } from "./need.js";

export interface Proposal {
  cpu: number;
  memory: number;
  /** Why the size that comes out is today's, for the well-sized reason. */
  roundingNote: string | undefined;
  /** Fargate has no size at the need: which one was chosen instead (the fargate-size-rounded reason). */
  roundedTo: string | undefined;
  /** Windows on Fargate kept the need at its 1 vCPU minimum. */
  windowsFloor: boolean;
}

/** The size each resource is wanted at: its need when it moves, today's when it stays. */
export function wanted(ev: Advisable, need: Need): { cpu: number; memory: number } {
  const moves = (d: string) => d === "up" || d === "down";
  return {
    cpu: moves(need.cpu.decision) ? need.cpu.need : ev.alloc.cpu,
    memory: moves(need.memory.decision) ? need.memory.need : ev.alloc.memory,
  };
}

export function propose(ev: Advisable, need: Need, ctx: AdviseContext, reasons: Reasons): Proposal {
  const want = wanted(ev, need);
  return ev.placement.kind === "fargate" ? fargateProposal(ev, want, ctx, reasons) : ec2Proposal(ev, want, need, ctx.policy, reasons);
}

export function fargateProposal(ev: Advisable, want: { cpu: number; memory: number }, ctx: AdviseContext, reasons: Reasons): Proposal {
  const { placement, alloc } = ev;
  const limits = fargateLimits(ev.service.platformVersion, alloc.cpu, ctx.policy.fargate.allow32Vcpu);
  const snap = snapToFargate(want.cpu, want.memory, {
    arm: placement.arm,
    windows: placement.windows,
    allow32Vcpu: limits.allow32Vcpu,
    maxCpu: limits.maxCpu,
    prices: ctx.prices,
  });
  const size = (cpu: number, memory: number) => `${fmtCpu(cpu, { unit: false })} / ${fmtMiB(memory)}`;
  const needText = `${fmtCpu(Math.ceil(want.cpu), { unit: false })} cpu / ${fmtMiB(Math.ceil(want.memory))}`;
  let roundingNote: string | undefined;
  let roundedTo: string | undefined;
  if (snap.exceedsMax) {
    const why =
      limits.olderPlatform && !placement.windows
        ? `the largest on platform version ${limits.olderPlatform}; 1.4.0 (LATEST) offers 8 and 16 vCPU: update the service's platform version, split the work or move it to EC2`
        : !limits.allow32Vcpu && !placement.windows
          ? "the largest offered; the 32 vCPU sizes are opt-in (--fargate-32-vcpu): allow them, split the work or move it to EC2"
          : "split the work or move it to EC2";
    reasons.add("exceeds-fargate-max", `needs ${needText}, more than the largest Fargate size (${size(snap.cpu, snap.memory)}), ${why}`);
  } else if (snap.cpu === alloc.cpu && snap.memory === alloc.memory) {
    roundingNote = `today's ${size(snap.cpu, snap.memory)} is the cheapest Fargate size that covers the need (${needText})`;
  } else if (snap.cpu > Math.ceil(want.cpu) || snap.memory > Math.ceil(want.memory)) {
    roundedTo = `Fargate has no ${needText} size; the cheapest that covers both is ${size(snap.cpu, snap.memory)}`;
  }
  return {
    cpu: snap.cpu,
    memory: snap.memory,
    roundingNote,
    roundedTo,
    windowsFloor: placement.windows && want.cpu < 1024 && snap.cpu === 1024,
  };
}

export function ec2Proposal(ev: Advisable, want: { cpu: number; memory: number }, need: Need, policy: Policy, reasons: Reasons): Proposal {
  const { alloc } = ev;
  const { minCpu, cpuStep, minMemoryMiB, memoryStepMiB } = policy.ec2;
  const roundCpu = (v: number) => Math.max(minCpu, ceilTo(v, cpuStep));
  const roundMemory = (v: number) => Math.max(minMemoryMiB, ceilTo(v, memoryStepMiB));
  let cpu = want.cpu === alloc.cpu ? alloc.cpu : roundCpu(want.cpu);
  let memory = want.memory === alloc.memory ? alloc.memory : roundMemory(want.memory);
  // A "down" that rounding or a floor turned into no change is no change.
  if (need.cpu.decision === "down" && cpu >= alloc.cpu) cpu = alloc.cpu;
  if (need.memory.decision === "down" && memory >= alloc.memory) memory = alloc.memory;
  const floored =
    (cpu < alloc.cpu && cpu === minCpu && ceilTo(want.cpu, cpuStep) < minCpu) ||
    (memory < alloc.memory && memory === minMemoryMiB && ceilTo(want.memory, memoryStepMiB) < minMemoryMiB);
  if (floored) reasons.add("floor-applied", `kept at the floor of ${fmtCpu(minCpu)} / ${fmtMiB(minMemoryMiB)} for a task on EC2`);
  return {
    cpu,
    memory,
    roundingNote: `both are within ${fmtPct(policy.minChangePercent)} of the need at the targets`,
    roundedTo: undefined,
    windowsFloor: false,
  };
}
