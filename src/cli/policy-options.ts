// The advisor knobs a user can turn per run. Each maps onto one Policy field.
import type { Command } from "commander";
import { DEFAULT_POLICY, resolvePolicy, type Policy } from "../advisor/policy.js";
import { percent } from "./parse.js";

export interface PolicyFlags {
  targetCpu?: number;
  targetMemory?: number;
  cpuPercentile?: number;
  memoryPercentile?: number;
  minChange?: number;
}

export function addPolicyOptions(cmd: Command): Command {
  const d = DEFAULT_POLICY;
  return cmd
    .option("--target-cpu <pct>", `CPU utilization to size for (default ${d.cpu.target})`, percent("--target-cpu", { min: 1 }))
    .option(
      "--target-memory <pct>",
      `memory utilization to size for (default ${d.memory.target})`,
      percent("--target-memory", { min: 1 }),
    )
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
    );
}

export function policyFrom(flags: PolicyFlags): Policy {
  return resolvePolicy({
    cpu: { target: flags.targetCpu, percentile: flags.cpuPercentile },
    memory: { target: flags.targetMemory, percentile: flags.memoryPercentile },
    ...(flags.minChange !== undefined ? { minChangePercent: flags.minChange } : {}),
  });
}
