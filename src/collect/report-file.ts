// A saved Report JSON read back (`render`, `diff`, the history): plain or gzipped, checked against the
// Report schema, returned as written (a parse would drop fields a later 1.x added and reorder the rest).
import { UserError } from "../errors.js";
import { REPORT_SCHEMA_VERSION, type Report, reportSchema } from "../model/report.js";
import { decodeText, describeIssue, readInputBytes } from "./file.js";
import { describeJsonError } from "./json-error.js";

export const REPORT_HINT = "pass a file written by `ecs-advisor report --format json` (format: schema/report-v1.schema.json)";

/** Read and validate a saved Report JSON (.json, or gzipped); messages name it as the user gave it. */
export function readReportFile(path: string, shown: string): Report {
  return parseReport(readInputBytes(path, shown, "report", REPORT_HINT), shown);
}

/** A saved Report JSON's bytes (plain or gzipped), checked; a UserError names what is wrong. */
export function parseReport(bytes: Buffer, shown: string): Report {
  const text = decodeText(bytes, shown, REPORT_HINT);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${shown} is not valid JSON: ${describeJsonError(text, e as Error)}`, REPORT_HINT);
  }
  const doc = (json ?? {}) as { schemaVersion?: unknown; tool?: { name?: unknown }; services?: unknown; window?: unknown };
  if (typeof json !== "object" || json === null || Array.isArray(json) || doc.tool?.name !== "ecs-advisor" || doc.window !== undefined) {
    const snapshot = doc.window !== undefined || (doc as { parts?: unknown }).parts !== undefined;
    throw new UserError(
      `${shown} is not an ecs-advisor report${snapshot ? ": it is a snapshot (the input of a report)" : ""}`,
      snapshot ? `make the report from it: ecs-advisor report --snapshot ${shown}` : REPORT_HINT,
    );
  }
  if (typeof doc.schemaVersion === "number" && doc.schemaVersion > REPORT_SCHEMA_VERSION)
    throw new NewerReportError(
      `${shown} is a version ${doc.schemaVersion} report, newer than this ecs-advisor reads (version ${REPORT_SCHEMA_VERSION})`,
      "upgrade ecs-advisor, or render it with the version that wrote it",
    );
  const result = reportSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    throw new UserError(`${shown}: ${describeIssue(issues[0]!, json)}${more}`, REPORT_HINT);
  }
  // The file as written, checked: the parse would drop fields a later 1.x added and reorder the rest.
  return json as Report;
}

/** A report from a newer ecs-advisor: history skips such entries (with a warning) rather than fail. */
export class NewerReportError extends UserError {}
