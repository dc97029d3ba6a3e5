// The advisor knobs a user can turn per run. Each maps onto one Policy field.
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_POLICY, resolvePolicy, type Policy } from "../advisor/policy.js";
import { percent, positive } from "./parse.js";

export interface PolicyFlags {
  targetCpu?: number;
  targetMemory?: number;
  cpuPercentile?: number;
  memoryPercentile?: number;
  minChange?: number;
  scaleOutBelow?: number;
  autoscalingTarget?: number;
}

export function addPolicyOptions(cmd: Command): Command {
  const d = DEFAULT_POLICY;
  return cmd
    .option("--target-cpu <pct>", `CPU utilization to size for (default ${d.cpu.target})`, percent("--target-cpu", { min: 1 }))
    .option("--target-memory <pct>", `memory utilization to size for (default ${d.memory.target})`, percent("--target-memory", { min: 1 }))
    .option(
      "--cpu-percentile <p>",
      `percentile of per-period CPU Maximum to size from (default ${d.cpu.percentile})`,
      percent("--cpu-percentile", { min: 1 }),
    )
    .option(
      "--memory-percentile <p>",
      `percentile of per-period memory Maximum (default ${d.memory.percentile}: the peak)`,
      percent("--memory-percentile", { min: 1 }),
    )
    .option(
      "--min-change <pct>",
      `smallest downsize worth a deployment, percent (default ${d.minChangePercent})`,
      percent("--min-change", { min: 0, max: 99 }),
    )
    .option(
      "--scale-out-below <tasks>",
      `EC2 host rule: scale out when fewer than this many of the largest task fit (default ${d.hosts.shortageLargestTasks})`,
      wholeNumber("--scale-out-below"),
    )
    .option(
      "--autoscaling-target <pct>",
      `average CPU a proposed target-tracking policy holds (default ${d.autoscaling.targetCpu})`,
      percent("--autoscaling-target", { min: 1 }),
    );
}

function wholeNumber(name: string) {
  const parse = positive(name, "a whole number of tasks");
  return (value: string): number => {
    const n = parse(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} takes a whole number of tasks, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function policyFrom(flags: PolicyFlags): Policy {
  return resolvePolicy({
    cpu: { target: flags.targetCpu, percentile: flags.cpuPercentile },
    memory: { target: flags.targetMemory, percentile: flags.memoryPercentile },
    ...(flags.minChange !== undefined ? { minChangePercent: flags.minChange } : {}),
    hosts: { shortageLargestTasks: flags.scaleOutBelow },
    autoscaling: { targetCpu: flags.autoscalingTarget },
  });
}
