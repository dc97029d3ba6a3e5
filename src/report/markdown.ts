// `--format markdown`: for a GitHub step summary or a pull-request comment. A headline sentence, a
// table of what to change, the risks, and the details folded. Names from AWS are code spans and every
// other text is escaped, so nothing in an estate can break the table or inject markup.
import { fmtDate, fmtPct, fmtTasks, fmtUsd, fmtUsdMonthly, plural } from "../model/format.js";
import { diffMarkdownLines, diffSpan, trendLine } from "./diff.js";
import type { ServiceFinding } from "../model/report.js";
import { billLine, change, ec2LeverNote, headline, leversLine, risks, riskOf, sourceLine, topSavings } from "./digest.js";
import { toShownReport } from "./json.js";
import type { Reporter } from "./options.js";
import { autoscalingLine, hostSection } from "./table.js";
import { paint } from "./ansi.js";
import { accountName, accountsBySavings, isMultiScope, namer } from "./scopes.js";
import { code, md } from "./text.js";

const upper = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

/** Rows in the table at most: a PR comment holds 65,536 characters. */
export const MARKDOWN_MAX_ROWS = 50;

const money = (usd: number | null | undefined) => (usd === null || usd === undefined ? "–" : fmtUsd(usd));

function row(s: ServiceFinding, name: (s: ServiceFinding) => string): string {
  const mark = riskOf(s) ? "⚠️" : "";
  return `| ${mark} | ${code(name(s))} | ${change(s.current.cpu, s.recommended?.cpu)} | ${change(s.current.memory, s.recommended?.memory)} | ${fmtTasks(s.current.tasks)} | ${money(s.current.monthlyUsd)} | ${s.recommended ? money(s.recommended.monthlyUsd) : "–"} | ${money(s.savingsMonthlyUsd)} | ${s.confidence} |`;
}

