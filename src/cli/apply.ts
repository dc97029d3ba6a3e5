// `ecs-advisor apply PATH…`: the advice written into the task definitions kept in a repository (register JSON,
// CloudFormation JSON/YAML, Terraform .tf). Prints a unified diff; --write changes the files, each whole or
// not at all. Only the size values change; a file it cannot match or read is never touched.
import { chmodSync, type lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Command } from "commander";
import { type FilePlan, planFile, unifiedDiff } from "../edit/apply.js";
import { ExitWith, UserError } from "../errors.js";
import { NotATaskDefinition } from "../collect/taskdef-file.js";
import { writeFileAtomically } from "../write-file.js";
import { applySummary } from "../edit/summary.js";
import { writeOutput } from "./sinks.js";
import { visible } from "../report/text.js";
import type { Io } from "./io.js";
import { addLiveOptions, type LiveFlags, typedLiveDefaults } from "./live-options.js";
import { addPolicyOptions, policyFrom, type PolicyFlags } from "./policy-options.js";
import { adviseSource, loadSource, oneScope } from "./source.js";

interface ApplyFlags extends PolicyFlags, Partial<LiveFlags> {
  demo?: boolean;
  snapshot?: string;
  write?: boolean;
  summary?: string;
}

const EDITABLE = /\.(json|ya?ml|template|tf)$/i;
const SKIP_DIRS = new Set(["node_modules", ".git", ".terraform", "cdk.out"]);

export function applyCommand(io: Io): Command {
  const cmd = new Command("apply")
    .description("write the advice into your repository's task definitions (JSON, CloudFormation, Terraform): a diff, or --write")
    .argument("<paths...>", "task definition files or folders (.json, .yaml, .yml, .template, .tf)")
    .option("--demo", "advise on the embedded demo fleet (no AWS account needed)")
    .option("--snapshot <file>", "advise on a snapshot file")
    .option("--write", "change the files (without it, only the diff is printed)")
    .option("--summary <file>", "also write what changed as JSON: files, services, changes, savings, notes (for scripts and the Action)");
  addLiveOptions(cmd);
  addPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Each task definition is matched to the services that run its family, as check does; its task-level cpu and
memory and its containers' cpu, memory and memoryReservation are set to the advice. Only those values change:
comments, key order, quoting, CloudFormation short tags and Terraform formatting stay as they are. A size
from a CloudFormation parameter (!Ref) or a Terraform variable (var.x) changes that parameter's or variable's
default when nothing else in the file uses it. A value that differs from what the service runs, or that is
not a literal, is left alone with a note; so is a whole task definition whose new sizes would not fit.

Examples:
  ecs-advisor apply infra/ --snapshot prod.json.gz              # the diff
  ecs-advisor apply infra/ecs.tf --snapshot prod.json.gz --write
  ecs-advisor apply fixtures/taskdefs/checkout-api-unchanged.json --demo

Exit codes: 0 done (notes on stderr) · 2 bad input (a file that cannot be read is named; the others are still done)`,
  );
  cmd.action(async (paths: string[], flags: ApplyFlags, self: Command) => {
    const policy = policyFrom(flags);
    const source = oneScope(
      await loadSource({ ...flags, typed: typedLiveDefaults(self), memoryAverage: policy.memory.series === "average" }, io),
      "apply",
    );
    const report = adviseSource(source, policy, io);
    const files = paths.flatMap((p) => filesAt(p, io.cwd));
    let failed = 0;
    const plans: FilePlan[] = [];
    for (const { path, shown, named } of files) {
      let plan: FilePlan;
      try {
        plan = planFile(shown, readFileSync(path, "utf8"), report);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        // In a folder, files of other kinds (package.json, a template without task definitions) are not ours.
        const notOurs = e instanceof NotATaskDefinition;
        if (!named && notOurs) continue;
        io.stderr.write(`skipped: ${visible(e.message)}\n`);
        if (!notOurs) failed++;
        continue;
      }
      plans.push(plan);
      for (const n of plan.notes) io.stderr.write(`note: ${visible(shown)}: ${visible(n)}\n`);
      io.stdout.write(unifiedDiff(shown, plan.before, plan.after));
      if (flags.write && plan.after !== plan.before) {
        const mode = statSync(path).mode & 0o7777;
        writeFileAtomically(path, plan.after, shown);
        chmodSync(path, mode);
      }
    }
    const changed = plans.filter((p) => p.changes.length > 0);
    const n = changed.reduce((a, p) => a + p.changes.length, 0);
    io.stderr.write(
      changed.length === 0
        ? `nothing to change in ${plans.length} file${plans.length === 1 ? "" : "s"}\n`
        : `${flags.write ? "wrote" : "would write"} ${n} change${n === 1 ? "" : "s"} to ${changed.length} file${changed.length === 1 ? "" : "s"}${flags.write ? "" : " (--write to apply them)"}\n`,
    );
    if (flags.summary)
      writeOutput(io, `${JSON.stringify(applySummary(plans, report, flags.write === true), null, 2)}\n`, flags.summary, source.inputs);
    if (failed > 0) throw new ExitWith(2);
  });
  return cmd;
}

/** A file as given, or the editable files in a folder (recursively, in name order). */
function filesAt(path: string, cwd: string): Array<{ path: string; shown: string; named: boolean }> {
  const full = resolve(cwd, path);
  let s: ReturnType<typeof lstatSync>;
  try {
    s = statSync(full);
  } catch {
    throw new UserError(`${path}: no such file or folder`, "give task definition files or the folders that hold them");
  }
  if (!s.isDirectory() && !s.isFile()) {
    // A FIFO or a device would block the read or never be written back whole.
    throw new UserError(`${path} is not a regular file or a folder`, "give task definition files or the folders that hold them");
  }
  if (!s.isDirectory()) return [{ path: full, shown: path, named: true }];
  const out: Array<{ path: string; shown: string; named: boolean }> = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) walk(p);
      } else if (e.isFile() && EDITABLE.test(e.name)) out.push({ path: p, shown: join(path, relative(full, p)), named: false });
    }
  };
  walk(full);
  return out;
}
