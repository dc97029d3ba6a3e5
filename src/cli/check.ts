// `ecs-advisor check`: proposed task definitions against the usage of the services that run them.
// Output first, then the exit code: 0 pass · 1 a policy violation · 2 bad input or error.
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { checkTaskDefinitions, DEFAULT_CHECK_POLICY, type CheckPolicy } from "../advisor/check.js";
import { packageVersion } from "../collect/assets.js";
import { readTaskDefinitionInputs, type ProposedTaskDefinition } from "../collect/taskdef-file.js";
import { ExitWith, UserError } from "../errors.js";
import { RULE_IDS, RULES } from "../advisor/check-rules.js";
import { CATEGORIES } from "../model/check.js";
import type { Snapshot } from "../model/snapshot.js";
import { CHECK_FORMATS, renderCheck, type CheckFormat } from "../report/check.js";
import { loadConfig, parseIncrease, type Config } from "./config.js";
import { wantsColor, type Io } from "./io.js";
import { addLiveOptions, type LiveFlags, typedLiveDefaults } from "./live-options.js";
import { list, percent } from "./parse.js";
import { addPolicyOptions, policyFrom, type PolicyFlags } from "./policy-options.js";
import { wrap } from "../report/table.js";
import { visible } from "../report/text.js";
import { writeOutput } from "./sinks.js";
import { adviseSource, loadSource, oneScope } from "./source.js";

interface CheckFlags extends PolicyFlags, Partial<LiveFlags> {
  demo?: boolean;
  snapshot?: string;
  format: CheckFormat;
  out?: string;
  also?: string[];
  maxIncrease?: string[];
  failOn?: string[];
  overprovisioned?: number;
  requireEvidence?: boolean;
  config?: string;
  family?: string;
  cpu?: string;
  memory?: string;
}

