// `ecs-advisor export`: the advice as files AWS's own commands take (register-task-definition, update-service,
// Application Auto Scaling, update-capacity-provider), with a README saying the order. Writes a folder, whole
// or not at all; never applies anything.
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { Command, Option } from "commander";
import { demoDefinition } from "../collect/demo-definitions.js";
import { UserError } from "../errors.js";
import type { Report } from "../model/report.js";
import { taskDefinitionRef } from "../model/snapshot.js";
import { buildExport, type ExportPlan, type RegisterInput, sizeChanges } from "../report/export.js";
import type { Io } from "./io.js";
import { visible } from "../report/text.js";
import { addLiveOptions, collectOptionsFrom, type LiveFlags, typedLiveDefaults } from "./live-options.js";
import { addPolicyOptions, policyFrom, type PolicyFlags } from "./policy-options.js";
import { adviseSource, type LoadedSource, loadSaved, loadSource, oneScope } from "./source.js";

interface ExportFlags extends PolicyFlags, Partial<LiveFlags> {
  demo?: boolean;
  snapshot?: string;
  out: string;
  force?: boolean;
  minConfidence: "high" | "medium" | "low";
}

export function exportCommand(io: Io): Command {
  const cmd = new Command("export")
    .description("write the advice as ready-to-apply AWS inputs: task definitions, update-service, autoscaling, capacity providers")
    .requiredOption("--out <dir>", "the folder to write (a new or empty folder; --force replaces one)")
    .option("--demo", "use the embedded demo fleet (no AWS account needed)")
    .option("--snapshot <file>", "advise on a snapshot file; the current task definitions are then described from AWS")
    .option("--force", "replace --out if it exists and is not empty")
    .addOption(
      new Option("--min-confidence <level>", "leave out size changes below this confidence (autoscaling and host advice stay)")
        .choices(["high", "medium", "low"])
        .default("low"),
    );
  addLiveOptions(cmd);
  addPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Data: --demo, --snapshot FILE, or (neither) live from AWS. With --snapshot, each changed service's current
task definition is described from AWS (--region defaults to the snapshot's; --profile and --endpoint-url apply).

What it writes (see the README.md it writes for the order):
  <cluster>/<service>/task-definition.json      aws ecs register-task-definition --cli-input-json file://…
  <cluster>/<service>/update-service.json       aws ecs update-service --cli-input-json file://…
  <cluster>/<service>/register-scalable-target.json, put-scaling-policy.json   (autoscaling advice)
  <cluster>/capacity-provider-<name>.json       aws ecs update-capacity-provider (host advice)
  commands.sh (those commands, in order), README.md, export.json (the same, for scripts)

ecs-advisor never applies them: it only reads AWS.

Examples:
  ecs-advisor export --demo --out changes/
  ecs-advisor export --region eu-west-1 --cluster payments --out changes/ --min-confidence high
  ecs-advisor export --snapshot prod.json.gz --out changes/

Exit codes: 0 written (services left out are warned about) · 2 bad input or error`,
  );
  cmd.action(async (flags: ExportFlags, self: Command) => {
    const out = resolve(io.cwd, flags.out);
    refuseExisting(out, flags.out, flags.force === true);
    const policy = policyFrom(flags);
    const source = oneScope(await sourceFor(flags, self, io), "export");
    for (const w of source.warnings) io.stderr.write(`warning: ${visible(w.message)}\n`);
    const report = adviseSource(source, policy, io);
    const definitions = await definitionsFor(flags, source, report, io);
    const plan = buildExport({ report, snapshot: source.snapshot, definitions, minConfidence: flags.minConfidence });
    writeFolder(out, flags.out, plan);
    for (const s of plan.skipped) io.stderr.write(`warning: ${visible(s.service)} left out: ${visible(s.reason)}\n`);
    const n = plan.services.length;
    io.stdout.write(
      `wrote ${plan.files.length} files to ${flags.out}: ${n} service${n === 1 ? "" : "s"}, ${plan.clusters.length} capacity provider${plan.clusters.length === 1 ? "" : "s"}${plan.skipped.length ? `, ${plan.skipped.length} left out` : ""} · ${join(flags.out, "README.md")} says the order; nothing was applied\n`,
    );
  });
  return cmd;
}

/** A folder that exists with something in it is the user's: replaced only when asked. */
function refuseExisting(out: string, label: string, force: boolean): void {
  let entries: string[];
  try {
    const s = lstatSync(out);
    if (!s.isDirectory()) throw new UserError(`--out ${label} exists and is not a folder`, "give a new folder name");
    entries = readdirSync(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (entries.length > 0 && !force) {
    throw new UserError(`--out ${label} is not empty`, "give a new folder, or --force to replace it (everything in it goes)");
  }
}

async function sourceFor(flags: ExportFlags, self: Command, io: Io): Promise<LoadedSource> {
  if (!flags.snapshot) return loadSource({ ...flags, typed: typedLiveDefaults(self) }, io);
  if (flags.demo)
    throw new UserError("--demo and --snapshot both given", "use one: --demo for the embedded demo fleet, or --snapshot FILE");
  return loadSaved({ snapshot: flags.snapshot }, io.cwd);
}

/** Each changed service's current task definition: synthesized for the demo, described from AWS otherwise. */
async function definitionsFor(flags: ExportFlags, source: LoadedSource, report: Report, io: Io): Promise<Map<string, RegisterInput>> {
  const refs = [...new Set(report.services.filter(sizeChanges).map((s) => s.taskDefinition))];
  const out = new Map<string, RegisterInput>();
  if (source.kind === "demo") {
    for (const td of source.snapshot.taskDefinitions) out.set(taskDefinitionRef(td), demoDefinition(td));
    return out;
  }
  if (refs.length === 0) return out;
  if (source.snapshot.source.kind !== "aws") {
    io.stderr.write(
      `warning: the snapshot was not collected from AWS (${source.snapshot.source.kind}), so its services' task definitions cannot be described: only autoscaling and host advice is written\n`,
    );
    return out;
  }
  const { describeDefinitions } = await import("../collect/aws/definitions.js");
  const client = collectOptionsFrom({ ...(flags as LiveFlags), region: flags.region ?? [source.snapshot.source.region] }, io).client;
  const got = await describeDefinitions(client, refs);
  if (got.tagsUnread)
    io.stderr.write("warning: task definition tags could not be read (ecs:ListTagsForResource): the new revisions carry none\n");
  for (const f of got.failed) io.stderr.write(`warning: ${visible(f.ref)} could not be described: ${visible(f.message)}\n`);
  return got.definitions;
}

/** The plan's files into a temporary folder next to `out`, then renamed into place: whole or not at all. */
function writeFolder(out: string, label: string, plan: ExportPlan): void {
  const tag = randomBytes(4).toString("hex");
  const tmp = join(dirname(out), `.${pathTail(out)}.ecs-advisor-${tag}`);
  try {
    mkdirSync(tmp, { recursive: true });
    for (const f of plan.files) {
      const path = resolve(tmp, f.path);
      const inside = relative(tmp, path);
      if (inside === "" || inside.startsWith("..") || isAbsolute(inside))
        throw new Error(`refusing to write outside the folder: ${f.path}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content, { flag: "wx", mode: f.path.endsWith(".sh") ? 0o755 : 0o644 });
    }
    let old: string | undefined = join(dirname(out), `.${pathTail(out)}.old-${tag}`);
    try {
      renameSync(out, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      old = undefined;
    }
    renameSync(tmp, out);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot write ${label}: ${(e as Error).message}`, "check the folder's path and permissions");
  }
}

const pathTail = (p: string) => p.replace(/\/+$/, "").split("/").pop() || "export";
