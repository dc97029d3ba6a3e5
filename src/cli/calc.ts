// `ecs-advisor calc`: the right-sizing formula for one task, shown step by step.
import { Command } from "commander";
import { calculate, type CalcResult } from "../advisor/calc.js";
import { DEFAULT_POLICY } from "../advisor/policy.js";
import { bundledPrices } from "../collect/pricebook.js";
import { UserError } from "../errors.js";
import { fmtCpu, fmtMiB, fmtPct, fmtUsd, fmtUsdHourly } from "../model/format.js";
import type { Io } from "./io.js";
import { oneOf, percent, positive } from "./parse.js";

interface CalcFlags {
  cpu?: number;
  cpuUtil?: number;
  targetCpu: number;
  memory?: number;
  memUtil?: number;
  targetMemory: number;
  launchType?: "ec2" | "fargate";
  arch: "x86_64" | "arm64";
  os: "linux" | "windows";
  json?: boolean;
}

const num = (n: number): string => String(Math.round(n * 100) / 100);

/**
 * calc takes one utilization reading (a dashboard's average, say), so it keeps the seed's goals — 60 %
 * CPU, 60–80 % memory — not the report's targets, which apply to a p95 of the hottest task and a peak.
 */
export const CALC_TARGETS = { cpu: 60, memory: 80 } as const;

export function calcCommand(io: Io): Command {
  return new Command("calc")
    .description("right-size one task: needed = allocated × utilization ÷ target, snapped to what ECS accepts")
    .option("--cpu <units>", "cpu units allocated now (1024 = 1 vCPU)", positive("--cpu", "cpu units"))
    .option(
      "--cpu-util <pct>",
      "CPU utilization observed, percent (may exceed 100 on EC2)",
      percent("--cpu-util", { max: Number.POSITIVE_INFINITY }),
    )
    .option("--target-cpu <pct>", "CPU utilization to size for", percent("--target-cpu", { min: 1 }), CALC_TARGETS.cpu)
    .option("--memory <mib>", "memory allocated now, MiB", positive("--memory", "MiB"))
    .option("--mem-util <pct>", "memory utilization observed, percent", percent("--mem-util", { max: Number.POSITIVE_INFINITY }))
    .option("--target-memory <pct>", "memory utilization to size for", percent("--target-memory", { min: 1 }), CALC_TARGETS.memory)
    .option("--launch-type <type>", "ec2 or fargate (default: show both)", oneOf("--launch-type", ["ec2", "fargate"] as const))
    .option("--arch <arch>", "x86_64 or arm64, for the Fargate price", oneOf("--arch", ["x86_64", "arm64"] as const), "x86_64")
    .option("--os <os>", "linux or windows (Windows on Fargate needs ≥ 1 vCPU)", oneOf("--os", ["linux", "windows"] as const), "linux")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Examples:
  ecs-advisor calc --cpu 1024 --cpu-util 40 --target-cpu 60 --launch-type ec2     # → 683 units
  ecs-advisor calc --cpu 1024 --cpu-util 40 --memory 2048 --mem-util 70 --launch-type fargate

Exit codes: 0 worked out · 2 bad input`,
    )
    .action((flags: CalcFlags) => {
      if (flags.cpu === undefined && flags.memory === undefined) {
        throw new UserError(
          "calc needs --cpu with --cpu-util, or --memory with --mem-util",
          "e.g. ecs-advisor calc --cpu 1024 --cpu-util 40",
        );
      }
      if ((flags.cpu === undefined) !== (flags.cpuUtil === undefined)) {
        throw new UserError("--cpu and --cpu-util go together", "give both, e.g. --cpu 1024 --cpu-util 40");
      }
      if ((flags.memory === undefined) !== (flags.memUtil === undefined)) {
        throw new UserError("--memory and --mem-util go together", "give both, e.g. --memory 2048 --mem-util 70");
      }
      if (flags.os === "windows" && flags.arch === "arm64") {
        throw new UserError(
          "Windows containers on ECS run on x86_64 only: there is no Windows on arm64 to size or price",
          "use --arch x86_64 with --os windows",
        );
      }
      const prices = bundledPrices();
      const result = calculate({
        cpu: flags.cpu !== undefined ? { allocated: flags.cpu, utilization: flags.cpuUtil!, target: flags.targetCpu } : undefined,
        memory:
          flags.memory !== undefined ? { allocated: flags.memory, utilization: flags.memUtil!, target: flags.targetMemory } : undefined,
        launchTypes: flags.launchType ? [flags.launchType] : ["ec2", "fargate"],
        arm: flags.arch === "arm64",
        windows: flags.os === "windows",
        ec2: DEFAULT_POLICY.ec2,
        allow32Vcpu: DEFAULT_POLICY.fargate.allow32Vcpu,
        prices,
      });
      if (flags.json) {
        io.stdout.write(
          `${JSON.stringify({ ...result, prices: { source: prices.source, asOf: prices.asOf, region: prices.region } }, null, 2)}\n`,
        );
        return;
      }
      io.stdout.write(
        renderCalc(
          result,
          flags,
          `${prices.region} On-Demand, ${flags.os === "windows" ? "Windows" : "Linux"} ${flags.arch === "arm64" ? "ARM" : "x86"}; bundled prices as of ${prices.asOf}`,
        ),
      );
    });
}

export function renderCalc(r: CalcResult, flags: Pick<CalcFlags, "launchType">, priceNote: string): string {
  const lines: string[] = [];
  if (r.cpu) {
    lines.push(`cpu      ${fmtCpu(r.cpu.allocated)} × ${fmtPct(r.cpu.utilization)} used = ${num(r.cpu.used)} units`);
    lines.push(`         ${num(r.cpu.used)} ÷ ${fmtPct(r.cpu.target)} target = ${num(r.cpu.needed)} units needed`);
  }
  if (r.memory) {
    lines.push(`memory   ${fmtMiB(r.memory.allocated)} × ${fmtPct(r.memory.utilization)} used = ${num(r.memory.used)} MiB`);
    lines.push(`         ${num(r.memory.used)} ÷ ${fmtPct(r.memory.target)} target = ${num(r.memory.needed)} MiB needed`);
  }
  lines.push("");
  if (r.ec2) {
    const floor = (need: number | undefined) => `(the floor; the need is ${Math.ceil(need ?? 0)})`;
    const parts = [
      r.ec2.cpu !== undefined
        ? `cpu ${r.ec2.cpu} units ${r.ec2.floored.cpu ? floor(r.cpu?.needed) : "(rounded up to a whole unit)"}`
        : undefined,
      r.ec2.memory !== undefined
        ? `memory ${r.ec2.memory} MiB ${r.ec2.floored.memory ? floor(r.memory?.needed) : `(rounded up to ${DEFAULT_POLICY.ec2.memoryStepMiB} MiB)`}`
        : undefined,
    ].filter(Boolean);
    lines.push(`EC2      ${parts.join(" · ")}`);
  }
  if (r.fargate) {
    const f = r.fargate;
    lines.push(`Fargate  ${f.cpu} cpu / ${f.memory} MiB${f.exceedsMax ? " (the largest size: the need does not fit Fargate)" : ""}`);
    lines.push(`         why: ${f.why}`);
    lines.push(`         ${fmtUsdHourly(f.hourly)} per task = ${fmtUsd(f.monthly)}/mo (${priceNote})`);
  }
  if (!flags.launchType) lines.push("", "Add --launch-type ec2 or --launch-type fargate to show one.");
  return `${lines.join("\n")}\n`;
}
