// The registry of output formats: the --format choices, the help text and the dispatch all come from here.
import { renderCsv } from "./csv.js";
import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderMarkdown } from "./markdown.js";
import type { Reporter } from "./options.js";
import { renderSlack } from "./slack.js";
import { renderTable } from "./table.js";

export const REPORTERS = {
  table: renderTable,
  json: renderJson,
  markdown: renderMarkdown,
  csv: renderCsv,
  html: renderHtml,
  slack: renderSlack,
} satisfies Record<string, Reporter>;

export type FormatName = keyof typeof REPORTERS;
export const FORMAT_NAMES = Object.keys(REPORTERS) as FormatName[];

export const FORMAT_DESCRIPTIONS: Record<FormatName, string> = {
  table: "a table for the terminal (default when not interactive)",
  json: "the Report JSON v1 contract (schema/report-v1.schema.json)",
  markdown: "for GitHub step summaries and PR comments",
  csv: "one row per service, for spreadsheets",
  html: "one self-contained page with charts (use --out)",
  slack: "Block Kit JSON; --slack-webhook posts it",
};

export type { Reporter, RenderOptions } from "./options.js";
