// `ecs-advisor diff OLD NEW`, or `diff --since 7d` against the history: what changed between two reports —
// recommendations applied (from the services' task-definition revisions) with the saving realised, new and
// resolved recommendations, risks that appeared or went away, services added or removed, the bill then and now.
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { diffReports } from "../advisor/diff.js";
import { packageVersion } from "../collect/assets.js";
import { NewerReportError, parseReport, readReportFile } from "../collect/report-file.js";
import { UserError } from "../errors.js";
import { pastEntries, scopeOf } from "../history/history.js";
import type { EntryRef, HistoryStore } from "../history/store.js";
import { fmtTime } from "../model/format.js";
import type { Report } from "../model/report.js";
import { DIFF_RENDERERS, type DiffFormat, diffSlackPayload } from "../report/diff.js";
import { visible } from "../report/text.js";
import type { Io } from "./io.js";
import { addHistoryOptions, type HistoryFlags, openStoreFor } from "./history.js";
import { duration, httpUrl } from "./parse.js";
import { writeOutput } from "./sinks.js";
import { postToSlack, webhookUrl } from "./slack-webhook.js";

const FORMATS = Object.keys(DIFF_RENDERERS) as DiffFormat[];
const BY_EXTENSION: Record<string, DiffFormat> = { ".json": "json", ".md": "markdown", ".txt": "table" };

interface DiffFlags extends HistoryFlags {
  since?: number;
  format: DiffFormat;
  out?: string;
  slackWebhook?: string | true;
  reportUrl?: string;
}

/** A stored entry read and checked; a newer or broken one is one line naming it. */
async function readEntry(store: HistoryStore, e: EntryRef): Promise<Report> {
  try {
    return parseReport(await store.read(e), `${store.where} ${e.name}`);
  } catch (err) {
    if (err instanceof NewerReportError) throw new UserError(err.message, "upgrade ecs-advisor to compare it");
    throw err;
  }
}

/** NEW (a file, else the newest stored run) and OLD: the last stored run of its account-region ≥ `since` older. */
async function fromHistory(flags: DiffFlags, io: Io, newFile: Report | undefined): Promise<[Report, Report, string]> {
  const store = await openStoreFor(flags, io);
  const all = await store.list();
  if (all.length === 0 && !newFile)
    throw new UserError(`the history ${store.where} holds no runs`, "store some first: ecs-advisor report --history … (e.g. weekly)");
  let now: Report;
  if (newFile) now = newFile;
  else now = await readEntry(store, all.at(-1)!);
  const scope = scopeOf(now);
  const scopes = new Set(all.map((e) => e.scope));
  if (!newFile && scopes.size > 1)
    io.stderr.write(
      `note: ${store.where} holds runs of ${scopes.size} account-regions; comparing the newest run's, ${scope.replace("_", " ")} (name a report file to choose another)\n`,
    );
  const nowMs = io.now().getTime();
  const entries = (await pastEntries(store, now, { nowMs, toolVersion: packageVersion(), warn: () => {} })).filter(
    (e) => e.atMs < Date.parse(now.generatedAt),
  );
  if (entries.length === 0)
    throw new UserError(
      `the history ${store.where} holds no run of ${scope.replace("_", " ")} before ${fmtTime(now.generatedAt)}`,
      "store another run first, or name two files: ecs-advisor diff OLD.json NEW.json",
    );
  const before = Date.parse(now.generatedAt) - (flags.since ?? 0) * 1000;
  const older = entries.filter((e) => e.atMs <= before);
  const pick = older.at(-1) ?? entries[0]!;
  const note = older.length === 0 ? `no stored run is that old: comparing with the oldest, ${fmtTime(pick.at)}` : "";
  return [await readEntry(store, pick), now, note];
}

export function diffCommand(io: Io): Command {
  const cmd = new Command("diff")
    .description("what changed between two reports: recommendations applied and the savings realised, new risks, new and resolved advice")
    .argument("[old]", "the earlier Report JSON (.json or gzipped); with --since, the later one (default: the newest stored run)")
    .argument("[new]", "the later Report JSON")
    .addOption(
      new Option("--since <duration>", "compare with the stored run this long before the newest, e.g. 7d (reads --history)").argParser(
        duration("--since"),
      ),
    )
    .addOption(
      new Option("--format <name>", "table, markdown, json (schema/diff-v1.schema.json) or slack").choices(FORMATS).default("table"),
    )
    .option("--out <file>", "write to a file instead of stdout")
    .option("--slack-webhook [url]", "post the Slack digest of the changes to this incoming webhook (no URL: SLACK_WEBHOOK_URL)")
    .option("--report-url <url>", "where the full report is: linked from the Slack digest", httpUrl("--report-url"));
  addHistoryOptions(cmd, { retention: false });
  cmd.addHelpText(
    "after",
    `
Examples:
  ecs-advisor diff last-week.json today.json
  ecs-advisor diff --since 7d --history s3://my-bucket/ecs-advisor/ --format markdown
  ecs-advisor diff --since 30d today.json --history ./history

A recommendation counts as applied when the service runs a new task-definition revision at the advised size
(or closer to it); the saving realised is the per-task price then − now × the tasks running now.

Exit codes: 0 written · 2 a file that is not a report, an empty history, or any error`,
  );
  cmd.action(async (oldArg: string | undefined, newArg: string | undefined, local: DiffFlags, self: Command) => {
    const formatGiven = self.getOptionValueSource("format") === "cli";
    const ext = local.out?.toLowerCase().match(/\.[a-z]+$/)?.[0];
    const format = formatGiven ? local.format : (ext && BY_EXTENSION[ext]) || "table";
    const hook = local.slackWebhook !== undefined ? webhookUrl(local.slackWebhook, io.env) : undefined;
    const read = (f: string) => readReportFile(resolve(io.cwd, f), f);
    let old: Report;
    let now: Report;
    const inputs = [oldArg, newArg].filter((x): x is string => x !== undefined);
    if (local.since !== undefined || local.history !== undefined) {
      if (newArg !== undefined)
        throw new UserError(
          "with --since or --history, name at most one file (the later report)",
          "ecs-advisor diff --since 7d [NEW.json]",
        );
      let note: string;
      [old, now, note] = await fromHistory(local, io, oldArg === undefined ? undefined : read(oldArg));
      if (note) io.stderr.write(`note: ${visible(note)}\n`);
    } else {
      if (oldArg === undefined || newArg === undefined)
        throw new UserError(
          "diff needs two reports, or --since with a history",
          "ecs-advisor diff OLD.json NEW.json, or diff --since 7d --history DIR",
        );
      old = read(oldArg);
      now = read(newArg);
    }
    if (scopeOf(old) !== scopeOf(now))
      io.stderr.write(
        `warning: the two reports cover different account-regions (${scopeOf(old).replace("_", " ")}, ${scopeOf(now).replace("_", " ")}): services of one show as removed or added\n`,
      );
    if (old.generatedAt > now.generatedAt)
      io.stderr.write(`warning: the first report (${fmtTime(old.generatedAt)}) is newer than the second (${fmtTime(now.generatedAt)})\n`);
    const diff = diffReports(old, now, packageVersion());
    if (!hook || formatGiven || local.out !== undefined)
      writeOutput(io, DIFF_RENDERERS[format](diff, { reportUrl: local.reportUrl }), local.out, inputs);
    if (hook) {
      const payload = diffSlackPayload(diff, local.reportUrl);
      await postToSlack(hook, payload);
      io.stderr.write(`posted the changes to Slack (${payload.blocks.length} blocks)\n`);
    }
  });
  return cmd;
}