export function checkCommand(io: Io): Command {
  const cmd = new Command("check")
    .description("check task-definition changes against real usage and cost (for CI): exit 0 pass, 1 violation, 2 error")
    .argument(
      "<taskdef...>",
      "task definition files or folders: register-task-definition JSON, describe-task-definition output, or CloudFormation (JSON/YAML); a bad file is reported and the others still checked",
    )
    .option("--demo", "check against the embedded demo fleet")
    .option("--snapshot <file>", "check against a snapshot file (from `ecs-advisor collect`)")
    .addOption(
      new Option(
        "--format <name>",
        "text, markdown (a PR comment), json (schema/check-v1.schema.json) or github (annotations); default: from --out's extension (.md, .json), else text",
      )
        .choices(CHECK_FORMATS)
        .default("text"),
    )
    .option("--out <file>", "write to a file instead of stdout")
    .option(
      "--also <format=file>",
      "also write another format of the same result to a file, e.g. markdown=comment.md; repeatable",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--max-increase <limit>", 'fail when monthly cost rises by more than this: "50" or "$50" (dollars), "10%"; repeatable', list)
    .option("--fail-on <list>", `what fails the check: ${[...CATEGORIES, "none"].join(", ")} or rule names (default: all)`, list)
    .option(
      "--overprovisioned <pct>",
      `over-provisioned above the recommendation by more than this (default ${DEFAULT_CHECK_POLICY.overprovisionedPercent})`,
      percent("--overprovisioned", { min: 0, max: Number.POSITIVE_INFINITY }),
    )
    .option("--require-evidence", "fail a task definition no service in the evidence runs")
    .option("--config <file>", "config file (default: .ecs-advisor.yml, .yaml or .json in the current directory)")
    .option("--family <name>", "for a bare containerDefinitions array (Terraform's container_definitions file): the task's family")
    .option("--cpu <units>", 'for a bare containerDefinitions array: the task-level cpu (e.g. 512 or "0.5 vCPU")')
    .option("--memory <mib>", 'for a bare containerDefinitions array: the task-level memory (e.g. 1024 or "1 GB")');
  addLiveOptions(cmd);
  addPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Evidence: --snapshot FILE, --demo, or (neither) live from AWS. A task definition is matched to the
services that run its family; --service cluster/name picks them instead.

${rulesHelp()}

Examples:
  ecs-advisor check infra/taskdefs/api.json --snapshot prod.json.gz
  ecs-advisor check infra/taskdefs/*.json --snapshot prod.json.gz --format markdown > comment.md
  ecs-advisor check cdk.out/App.template.json --snapshot prod.json.gz --max-increase 10% --fail-on risk,cost
  ecs-advisor check api.json --snapshot prod.json.gz --format github --also markdown=comment.md --also json=result.json

Exit codes: 0 pass · 1 policy violation · 2 bad input or error (a file that cannot be read is exit 2
after every other file is checked and reported)`,
  );
  cmd.action(async (files: string[], local: CheckFlags, self: Command) => {
    const flags = { ...local, debug: self.optsWithGlobals<{ debug?: boolean }>().debug };
    const { config } = loadConfig(io.cwd, flags.config);
    const checkPolicy = checkPolicyFrom(flags, config);
    const also = (flags.also ?? []).map((spec): [CheckFormat, string] => {
      const m = /^([a-z]+)=(.+)$/.exec(spec);
      if (!m || !(CHECK_FORMATS as readonly string[]).includes(m[1]!)) {
        throw new UserError(`--also ${spec} is not FORMAT=FILE`, `e.g. --also markdown=comment.md; formats: ${CHECK_FORMATS.join(", ")}`);
      }
      return [m[1] as CheckFormat, m[2]!];
    });
    // Every file is read before any evidence, each on its own: a bad file is an error for that file (in
    // every format, and exit 2 at the end), and the others are still checked.
    if ((flags.cpu !== undefined || flags.memory !== undefined) && flags.family === undefined) {
      throw new UserError(
        `--${flags.cpu !== undefined ? "cpu" : "memory"} sizes a bare containerDefinitions array, which also needs --family`,
        "e.g. --family api --cpu 512 --memory 1024 (a task definition file has its own sizes)",
      );
    }
    const mapped = config.check?.["task-definitions"] ?? {};
    const given = flags.family ? { family: flags.family, cpu: flags.cpu, memory: flags.memory } : undefined;
    const inputs = readTaskDefinitionInputs(files, io.cwd, (shown) => {
      const key = Object.keys(mapped).find((k) => resolve(io.cwd, k) === resolve(io.cwd, shown));
      return key ? mapped[key] : given;
    });
    // Said at once on stderr as any error is (and in the result, whatever its format).
    for (const e of inputs.errors) io.stderr.write(`ecs-advisor: ${visible(e.message)}\n${e.hint ? `  hint: ${visible(e.hint)}\n` : ""}`);
    const proposals: ProposedTaskDefinition[] = inputs.proposals;
    const saved = flags.demo || flags.snapshot;
    const policy = policyFrom(flags);
    const source = oneScope(
      await loadSource(
        {
          ...(saved ? { ...flags, service: undefined } : flags),
          typed: typedLiveDefaults(self),
          memoryAverage: policy.memory.series === "average",
        },
        io,
      ),
      "check",
    );
    const report = adviseSource(source, policy, io);
    const result = checkTaskDefinitions({
      proposals,
      snapshot: source.snapshot,
      prices: source.prices,
      policy,
      report,
      checkPolicy,
      services: flags.service ? resolveServices(flags.service, source.snapshot) : undefined,
      generatedAt: report.generatedAt,
      toolVersion: packageVersion(),
      sourceKind: source.kind,
      files: inputs.files,
    });
    result.warnings.unshift(...report.warnings.filter((w) => w.code !== "unpriced-services"));
    const toStdout = flags.out === undefined || flags.out === "-";
    // --out comment.md without --format means markdown: the file's extension names the format.
    if (self.getOptionValueSource("format") !== "cli") {
      const ext = flags.out?.toLowerCase().match(/\.[a-z]+$/)?.[0];
      flags.format = ext === ".md" ? "markdown" : ext === ".json" ? "json" : flags.format;
    }
    const text = renderCheck(result, flags.format, { color: toStdout && flags.format === "text" && wantsColor(io.stdout, io.env) });
    writeOutput(io, text, flags.out, [...source.inputs, ...files]);
    // One evidence collection, several outputs (the GitHub Action writes annotations, the comment and JSON).
    for (const [format, file] of also) writeOutput(io, renderCheck(result, format, { color: false }), file, [...source.inputs, ...files]);
    if (result.verdict === "error") throw new ExitWith(2);
    if (result.verdict === "fail") throw new ExitWith(1);
  });
  return cmd;
}

function checkPolicyFrom(flags: CheckFlags, config: Config): CheckPolicy {
  const c = config.check ?? {};
  const failOn = flags.failOn ?? c["fail-on"] ?? DEFAULT_CHECK_POLICY.failOn;
  for (const item of failOn) {
    if (item !== "none" && !(CATEGORIES as readonly string[]).includes(item) && !(RULE_IDS as readonly string[]).includes(item)) {
      throw new UserError(
        `--fail-on ${item}: not a category or rule`,
        `use ${[...CATEGORIES, "none"].join(", ")} or a rule name: ${RULE_IDS.join(", ")}`,
      );
    }
  }
  const maxIncrease = { usd: null as number | null, percent: null as number | null };
  for (const raw of flags.maxIncrease ?? c["max-increase"] ?? []) {
    const v = parseIncrease(raw);
    if (!v)
      throw new UserError(
        `--max-increase ${raw}: not a dollar amount or a percent`,
        'write "50" or "$50" for dollars a month, "10%" for a share of today\'s cost',
      );
    if (v.usd !== undefined) maxIncrease.usd = v.usd;
    if (v.percent !== undefined) maxIncrease.percent = v.percent;
  }
  return {
    failOn: failOn.filter((x) => x !== "none"),
    maxIncrease,
    overprovisionedPercent: flags.overprovisioned ?? c.overprovisioned ?? DEFAULT_CHECK_POLICY.overprovisionedPercent,
    requireEvidence: flags.requireEvidence ?? c["require-evidence"] ?? false,
    rules: c.rules ?? {},
  };
}

/** --service values (cluster/name, or a name unique in the evidence) as cluster/name keys. */
function resolveServices(names: readonly string[], snapshot: Snapshot): string[] {
  return names.map((n) => {
    const exact = snapshot.services.find((s) => `${s.cluster}/${s.name}` === n);
    if (exact) return n;
    const byName = snapshot.services.filter((s) => s.name === n);
    if (byName.length === 1) return `${byName[0]!.cluster}/${n}`;
    if (byName.length > 1) {
      throw new UserError(
        `--service ${n} is in ${byName.length} clusters (${byName.map((s) => s.cluster).join(", ")})`,
        `name one: --service ${byName[0]!.cluster}/${n}`,
      );
    }
    throw new UserError(
      `--service ${n} is not in the evidence`,
      "give it as cluster/name, as the report lists it (ecs-advisor report --snapshot FILE)",
    );
  });
}

/** The rules for --help, from the registry: each with its group and when it fails. */
export function rulesHelp(): string {
  const lines = ["Rules (group: the check fails when the proposed task definition …):"];
  for (const id of RULE_IDS) {
    const rule = RULES[id];
    const off = rule.offUnless ? ` Off unless ${rule.offUnless.option}.` : "";
    lines.push(`  ${id} (${rule.category})`, ...wrap(`${rule.doc.replaceAll("`", "")}.${off}`, 96, 10).map((l) => `      ${l}`));
  }
  return lines.join("\n");
}
