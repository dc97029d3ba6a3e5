// `ecs-advisor diff` in every format, and the "since last run" section of a report made with --history:
// fleet cost then and now, recommendations applied with the saving they realised, new and resolved
// recommendations, risks that appeared or went away, services added or removed. Pure functions of a Diff.
import { fmtDate, fmtUsdDelta, fmtUsdMonthly, plural } from "../model/format.js";
import type { Diff, ServiceRef, SizeRef } from "../model/diff.js";
import type { ReportHistory } from "../model/report.js";
import { type SlackBlock, type SlackPayload, slackLink } from "./slack.js";
import { code, jsonSafe, md, slack, visible } from "./text.js";

/** One line of a section: the service it is about and what is said of it (both raw; each format escapes). */
export interface DiffItem {
  name: string;
  text: string;
}
export interface DiffSection {
  title: string;
  items: DiffItem[];
}

const size = (s: SizeRef) => `${s.cpu ?? "?"} cpu / ${s.memory ?? "?"} MiB`;

/** "web/api", with the account and region when the diff spans several. */
function namer(diff: Diff): (s: ServiceRef) => string {
  const all: ServiceRef[] = [
    ...diff.added,
    ...diff.removed,
    ...diff.newRecommendations,
    ...diff.resolvedRecommendations,
    ...diff.applied,
    ...diff.risksAppeared,
    ...diff.risksGone,
  ];
  const accounts = new Set(all.map((s) => s.account ?? "-")).size;
  const regions = new Set(all.map((s) => s.region ?? "-")).size;
  return (s) => {
    const where = accounts > 1 ? `${s.account ?? "-"}/${s.region ?? "-"} ` : regions > 1 ? `${s.region ?? "-"} ` : "";
    return `${where}${s.cluster}/${s.service}`;
  };
}

/** The headline: "$120.00/mo realised by 2 applied recommendations · bill $5,779.24 → $5,500.10/mo (-$279.14)". */
export function diffHeadline(diff: Diff): string {
  const applied = diff.applied.length;
  const hosts = diff.fleet.whenHostsScaleInMonthlyUsd;
  const realised = applied
    ? `${fmtUsdMonthly(diff.fleet.realisedMonthlyUsd)} realised by ${plural(applied, "applied recommendation")}${
        hosts !== 0 ? ` (+ ${fmtUsdMonthly(hosts)} once the EC2 hosts scale in)` : ""
      }`
    : "no recommendation applied";
  return `${realised} · bill ${fmtUsdMonthly(diff.old.nowMonthlyUsd)} → ${fmtUsdMonthly(diff.new.nowMonthlyUsd)} (${fmtUsdDelta(diff.fleet.nowChangeMonthlyUsd)})`;
}

/** "since 2026-11-24 (7 days)". */
export function diffSpan(diff: Diff): string {
  const days = Math.round((Date.parse(diff.new.generatedAt) - Date.parse(diff.old.generatedAt)) / 86_400_000);
  return `${fmtDate(diff.old.generatedAt)} → ${fmtDate(diff.new.generatedAt)} (${plural(days, "day")})`;
}

/** "5 runs since 2026-10-27: now $5,779.24/mo → $5,100.00/mo, $340.00/mo realised". */
export function trendLine(h: ReportHistory): string {
  const first = h.trend[0]!;
  const last = h.trend.at(-1)!;
  return `${plural(h.trend.length, "run")} since ${fmtDate(first.at)}: the bill ${fmtUsdMonthly(first.nowMonthlyUsd)} → ${fmtUsdMonthly(last.nowMonthlyUsd)}, ${fmtUsdMonthly(h.realisedMonthlyUsd)} realised by applied recommendations`;
}

/** The sections, in the order an ops team reads them; empty ones left out. */
export function diffSections(diff: Diff): DiffSection[] {
  const name = namer(diff);
  const sections: DiffSection[] = [
    {
      title: "Applied",
      items: diff.applied.map((a) => ({
        name: name(a),
        text: `${size(a.before)} → ${size(a.after)}${a.complete ? "" : ` (advised ${size(a.advised)}: part of the way)`}, ${
          a.realisedMonthlyUsd === null ? "saving unknown (no price)" : `${fmtUsdMonthly(a.realisedMonthlyUsd)} realised`
        }${a.launchType === "EC2" ? " when the hosts scale in" : ""}`,
      })),
    },
    {
      title: "New risks",
      items: diff.risksAppeared.map((r) => ({ name: name(r), text: `${r.code}: ${r.message}` })),
    },
    {
      title: "New recommendations",
      items: diff.newRecommendations.map((r) => ({
        name: name(r),
        text: `${r.action} ${size(r.current)} → ${r.recommended ? size(r.recommended) : "?"}${
          r.savingsMonthlyUsd !== null
            ? `, ${r.savingsMonthlyUsd >= 0 ? "saves" : "costs"} ${fmtUsdMonthly(Math.abs(r.savingsMonthlyUsd))}`
            : ""
        } (${r.confidence} confidence)`,
      })),
    },
    {
      title: "Resolved",
      items: diff.resolvedRecommendations.map((r) => ({
        name: name(r),
        text: `${r.action} to ${r.recommended ? size(r.recommended) : "?"} ${r.how === "applied" ? "applied" : "no longer advised"}`,
      })),
    },
    { title: "Risks gone", items: diff.risksGone.map((r) => ({ name: name(r), text: r.code })) },
    {
      title: "Services added",
      items: diff.added.map((s) => ({ name: name(s), text: s.monthlyUsd === null ? "no price" : fmtUsdMonthly(s.monthlyUsd) })),
    },
    {
      title: "Services removed",
      items: diff.removed.map((s) => ({ name: name(s), text: s.monthlyUsd === null ? "no price" : `was ${fmtUsdMonthly(s.monthlyUsd)}` })),
    },
  ];
  return sections.filter((s) => s.items.length > 0);
}

