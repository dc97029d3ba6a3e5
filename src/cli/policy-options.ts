// The advisor knobs a user can turn per run. Each maps onto one Policy field.
import { InvalidArgumentError, type Command } from "commander";
import { sizeUnits } from "../advisor/capacity.js";
import { CHOSEN_CPU, DEFAULT_POLICY, resolvePolicy, type Policy } from "../advisor/policy.js";
import { UserError } from "../errors.js";
import { percent, positive } from "./parse.js";

export interface PolicyFlags {
  targetCpu?: number;
  targetMemory?: number;
  cpuPercentile?: number | "auto";
  cpuThrottleWeight?: number;
  memoryPercentile?: number;
  minChange?: number;
  scaleOutBelow?: number;
  autoscalingTarget?: number;
  zones?: number;
  maxHostShare?: number;
  maxInstanceSize?: string;
  fargate32Vcpu?: boolean;
}

export function addPolicyOptions(cmd: Command): Command {
  const d = DEFAULT_POLICY;
  return cmd
    .option("--target-cpu <pct>", `CPU utilization to size for (default ${d.cpu.target})`, percent("--target-cpu", { min: 1 }))
    .option("--target-memory <pct>", `memory utilization to size for (default ${d.memory.target})`, percent("--target-memory", { min: 1 }))
    .option(
      "--cpu-percentile <p|auto>",
      `percentile of per-period CPU Maximum to size from (default ${d.cpu.percentile}); auto: chosen per service from its own window, sized for ${CHOSEN_CPU.target}% unless --target-cpu`,
      cpuPercentile,
    )
    .option(
      "--cpu-throttle-weight <w>",
      `with --cpu-percentile auto (implied): a point of throttled demand counts as w points of idle allocation (default ${CHOSEN_CPU.throttleWeight}; higher keeps more cpu)`,
      positive("--cpu-throttle-weight", "a number"),
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
      "--zones <n>",
      `EC2 packing: hosts are a multiple of this many Availability Zones (default: the zones the cluster's hosts are in, else ${d.hosts.defaultZones})`,
      wholeNumber("--zones", "zones"),
    )
    .option(
      "--max-host-share <pct>",
      `EC2 packing: no host holds more than this share of any service's tasks, at least one (default ${d.hosts.maxServiceSharePercent})`,
      percent("--max-host-share", { min: 1 }),
    )
    .option("--max-instance-size <size>", "EC2 packing: no host larger than this size, e.g. 4xlarge (default: any size)", instanceSize)
    .option(
      "--fargate-32-vcpu",
      "offer the 32 vCPU Fargate sizes (Linux, platform version 1.4.0+; off by default, on for a service that already runs one)",
    )
    .option(
      "--autoscaling-target <pct>",
      `average CPU a proposed target-tracking policy holds (default ${d.autoscaling.targetCpu})`,
      percent("--autoscaling-target", { min: 1 }),
    );
}

const cpuPercentileNumber = percent("--cpu-percentile", { min: 1 });

/** A percentage as every percentage option reads it, or auto (said in the same one line when neither). */
function cpuPercentile(value: string): number | "auto" {
  if (value.trim().toLowerCase() === "auto") return "auto";
  try {
    return cpuPercentileNumber(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(", got ", ", or auto, got "));
  }
}

function wholeNumber(name: string, what = "tasks") {
  const parse = positive(name, `a whole number of ${what}`);
  return (value: string): number => {
    const n = parse(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} takes a whole number of ${what}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** An EC2 instance size: medium, large, xlarge, 2xlarge … 48xlarge, or metal. */
function instanceSize(value: string): string {
  const v = value.trim().toLowerCase();
  if (!Number.isFinite(sizeUnits(v)) && v !== "metal") {
    throw new InvalidArgumentError(
      `--max-instance-size takes an instance size such as large, xlarge, 4xlarge or metal, got ${JSON.stringify(value)}`,
    );
  }
  return v;
}

export function policyFrom(flags: PolicyFlags): Policy {
  if (typeof flags.cpuPercentile === "number" && flags.cpuThrottleWeight !== undefined) {
    throw new UserError(
      `--cpu-percentile ${flags.cpuPercentile} fixes the percentile, and --cpu-throttle-weight chooses one per service`,
      "give one: --cpu-percentile P, or --cpu-throttle-weight W (with or without --cpu-percentile auto)",
    );
  }
  return resolvePolicy({
    cpu:
      flags.cpuPercentile === "auto" || flags.cpuThrottleWeight !== undefined
        ? { throttleWeight: flags.cpuThrottleWeight ?? CHOSEN_CPU.throttleWeight, target: flags.targetCpu ?? CHOSEN_CPU.target }
        : { target: flags.targetCpu, percentile: flags.cpuPercentile },
    memory: { target: flags.targetMemory, percentile: flags.memoryPercentile },
    ...(flags.minChange !== undefined ? { minChangePercent: flags.minChange } : {}),
    hosts: {
      shortageLargestTasks: flags.scaleOutBelow,
      ...(flags.zones !== undefined ? { zones: flags.zones } : {}),
      maxServiceSharePercent: flags.maxHostShare,
      ...(flags.maxInstanceSize !== undefined ? { maxInstanceSize: flags.maxInstanceSize } : {}),
    },
    autoscaling: { targetCpu: flags.autoscalingTarget },
    ...(flags.fargate32Vcpu ? { fargate: { allow32Vcpu: true } } : {}),
  });
}
