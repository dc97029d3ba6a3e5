// The registry of output formats: the --format choices, the help text and the dispatch all come from here.
import { renderJson } from "./json.js";
import type { Reporter } from "./options.js";
import { renderTable } from "./table.js";

export const REPORTERS = {
  table: renderTable,
  json: renderJson,
} satisfies Record<string, Reporter>;

export type FormatName = keyof typeof REPORTERS;
export const FORMAT_NAMES = Object.keys(REPORTERS) as FormatName[];

export const FORMAT_DESCRIPTIONS: Record<FormatName, string> = {
  table: "a table for the terminal (default)",
  json: "the Report JSON v1 contract (schema/report-v1.schema.json)",
};

export type { Reporter, RenderOptions } from "./options.js";
