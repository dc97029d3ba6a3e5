// `ecs-advisor calc`: the seed formula for one task, step by step, with the size ECS would accept.
import type { Prices } from "../model/snapshot.js";
import { fargateTaskHourly, monthly } from "./cost.js";
import { snapToFargate } from "./fargate.js";
import { ceilTo, neededUnits } from "./rightsize.js";

export interface CalcInput {
  cpu?: { allocated: number; utilization: number; target: number } | undefined;
  memory?: { allocated: number; utilization: number; target: number } | undefined;
  launchTypes: ReadonlyArray<"ec2" | "fargate">;
  arm: boolean;
  windows: boolean;
  ec2: { cpuStep: number; memoryStepMiB: number; minCpu: number; minMemoryMiB: number };
  allow32Vcpu: boolean;
  prices: Prices;
}

export interface CalcStep {
  allocated: number;
  utilization: number;
  used: number;
  target: number;
  needed: number;
}

export interface CalcResult {
  cpu?: CalcStep | undefined;
  memory?: CalcStep | undefined;
  ec2?:
    | {
        cpu?: number | undefined;
        memory?: number | undefined;
        /** Held at the EC2 floor (the need rounded was below it), as the report does. */
        floored: { cpu: boolean; memory: boolean };
      }
    | undefined;
  fargate?:
    | {
        cpu: number;
        memory: number;
        hourly: number;
        monthly: number;
        exceedsMax: boolean;
        /** Why this size: which need set the cpu step and which the memory. */
        why: string;
      }
    | undefined;
}

function step(r: { allocated: number; utilization: number; target: number }): CalcStep {
  return {
    allocated: r.allocated,
    utilization: r.utilization,
    used: (r.allocated * r.utilization) / 100,
    target: r.target,
    needed: neededUnits(r.allocated, r.utilization, r.target),
  };
}

export function calculate(input: CalcInput): CalcResult {
  const cpu = input.cpu ? step(input.cpu) : undefined;
  const memory = input.memory ? step(input.memory) : undefined;
  const out: CalcResult = { cpu, memory };
  if (input.launchTypes.includes("ec2")) {
    const c = cpu ? ceilTo(cpu.needed, input.ec2.cpuStep) : undefined;
    const m = memory ? ceilTo(memory.needed, input.ec2.memoryStepMiB) : undefined;
    out.ec2 = {
      cpu: c === undefined ? undefined : Math.max(c, input.ec2.minCpu),
      memory: m === undefined ? undefined : Math.max(m, input.ec2.minMemoryMiB),
      floored: { cpu: c !== undefined && c < input.ec2.minCpu, memory: m !== undefined && m < input.ec2.minMemoryMiB },
    };
  }
  if (input.launchTypes.includes("fargate")) {
    const needCpu = cpu?.needed ?? 0;
    const needMem = memory?.needed ?? 0;
    const snap = snapToFargate(needCpu, needMem, {
      arm: input.arm,
      windows: input.windows,
      allow32Vcpu: input.allow32Vcpu,
      prices: input.prices,
    });
    const parts: string[] = [];
    if (snap.exceedsMax) parts.push("the need is larger than the largest Fargate size; this is the largest");
    else {
      if (cpu) {
        parts.push(
          snap.cpu === ceilTo(cpu.needed, 1)
            ? `${snap.cpu} cpu units is exactly the need`
            : `${snap.cpu} is the smallest Fargate cpu step at or above ${Math.ceil(cpu.needed)} units` +
                (input.windows && snap.cpu === 1024 && cpu.needed < 1024 ? " (Windows needs at least 1024)" : ""),
        );
      }
      if (memory) {
        parts.push(
          snap.memory === Math.ceil(memory.needed)
            ? `${snap.memory} MiB is exactly the memory need`
            : `${snap.memory} MiB is the least memory Fargate allows with ${snap.cpu} cpu that covers ${Math.ceil(memory.needed)} MiB`,
        );
      } else parts.push(`${snap.memory} MiB is the least memory Fargate allows with ${snap.cpu} cpu`);
      if (cpu && memory && snap.cpu > Math.ceil(cpu.needed) && snap.cpu > smallestCpuFor(cpu.needed, input))
        parts.push(`the memory need pushes cpu up to ${snap.cpu}`);
    }
    const hourly = fargateTaskHourly({ cpu: snap.cpu, memory: snap.memory, arm: input.arm, windows: input.windows }, input.prices);
    out.fargate = {
      cpu: snap.cpu,
      memory: snap.memory,
      hourly,
      monthly: monthly(hourly),
      exceedsMax: snap.exceedsMax,
      why: parts.join("; "),
    };
  }
  return out;
}

function smallestCpuFor(need: number, input: CalcInput): number {
  return snapToFargate(need, 0, { arm: input.arm, windows: input.windows, allow32Vcpu: input.allow32Vcpu, prices: input.prices }).cpu;
}
