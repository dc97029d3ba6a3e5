// `ecs-advisor report`: load → advise → render → deliver.
import { Command, Option } from "commander";
import { advise } from "../advisor/advise.js";
import { packageVersion } from "../collect/assets.js";
import { FORMAT_DESCRIPTIONS, FORMAT_NAMES, REPORTERS, type FormatName } from "../report/index.js";
import { generatedAt, wantsColor, type Io } from "./io.js";
import { addLiveOptions, type LiveFlags } from "./live-options.js";
import { addPolicyOptions, policyFrom, type PolicyFlags } from "./policy-options.js";
import { writeOutput } from "./sinks.js";
import { loadSource } from "./source.js";

interface ReportFlags extends PolicyFlags, Partial<LiveFlags> {
  demo?: boolean;
  snapshot?: string;
  format: FormatName;
  out?: string;
}

export function reportCommand(io: Io): Command {
  const cmd = new Command("report")
    .description("advise on an ECS estate: right-sized tasks, cost now and after, confidence and reasons")
    .option("--demo", "use the embedded demo fleet (no AWS account needed)")
    .option("--snapshot <file>", "read a snapshot file (.json or .json.gz; format: schema/snapshot-v1.schema.json)")
    .addOption(
      new Option("--format <name>", `output format: ${FORMAT_NAMES.map((f) => `${f} (${FORMAT_DESCRIPTIONS[f]})`).join(", ")}`)
        .choices(FORMAT_NAMES)
        .default("table"),
    )
    .option("--out <file>", "write to a file instead of stdout (written whole or not at all)");
  addLiveOptions(cmd);
  addPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Data: --demo, --snapshot FILE, or (neither) live from AWS with the standard credential chain.

Examples:
  ecs-advisor report --region eu-west-1
  ecs-advisor report --region eu-west-1 --cluster payments --lookback 30d
  ecs-advisor report --demo
  ecs-advisor report --demo --format json > report.json
  ecs-advisor report --snapshot prod.json.gz --target-cpu 70

Exit codes: 0 report written · 2 bad input or error`,
  );
  cmd.action(async (local: ReportFlags, self: Command) => {
    // --debug may sit before or after the command name.
    const flags = { ...local, debug: self.optsWithGlobals<{ debug?: boolean }>().debug };
    const source = await loadSource(flags, io);
    const report = advise({
      snapshot: source.snapshot,
      prices: source.prices,
      policy: policyFrom(flags),
      generatedAt: generatedAt(io),
      sourceKind: source.kind,
      toolVersion: packageVersion(),
      warnings: source.warnings,
    });
    const toStdout = flags.out === undefined || flags.out === "-";
    const text = REPORTERS[flags.format](report, {
      color: toStdout && flags.format === "table" && wantsColor(io.stdout, io.env),
      width: toStdout && io.stdout.columns ? io.stdout.columns : 100,
    });
    writeOutput(io, text, flags.out, source.inputs);
  });
  return cmd;
}
