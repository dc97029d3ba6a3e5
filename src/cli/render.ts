// `ecs-advisor render REPORT.json`: a saved Report JSON in another format — the HTML page, the Markdown,
// the Slack digest, the CSV or the table — with no AWS access and no advice made again: every number is
// the one the report holds.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { Command, Option } from "commander";
import { describeIssue } from "../collect/file.js";
import { describeJsonError } from "../collect/json-error.js";
import { UserError } from "../errors.js";
import { REPORT_SCHEMA_VERSION, type Report, reportSchema } from "../model/report.js";
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

const HINT = "pass a file written by `ecs-advisor report --format json` (format: schema/report-v1.schema.json)";

/** Read and validate a saved Report JSON (.json, or gzipped); messages name it as the user gave it. */
export function readReportFile(path: string, shown: string): Report {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT" ? `report file not found: ${shown}` : `cannot read ${shown}: ${(e as Error).message}`, HINT);
  }
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
  } catch (e) {
    throw new UserError(`${shown} looks gzipped but cannot be decompressed: ${(e as Error).message}`, HINT);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${shown} is not valid JSON: ${describeJsonError(text, e as Error)}`, HINT);
  }
  const doc = (json ?? {}) as { schemaVersion?: unknown; tool?: { name?: unknown }; services?: unknown; window?: unknown };
  if (typeof json !== "object" || json === null || Array.isArray(json) || doc.tool?.name !== "ecs-advisor" || doc.window !== undefined) {
    const snapshot = doc.window !== undefined || (doc as { parts?: unknown }).parts !== undefined;
    throw new UserError(
      `${shown} is not an ecs-advisor report${snapshot ? ": it is a snapshot (the input of a report)" : ""}`,
      snapshot ? `make the report from it: ecs-advisor report --snapshot ${shown}` : HINT,
    );
  }
  if (typeof doc.schemaVersion === "number" && doc.schemaVersion > REPORT_SCHEMA_VERSION)
    throw new UserError(
      `${shown} is a version ${doc.schemaVersion} report, newer than this ecs-advisor reads (version ${REPORT_SCHEMA_VERSION})`,
      "upgrade ecs-advisor, or render it with the version that wrote it",
    );
  const result = reportSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    throw new UserError(`${shown}: ${describeIssue(issues[0]!, json)}${more}`, HINT);
  }
  // The file as written, checked: the parse would drop fields a later 1.x added and reorder the rest.
  return json as Report;
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
