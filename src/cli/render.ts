// `ecs-advisor render REPORT.json`: a saved Report JSON in another format — the HTML page, the Markdown,
// the Slack digest, the CSV or the table — with no AWS access and no advice made again: every number is
// the one the report holds.
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { readReportFile } from "../collect/report-file.js";
import { FORMAT_NAMES, type FormatName, REPORTERS } from "../report/index.js";
import { wantsColor, type Io } from "./io.js";
import { httpUrl } from "./parse.js";
import { formatFor, loadChartJs } from "./report.js";
import { writeOutput } from "./sinks.js";

interface RenderFlags {
  format: FormatName;
  out?: string;
  reportUrl?: string;
}

export function renderCommand(io: Io): Command {
  const cmd = new Command("render")
    .description("show a saved Report JSON in another format (HTML, Markdown, Slack, CSV, table): no AWS access, the same numbers")
    .argument("<report>", "a file written by `ecs-advisor report --format json` (.json, or gzipped)")
    .addOption(
      new Option("--format <name>", "output format (default: from --out's extension, else table)").choices(FORMAT_NAMES).default("table"),
    )
    .option("--out <file>", "write to a file instead of stdout (written whole or not at all)")
    .option("--report-url <url>", "where the full report is: linked from the Slack digest and the markdown", httpUrl("--report-url"));
  cmd.addHelpText(
    "after",
    `
Examples:
  ecs-advisor report --region eu-west-1 --format json --out report.json   # once, with AWS access
  ecs-advisor render report.json --out report.html                        # later, anywhere
  ecs-advisor render report.json --format markdown >> "$GITHUB_STEP_SUMMARY"
  ecs-advisor render report.json --format slack                           # the Block Kit JSON

Exit codes: 0 written · 2 a file that is not a report, a newer report, or any error`,
  );
  cmd.action((file: string, local: RenderFlags, self: Command) => {
    const formatGiven = self.getOptionValueSource("format") === "cli";
    const format = formatFor(formatGiven ? local.format : undefined, local.out);
    const report = readReportFile(resolve(io.cwd, file), file);
    const toStdout = local.out === undefined || local.out === "-";
    const text = REPORTERS[format](report, {
      color: toStdout && format === "table" && wantsColor(io.stdout, io.env),
      width: toStdout && io.stdout.columns ? io.stdout.columns : 100,
      assets: format === "html" ? { chartJs: loadChartJs() } : undefined,
      reportUrl: local.reportUrl,
    });
    writeOutput(io, text, local.out, [file]);
  });
  return cmd;
}
