// `ecs-advisor report`: load → advise → render → deliver.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { UserError } from "../errors.js";
import { FORMAT_DESCRIPTIONS, FORMAT_NAMES, REPORTERS, type FormatName } from "../report/index.js";
import { slackPayload } from "../report/slack.js";
import { wantsColor, type Io } from "./io.js";
import { addLiveOptions, type LiveFlags, typedLiveDefaults } from "./live-options.js";
import { httpUrl } from "./parse.js";
import { addPolicyOptions, policyFrom, type PolicyFlags } from "./policy-options.js";
import { writeOutput } from "./sinks.js";
import { postToSlack, webhookUrl } from "./slack-webhook.js";
import { adviseSource, loadSource } from "./source.js";
import { addHistoryOptions, historyFor } from "./history.js";

interface ReportFlags extends PolicyFlags, Partial<LiveFlags> {
  demo?: boolean;
  snapshot?: string[];
  format: FormatName;
  out?: string;
  interactive?: boolean;
  slackWebhook?: string | true;
  reportUrl?: string;
  history?: string | true;
  historyRetention?: number;
}

/** chart.js's browser build, inlined into the HTML report (its package exports do not list the file). */
export function loadChartJs(): string {
  const main = createRequire(import.meta.url).resolve("chart.js");
  return readFileSync(join(dirname(main), "chart.umd.min.js"), "utf8");
}

/** --out report.html without --format means html: the file's extension names the format. */
export const FORMAT_BY_EXTENSION: Record<string, FormatName> = {
  ".html": "html",
  ".htm": "html",
  ".json": "json",
  ".md": "markdown",
  ".csv": "csv",
  ".txt": "table",
};

export function formatFor(given: FormatName | undefined, out: string | undefined): FormatName {
  if (given) return given;
  const ext = out?.toLowerCase().match(/\.[a-z]+$/)?.[0];
  return (ext && FORMAT_BY_EXTENSION[ext]) || "table";
}

/** The TUI when a person is at a terminal: not piped, not in CI, no format or file asked for. */
export function wantsTui(
  flags: { interactive?: boolean; out?: string; slackWebhook?: unknown },
  formatGiven: boolean,
  io: Io,
  stdinIsTTY: boolean,
): boolean {
  if (flags.interactive === false) return false;
  const terminal = io.stdout.isTTY === true && stdinIsTTY && io.env.TERM !== "dumb";
  if (flags.interactive === true) {
    if (!terminal)
      throw new UserError(
        "--interactive needs a terminal: stdin and stdout are not both one",
        "drop --interactive, or run it in a terminal",
      );
    return true;
  }
  const ci = io.env.CI !== undefined && io.env.CI !== "" && io.env.CI !== "false";
  return terminal && !ci && !formatGiven && flags.out === undefined && flags.slackWebhook === undefined;
}

export function reportCommand(io: Io): Command {
  const cmd = new Command("report")
    .description("advise on an ECS estate: right-sized tasks, cost now and after, confidence and reasons")
    .option("--demo", "use the embedded demo fleet (no AWS account needed)")
    .option(
      "--snapshot <path>",
      "read a snapshot file (.json or .json.gz; format: schema/snapshot-v1.schema.json); repeat it, or name a folder, to report on many account-regions together",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(
      new Option("--format <name>", "output format (see Formats below; default: from --out's extension, else table)")
        .choices(FORMAT_NAMES)
        .default("table"),
    )
    .option("--out <file>", "write to a file instead of stdout (written whole or not at all)")
    .option("--interactive", "the terminal UI (the default on a terminal, outside CI, without --format or --out)")
    .option("--no-interactive", "never the terminal UI: print --format (table) instead")
    .option("--slack-webhook [url]", "post the Slack digest to this incoming webhook (no URL: SLACK_WEBHOOK_URL)")
    .option(
      "--report-url <url>",
      "where the full report will be (e.g. the HTML uploaded to S3): linked from the Slack digest and the markdown",
      httpUrl("--report-url"),
    );
  addHistoryOptions(cmd, { retention: true });
  addLiveOptions(cmd);
  addPolicyOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Data: --demo, --snapshot FILE, or (neither) live from AWS with the standard credential chain.

Formats:
${FORMAT_NAMES.map((f) => `  ${f.padEnd(10)}${FORMAT_DESCRIPTIONS[f]}`).join("\n")}

Examples:
  ecs-advisor report --region eu-west-1
  ecs-advisor report --region eu-west-1 --cluster payments --lookback 30d
  ecs-advisor report --demo
  ecs-advisor report --demo --format json > report.json
  ecs-advisor report --demo --format html --out report.html
  ecs-advisor report --snapshot prod.json.gz --target-cpu 70
  SLACK_WEBHOOK_URL=https://hooks.slack.com/services/… ecs-advisor report --snapshot prod.json.gz --slack-webhook
  ecs-advisor report --history s3://my-bucket/ecs-advisor/ --slack-webhook   # weekly: what changed since last week

On a terminal, report opens the interactive UI (? shows its keys); --no-interactive prints the table.

Exit codes: 0 report written · 2 bad input or error (a Slack webhook that fails is an error)`,
  );
  cmd.action(async (local: ReportFlags, self: Command) => {
    // --debug may sit before or after the command name.
    const flags = { ...local, debug: self.optsWithGlobals<{ debug?: boolean }>().debug };
    // Where the output goes is settled before any (possibly minutes-long) collection: a missing webhook
    // URL or --interactive without a terminal is said at once.
    const formatGiven = self.getOptionValueSource("format") === "cli";
    flags.format = formatFor(formatGiven ? flags.format : undefined, flags.out);
    const tui = wantsTui(flags, formatGiven, io, io.stdin.isTTY === true);
    const hook = !tui && flags.slackWebhook !== undefined ? webhookUrl(flags.slackWebhook, io.env) : undefined;
    const policy = policyFrom(flags);
    // The history is opened (and a bad --history said) before the collection, which can take minutes.
    const history = flags.history !== undefined ? await historyFor(flags, io) : undefined;
    const source = await loadSource({ ...flags, typed: typedLiveDefaults(self), memoryAverage: policy.memory.series === "average" }, io);
    const report = history ? await history.past(adviseSource(source, policy, io)) : adviseSource(source, policy, io);
    if (tui) {
      const { runTui } = await import("../report/tui/run.js");
      await runTui(report);
      await history?.store(report); // remembered once the person has seen it, as every other run is
      return;
    }
    const toStdout = flags.out === undefined || flags.out === "-";
    // With a webhook, stdout gets the --format output only when one was asked for.
    if (!hook || formatGiven || flags.out !== undefined) {
      const text = REPORTERS[flags.format](report, {
        color: toStdout && flags.format === "table" && wantsColor(io.stdout, io.env),
        width: toStdout && io.stdout.columns ? io.stdout.columns : 100,
        assets: flags.format === "html" ? { chartJs: loadChartJs() } : undefined,
        reportUrl: flags.reportUrl,
      });
      writeOutput(io, text, flags.out, source.inputs);
    }
    if (hook) {
      const payload = slackPayload(report, flags.reportUrl);
      await postToSlack(hook, payload);
      io.stderr.write(`posted the digest to Slack (${payload.blocks.length} blocks)\n`);
    }
    // Stored last: a history that cannot be written (S3 AccessDenied) fails the run after the report is out.
    await history?.store(report);
  });
  return cmd;
}