export const renderMarkdown: Reporter = (input, options) => {
  const r = toShownReport(input);
  const t = r.totals;
  const out: string[] = [];
  const name = namer(r);
  out.push(`## ecs-advisor: ${md(headline(r))}`, "");
  out.push(`_${md(sourceLine(r))}_`, "");
  const note = ec2LeverNote(r);
  out.push(
    `${md(upper(billLine(r)))}. Applying every change (${plural(t.changes, "change")}, ${t.withAdvice} of ${t.services} with advice` +
      `${t.unpricedServices ? `, ${t.unpricedServices} without a price not counted` : ""}) takes it to ${fmtUsdMonthly(t.afterMonthlyUsd)}, ${md(leversLine(r))}.` +
      (note ? ` ${md(upper(note))}.` : ""),
    "",
  );
  for (const w of r.warnings) out.push(`> ⚠️ ${md(w.message)}`, "");
  if (r.history) {
    const d = r.history.sinceLast;
    out.push(`### Since the last run${d ? ` (${md(diffSpan(d))})` : ""}`, "");
    if (d) out.push(...diffMarkdownLines(d, 4, 10));
    else out.push("_The first run in this history: the next report will say what changed._", "");
    if (r.history.trend.length > 1) out.push(`_${md(trendLine(r.history))}_`, "");
  }
  if (isMultiScope(r)) {
    // Per account: what it costs and saves, its regions, and any account-region not collected.
    out.push("| account | regions | services | changes | now $/mo | saves $/mo |", "|---|---|---:|---:|---:|---:|");
    const scopes = r.scopes ?? [];
    const accounts = accountsBySavings(r);
    for (const a of accounts.slice(0, MARKDOWN_MAX_ROWS)) {
      const regions = scopes
        .filter((s) => s.account === a.account)
        .map((s) => (s.status === "gap" ? `${s.region ?? "every region"} (not collected)` : (s.region ?? "")))
        .join(", ");
      out.push(
        `| ${code(accountName(a.account))} | ${md(regions)} | ${a.services} | ${a.changes} | ${money(a.nowMonthlyUsd)} | ${money(a.realisableSavingsMonthlyUsd)} |`,
      );
    }
    if (accounts.length > MARKDOWN_MAX_ROWS)
      out.push("", `…and ${plural(accounts.length - MARKDOWN_MAX_ROWS, "more account")}: \`--format json\` has every one.`);
    out.push("");
  }

  // What to change: savings first, then risks that cost money to fix; the rest are in the JSON.
  const atRisk = risks(r);
  const shown = [...new Set([...topSavings(r), ...atRisk.map((x) => x.service)])];
  if (shown.length > 0) {
    out.push(
      "| | service | cpu | memory | tasks | now $/mo | new $/mo | saves | confidence |",
      "|---|---|---|---|---:|---:|---:|---:|---|",
    );
    for (const s of shown.slice(0, MARKDOWN_MAX_ROWS)) out.push(row(s, name));
    if (shown.length > MARKDOWN_MAX_ROWS)
      out.push(
        "",
        `…and ${plural(shown.length - MARKDOWN_MAX_ROWS, "more service")} to change: \`--format json\` or \`--format csv\` has every one.`,
      );
    out.push("");
  } else out.push(t.services === 0 ? "No services were found." : "Every service is sized to its usage: nothing to change.", "");

  if (atRisk.length > 0) {
    out.push(`### ⚠️ At risk (${atRisk.length})`, "");
    for (const { service: s, reason } of atRisk.slice(0, MARKDOWN_MAX_ROWS)) out.push(`- ${code(name(s))} — ${md(reason.message)}`);
    if (atRisk.length > MARKDOWN_MAX_ROWS) out.push(`- …and ${plural(atRisk.length - MARKDOWN_MAX_ROWS, "more")}`);
    out.push("");
  }

  const ec2 = r.clusters.filter((c) => c.hostScaling);
  if (ec2.length > 0) {
    out.push(`<details><summary>EC2 hosts: scaling and packing (${plural(ec2.length, "cluster")})</summary>`, "");
    const plain = paint(false);
    for (const c of ec2) {
      out.push(`**${code(name({ ...c, service: "" }).replace(/\/$/, ""))}**`, "");
      // The table's host lines, unwrapped: label, then the text.
      for (const line of hostSection(c, 0, 10_000, plain)) {
        const label = line.slice(0, 10).trim();
        out.push(`- ${label ? `**${label}** ` : ""}${md(line.slice(10).trim())}`);
      }
      out.push("");
    }
    out.push("</details>", "");
  }

  const explained = shown.slice(0, MARKDOWN_MAX_ROWS);
  if (explained.length > 0) {
    out.push(`<details><summary>Why, service by service (${explained.length})</summary>`, "");
    for (const s of explained) {
      const ev = s.evidence;
      out.push(
        `**${code(name(s))}** · ${md(s.capacity)} · ${s.confidence} confidence${s.firstRecommendedAt ? ` · first recommended ${fmtDate(s.firstRecommendedAt)}` : ""} · ${md(ev.cpu.statistic)} CPU ${ev.cpu.observedPercent === null ? "–" : fmtPct(ev.cpu.observedPercent)}, memory ${ev.memory.observedPercent === null ? "–" : fmtPct(ev.memory.observedPercent)} of what it has`,
        "",
      );
      for (const reason of s.reasons) out.push(`- ${reason.severity === "risk" ? "⚠️ " : ""}${md(reason.message)}`);
      const scaling = autoscalingLine(s);
      if (scaling) out.push(`- ${md(scaling)}`);
      out.push("");
    }
    out.push("</details>", "");
  }
  if (options.reportUrl)
    out.push(
      `[The full report](${options.reportUrl.replace(/[()\s<>]/g, encodeURIComponent)}) has every service's reasons and charts.`,
      "",
    );
  out.push(
    `<sub>ecs-advisor ${md(r.tool.version)} · generated ${md(r.generatedAt)} · sizing CPU at a ${fmtPct((r.policy as { cpu?: { target?: number } }).cpu?.target ?? 0)} target</sub>`,
  );
  return `${out.join("\n")}\n`;
};