/** "nothing changed" when every section is empty. */
const NOTHING = "No service added or removed, no recommendation applied, new or resolved, no risk appeared or gone.";

/** Lines for the terminal. */
export function diffTableLines(diff: Diff, maxItems = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [visible(diffHeadline(diff))];
  out.push(
    `recommended fleet ${fmtUsdMonthly(diff.old.afterMonthlyUsd)} → ${fmtUsdMonthly(diff.new.afterMonthlyUsd)} · ` +
      `to save ${fmtUsdMonthly(diff.old.realisableSavingsMonthlyUsd)} → ${fmtUsdMonthly(diff.new.realisableSavingsMonthlyUsd)} · ` +
      `at risk ${diff.old.risks} → ${diff.new.risks}`,
  );
  const sections = diffSections(diff);
  if (sections.length === 0) out.push(NOTHING);
  for (const s of sections) {
    out.push("", `${s.title.toUpperCase()} (${s.items.length})`);
    for (const i of s.items.slice(0, maxItems)) out.push(`  ${visible(i.name)}  ${visible(i.text)}`);
    if (s.items.length > maxItems) out.push(`  …and ${s.items.length - maxItems} more`);
  }
  return out;
}

export function renderDiffTable(diff: Diff): string {
  return `ecs-advisor diff: ${diffSpan(diff)}\n${diffTableLines(diff).join("\n")}\n`;
}

/** Markdown: a headline and a list per section (level sets the heading depth; the report nests it). */
export function diffMarkdownLines(diff: Diff, level = 3, maxItems = 20): string[] {
  const h = "#".repeat(level);
  const out: string[] = [`${md(diffHeadline(diff))}.`, ""];
  const sections = diffSections(diff);
  if (sections.length === 0) out.push(md(NOTHING), "");
  for (const s of sections) {
    out.push(`${h} ${s.title} (${s.items.length})`, "");
    for (const i of s.items.slice(0, maxItems)) out.push(`- ${code(i.name)} ${md(i.text)}`);
    if (s.items.length > maxItems) out.push(`- …and ${s.items.length - maxItems} more (\`ecs-advisor diff\` lists them all)`);
    out.push("");
  }
  return out;
}

export function renderDiffMarkdown(diff: Diff): string {
  return [`## ecs-advisor diff: ${md(diffSpan(diff))}`, "", ...diffMarkdownLines(diff)].join("\n");
}

/** Slack mrkdwn sections (each within 3,000 characters; at most `maxItems` lines each). */
export function diffSlackTexts(diff: Diff, maxItems = 8): string[] {
  const texts = [`*${slack(diffHeadline(diff))}*`];
  const sections = diffSections(diff);
  if (sections.length === 0) texts[0] += `\n${slack(NOTHING)}`;
  for (const s of sections) {
    let text = `*${s.title}* (${s.items.length})`;
    let shown = 0;
    for (const i of s.items.slice(0, maxItems)) {
      const line = `\n• \`${slack(i.name).replace(/`/g, "'")}\` ${slack(i.text.length > 240 ? `${i.text.slice(0, 239)}…` : i.text)}`;
      if (text.length + line.length > 2_800) break;
      text += line;
      shown++;
    }
    if (shown < s.items.length) text += `\n…and ${s.items.length - shown} more`;
    texts.push(text);
  }
  return texts;
}

export function diffSlackPayload(diff: Diff, reportUrl?: string): SlackPayload {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: `ecs-advisor: since ${fmtDate(diff.old.generatedAt)}` } },
    ...diffSlackTexts(diff).map((t): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text: t } })),
  ];
  if (reportUrl)
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `Where to look next: ${slackLink(reportUrl, "the full report")}` }],
    });
  return { text: diffHeadline(diff).slice(0, 3000), blocks };
}

export const renderDiffSlack = (diff: Diff, opts: DiffRenderOptions = {}): string =>
  `${jsonSafe(JSON.stringify(diffSlackPayload(diff, opts.reportUrl), null, 2))}\n`;

export interface DiffRenderOptions {
  reportUrl?: string | undefined;
}

export function renderDiffJson(diff: Diff): string {
  return `${jsonSafe(JSON.stringify(diff, null, 2))}\n`;
}

export const DIFF_RENDERERS: Record<"table" | "markdown" | "json" | "slack", (diff: Diff, opts?: DiffRenderOptions) => string> = {
  table: renderDiffTable,
  markdown: renderDiffMarkdown,
  json: renderDiffJson,
  slack: renderDiffSlack,
};
export type DiffFormat = keyof typeof DIFF_RENDERERS;
