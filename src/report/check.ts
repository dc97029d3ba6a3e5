// `check` output: text for a terminal, markdown for a pull-request comment, JSON (the versioned
// contract, schema/check-v1.schema.json), and GitHub workflow commands (annotations on the lines).
// Each is a pure function of the CheckResult.
import type { CheckedFile, CheckedService, CheckResult, Violation } from "../model/check.js";
import { fmtDate, fmtPct, fmtUsd, fmtUsdDelta, plural } from "../model/format.js";
import { paint } from "./ansi.js";
import { roundDeep } from "./json.js";
import { forTerminal, jsonSafe } from "./text.js";
import { code, md } from "./text.js";

export const CHECK_FORMATS = ["text", "markdown", "json", "github"] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** The hidden marker a workflow looks for to update its comment in place instead of adding another. */
export const COMMENT_MARKER = "<!-- ecs-advisor-check -->";

/**
 * The result as published: money rounded to cents once, and every delta recomputed from the rounded
 * figures, so "$288.32 → $63.79" and "-$224.53" always agree.
 */
export function toPublishedCheck(result: CheckResult): CheckResult {
  const out = roundDeep(result) as CheckResult;
  const c = (x: number) => Math.round(x * 100);
  let current = 0;
  let proposed = 0;
  for (const td of out.taskDefinitions) {
    let delta: number | null = null;
    for (const s of td.services) {
      if (s.current.monthlyUsd === null || s.proposed.monthlyUsd === null) continue;
      const d = c(s.proposed.monthlyUsd) - c(s.current.monthlyUsd);
      s.deltaMonthlyUsd = d / 100;
      delta = (delta ?? 0) + d;
      current += c(s.current.monthlyUsd);
      proposed += c(s.proposed.monthlyUsd);
    }
    td.deltaMonthlyUsd = delta === null ? null : delta / 100;
  }
  out.totals.currentMonthlyUsd = current / 100;
  out.totals.proposedMonthlyUsd = proposed / 100;
  out.totals.deltaMonthlyUsd = (proposed - current) / 100;
  out.totals.deltaPercent = current > 0 ? Math.round(((proposed - current) / current) * 100_000) / 1000 : null;
  return out;
}

export function renderCheck(input: CheckResult, format: CheckFormat, opts: { color?: boolean } = {}): string {
  const published = toPublishedCheck(input);
  // JSON escapes control characters itself; every other format shows names made safe (src/report/text.ts).
  if (format === "json") return `${jsonSafe(JSON.stringify(published, null, 2))}\n`;
  const result = forTerminal(published);
  switch (format) {
    case "markdown":
      return renderMarkdown(result);
    case "github":
      return renderGithub(result);
    case "text":
      return renderText(result, opts.color ?? false);
  }
}

/** "monthly cost +$42.10 (+12%)" */
export function costHeadline(r: CheckResult): string {
  const t = r.totals;
  if (t.services === 0) return "no running service to price";
  if (fmtUsdDelta(t.deltaMonthlyUsd) === "$0.00") return "monthly cost unchanged";
  const pct = t.deltaPercent === null ? "" : ` (${t.deltaPercent >= 0 ? "+" : "-"}${fmtPct(Math.abs(t.deltaPercent))})`;
  return `monthly cost ${fmtUsdDelta(t.deltaMonthlyUsd)}${pct}`;
}

