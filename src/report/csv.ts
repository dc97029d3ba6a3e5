// `--format csv`: one row per service with stable columns, for spreadsheets. RFC 4180 quoting; a text
// cell that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote, so a
// service name from AWS cannot execute in someone's Excel. New columns are only ever added at the end.
// An account-region that could not be collected is a row with action "not-collected".
import type { ServiceFinding } from "../model/report.js";
import { riskOf } from "./digest.js";
import { toShownReport } from "./json.js";
import { gapsOf } from "./scopes.js";
import { visible } from "./text.js";
import type { Reporter } from "./options.js";

type Cell = string | number | null | undefined;

export const CSV_COLUMNS: ReadonlyArray<readonly [string, (s: ServiceFinding) => Cell]> = [
  ["cluster", (s) => s.cluster],
  ["service", (s) => s.service],
  ["launch_type", (s) => s.launchType],
  ["capacity", (s) => s.capacity],
  ["task_definition", (s) => s.taskDefinition],
  ["cpu_architecture", (s) => s.cpuArchitecture],
  ["tasks", (s) => s.current.tasks],
  ["current_cpu", (s) => s.current.cpu],
  ["current_memory_mib", (s) => s.current.memory],
  ["recommended_cpu", (s) => s.recommended?.cpu],
  ["recommended_memory_mib", (s) => s.recommended?.memory],
  ["current_monthly_usd", (s) => s.current.monthlyUsd],
  ["recommended_monthly_usd", (s) => s.recommended?.monthlyUsd],
  ["savings_monthly_usd", (s) => s.savingsMonthlyUsd],
  ["action", (s) => s.action],
  ["confidence", (s) => s.confidence],
  ["risk", (s) => riskOf(s)?.code],
  ["cpu_statistic", (s) => s.evidence.cpu.statistic],
  ["cpu_observed_percent", (s) => s.evidence.cpu.observedPercent],
  ["memory_statistic", (s) => s.evidence.memory.statistic],
  ["memory_observed_percent", (s) => s.evidence.memory.observedPercent],
  ["data_hours", (s) => s.evidence.dataHours],
  ["oom_kills", (s) => s.evidence.oomKills],
  ["autoscaling_action", (s) => s.autoscaling?.action],
  ["autoscaling_savings_monthly_usd", (s) => s.autoscaling?.savingsMonthlyUsd],
  ["reason_codes", (s) => s.reasons.map((r) => r.code).join(" ")],
  ["reasons", (s) => s.reasons.map((r) => r.message).join(" | ")],
  // Which lever the service's savings belong to: Fargate right-sizing counts them as they are; an EC2
  // service's savings (and autoscaling) are realised by its cluster's host plan (the ec2-hosts lever).
  ["lever", (s) => (s.launchType === "FARGATE" ? "fargate-rightsizing" : s.launchType === "EC2" ? "ec2-hosts" : "")],
  ["account", (s) => s.account],
  ["region", (s) => s.region],
];

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  const text = visible(v); // no control character reaches whoever prints the file
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const renderCsv: Reporter = (input) => {
  const r = toShownReport(input);
  const lines = [CSV_COLUMNS.map(([name]) => name).join(",")];
  for (const s of r.services) lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(s))).join(","));
  // An account-region that could not be collected: a row of its own, action not-collected, the reason in reasons.
  for (const g of gapsOf(r)) {
    const cells: Record<string, Cell> = {
      action: "not-collected",
      reason_codes: g.gap?.code,
      reasons: `${g.label ? `${g.label}: ` : ""}${g.gap?.message ?? ""}`,
      account: g.account,
      region: g.region,
    };
    lines.push(CSV_COLUMNS.map(([name]) => csvCell(cells[name])).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
};