function verdictLine(r: CheckResult): string {
  const t = r.totals;
  const counts = [
    t.fileErrors ? `${plural(t.fileErrors, "file")} could not be checked` : undefined,
    t.errors ? plural(t.errors, "error") : undefined,
    t.warnings ? plural(t.warnings, "warning") : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return `${r.verdict === "error" ? "incomplete" : r.verdict === "fail" ? "failed" : "passed"}${counts ? `: ${counts}` : ""}`;
}

const fileErrors = (r: CheckResult): CheckedFile[] => (r.files ?? []).filter((f) => f.status === "error");
const filePlace = (f: CheckedFile) => `${f.file}${f.line !== null ? `:${f.line}${f.column !== null ? `:${f.column}` : ""}` : ""}`;

const arrow = (from: number | null, to: number | null, rec: number | null | undefined, fmt: (n: number) => string = String) =>
  `${from === null ? "?" : fmt(from)} → ${to === null ? "?" : fmt(to)}${rec === undefined || rec === null ? "" : ` (rec. ${fmt(rec)})`}`;
const money = (n: number) => fmtUsd(n);
const where = (v: Violation) => `${v.file}${v.line !== null ? `:${v.line}` : ""}`;

// ---- text ----

function renderText(r: CheckResult, color: boolean): string {
  const p = paint(color);
  const lines: string[] = [];
  const head = `ecs-advisor check ${verdictLine(r)} · ${costHeadline(r)}`;
  lines.push(p.bold(r.verdict === "pass" ? p.green(head) : p.red(head)));
  lines.push(
    p.dim(
      `evidence: ${r.evidence.kind} ${r.evidence.region}, ${fmtDate(r.evidence.window.start)} → ${fmtDate(r.evidence.window.end)} · prices as of ${r.evidence.prices.asOf}`,
    ),
  );
  for (const td of r.taskDefinitions) {
    lines.push("");
    lines.push(p.bold(`${td.file}  ${td.name}`) + p.dim(` (${td.format}${td.matchedBy === "none" ? ", no service runs it" : ""})`));
    for (const s of td.services) lines.push(`  ${serviceLine(s)}`);
    for (const v of td.violations) {
      const sev = v.severity === "error" ? p.red("error  ") : p.yellow("warning");
      lines.push(`  ${sev} ${v.rule}${v.existing ? " (already so today)" : ""}  ${where(v)}`);
      lines.push(`          ${v.message}`);
    }
    if (td.violations.length === 0) lines.push(`  ${p.green("ok")}`);
  }
  for (const f of fileErrors(r)) {
    lines.push("");
    lines.push(`${p.bold(filePlace(f))}  ${p.red("error")}  ${f.message ?? ""}`);
    if (f.hint) lines.push(`  hint: ${f.hint}`);
  }
  if (r.warnings.length) {
    lines.push("");
    for (const w of r.warnings) lines.push(p.yellow(`note: ${w.message}`));
  }
  return `${lines.join("\n")}\n`;
}

function serviceLine(s: CheckedService): string {
  return (
    `${s.cluster}/${s.service}: cpu ${arrow(s.current.cpu, s.proposed.cpu, s.recommended?.cpu)}, memory ${arrow(s.current.memory, s.proposed.memory, s.recommended?.memory)}` +
    (s.current.monthlyUsd !== null && s.proposed.monthlyUsd !== null
      ? `, ${arrow(s.current.monthlyUsd, s.proposed.monthlyUsd, s.recommended?.monthlyUsd, money)} a month`
      : "")
  );
}

// ---- markdown (a PR comment) ----

/** Text from task definitions, files and AWS is escaped so it cannot break the table or inject markup. */
function renderMarkdown(r: CheckResult): string {
  const out: string[] = [COMMENT_MARKER];
  const icon = r.verdict === "pass" ? "✅" : "❌";
  out.push(`### ${icon} ecs-advisor check ${verdictLine(r)} · ${costHeadline(r)}`);
  out.push("");
  const services = r.totals.services;
  out.push(
    `Checked ${plural(r.totals.taskDefinitions, "task definition")} against the usage of ${plural(services, "service")} running ${r.totals.taskDefinitions === 1 ? "it" : "them"} ` +
      `(${md(r.evidence.kind)} ${md(r.evidence.region)}, ${fmtDate(r.evidence.window.start)} → ${fmtDate(r.evidence.window.end)}; prices as of ${md(r.evidence.prices.asOf)}).`,
  );
  const rows = r.taskDefinitions.flatMap((td) =>
    td.services.length ? td.services.map((s) => ({ td, s })) : [{ td, s: undefined as CheckedService | undefined }],
  );
  out.push("");
  out.push("| task definition | service | cpu | memory | $/month |");
  out.push("|---|---|---|---|---|");
  for (const { td, s } of rows) {
    const name = `${code(td.file)} ${md(td.name)}`;
    if (!s) {
      out.push(`| ${name} | *no service runs it* | ${td.proposed.cpu ?? "?"} | ${td.proposed.memory ?? "?"} | – |`);
      continue;
    }
    const bold = (from: number | null, to: number | null, rec: number | null | undefined, f: (n: number) => string = String) => {
      const a = from === null ? "?" : f(from);
      const b = to === null ? "?" : f(to);
      return `${a} → ${from === to ? b : `**${b}**`}${rec === undefined || rec === null ? "" : ` (rec. ${f(rec)})`}`;
    };
    out.push(
      `| ${name} | ${md(`${s.cluster}/${s.service}`)} | ${bold(s.current.cpu, s.proposed.cpu, s.recommended?.cpu)} | ${bold(s.current.memory, s.proposed.memory, s.recommended?.memory)} | ${
        s.current.monthlyUsd !== null && s.proposed.monthlyUsd !== null
          ? bold(s.current.monthlyUsd, s.proposed.monthlyUsd, s.recommended?.monthlyUsd, money)
          : "–"
      } |`,
    );
  }
  const bad = fileErrors(r);
  if (bad.length) {
    out.push("");
    out.push("**Could not be checked**");
    out.push("");
    for (const f of bad) out.push(`- ❌ ${code(filePlace(f))} — ${md(f.message ?? "")}${f.hint ? ` (${md(f.hint)})` : ""}`);
  }
  const violations = r.taskDefinitions.flatMap((td) => td.violations);
  if (violations.length) {
    out.push("");
    out.push("**What to fix**");
    out.push("");
    for (const v of violations) {
      out.push(
        `- ${v.severity === "error" ? "❌" : "⚠️"} **${v.rule}**${v.existing ? " (already so today; not caused by this change)" : ""} · ${code(where(v))} — ${md(v.message)}`,
      );
    }
  }
  if (r.warnings.length) {
    out.push("");
    for (const w of r.warnings) out.push(`> ${md(w.message)}`);
  }
  out.push("");
  out.push("<details><summary>How this was checked</summary>");
  out.push("");
  const pol = r.policy;
  const limits = [
    pol.maxIncrease.usd !== null ? fmtUsd(pol.maxIncrease.usd) : undefined,
    pol.maxIncrease.percent !== null ? fmtPct(pol.maxIncrease.percent) : undefined,
  ].filter(Boolean);
  out.push(
    `- fails on: ${pol.failOn.map(md).join(", ") || "nothing"}; cost increase allowed: ${limits.length ? limits.join(" or ") : "any (no limit set)"}; over-provisioned: more than ${fmtPct(pol.overprovisionedPercent)} above the recommendation`,
  );
  out.push(
    `- rules: ${Object.entries(pol.rules)
      .map(([k, v]) => `\`${k}\` ${v}`)
      .join(", ")}`,
  );
  out.push(
    "- memory is checked against the observed peak, cpu against the observed need at the target; a problem the running task definition already has is a warning, not a failure",
  );
  out.push(`- ${md(r.evidence.prices.source)}`);
  out.push("");
  out.push("</details>");
  return `${out.join("\n")}\n`;
}

// ---- GitHub workflow commands ----

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function renderGithub(r: CheckResult): string {
  const out: string[] = [];
  for (const v of r.taskDefinitions.flatMap((td) => td.violations)) {
    const props = [
      `file=${escapeProperty(v.file)}`,
      ...(v.line !== null ? [`line=${v.line}`] : []),
      `title=${escapeProperty(`ecs-advisor ${v.rule}`)}`,
    ];
    out.push(
      `::${v.severity} ${props.join(",")}::${escapeData(v.message + (v.existing ? " (already so today; not caused by this change)" : ""))}`,
    );
  }
  for (const f of fileErrors(r)) {
    const props = [
      `file=${escapeProperty(f.file)}`,
      ...(f.line !== null ? [`line=${f.line}`] : []),
      ...(f.column !== null ? [`col=${f.column}`] : []),
      `title=${escapeProperty("ecs-advisor: cannot check this file")}`,
    ];
    out.push(`::error ${props.join(",")}::${escapeData(`${f.message ?? ""}${f.hint ? ` — ${f.hint}` : ""}`)}`);
  }
  for (const w of r.warnings) out.push(`::notice title=ecs-advisor::${escapeData(w.message)}`);
  out.push(`::notice title=ecs-advisor check::${escapeData(`${verdictLine(r)} · ${costHeadline(r)}`)}`);
  return `${out.join("\n")}\n`;
}
