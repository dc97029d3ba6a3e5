// `--format slack`: a Block Kit digest people read in a channel — the totals, the biggest savings, the
// risks, the EC2 hosts, and where to look next. Within Slack's limits (https://api.slack.com/reference/block-kit/blocks):
// at most 50 blocks, a header's text ≤ 150 characters, a section's ≤ 3,000, ≤ 10 fields of ≤ 2,000.
// Long lists are summarised ("…and 12 more, $340.00/mo"), never cut in the middle of a line.
import { fmtPct, fmtUsd, fmtUsdMonthly, plural } from "../model/format.js";
import type { Report, ServiceFinding } from "../model/report.js";
import { billLine, change, headline, levers, risks, savingsPercent, sourceLine, topSavings } from "./digest.js";
import { gapLabel } from "../advisor/estate.js";
import { toShownReport } from "./json.js";
import { accountLine, accountName, accountsBySavings, gapsOf, isMultiScope, namer } from "./scopes.js";
import type { Reporter } from "./options.js";
import { slack } from "./text.js";
import { diffSlackTexts, diffSpan, trendLine } from "./diff.js";

export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fields: 10, fieldText: 2000, contextElements: 10 } as const;
/** Lines per list: a digest, not the report. */
const LIST_LINES = 10;

export interface SlackText {
  type: "mrkdwn" | "plain_text";
  text: string;
}
export type SlackBlock =
  | { type: "header"; text: SlackText }
  | { type: "section"; text?: SlackText; fields?: SlackText[] }
  | { type: "context"; elements: SlackText[] }
  | { type: "divider" };
export interface SlackPayload {
  /** The notification text (and what clients without Block Kit show). */
  text: string;
  blocks: SlackBlock[];
}

const mrkdwn = (text: string): SlackText => ({ type: "mrkdwn", text });
const codeName = (text: string) => `\`${slack(text).replace(/`/g, "'")}\``;

/** Cut at a word boundary with "…", for a single item that alone is too long. */
function clip(text: string, max: number): string {
  if ([...text].length <= max) return text;
  const cut = [...text].slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/**
 * A titled list in one section: whole lines until the next would pass the limit or LIST_LINES, then one
 * summary line for the rest.
 */
function listSection(title: string, lines: string[], rest: (n: number, from: number) => string): SlackBlock {
  const budget = SLACK_LIMITS.sectionText - 200; // room for the title and the summary line
  let text = `*${title}*`;
  let shown = 0;
  for (const line of lines) {
    if (shown === LIST_LINES || text.length + 1 + line.length > budget) break;
    text += `\n${line}`;
    shown++;
  }
  if (shown < lines.length) text += `\n${rest(lines.length - shown, shown)}`;
  return { type: "section", text: mrkdwn(text) };
}

/** A link in Slack's <url|text> syntax; "|" and ">" cannot appear in the URL part, so they are encoded. */
export function slackLink(url: string, text: string): string {
  return `<${url.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C")}|${slack(text).replace(/\|/g, "/")}>`;
}

export function slackPayload(input: Report, reportUrl?: string): SlackPayload {
  const r = toShownReport(input);
  const t = r.totals;
  const blocks: SlackBlock[] = [];
  const named = namer(r);
  const name = (s: ServiceFinding) => codeName(named(s));
  const title =
    t.realisableSavingsMonthlyUsd >= 0
      ? `ecs-advisor: ${fmtUsdMonthly(t.realisableSavingsMonthlyUsd)} to save (${fmtPct(savingsPercent(r))})`
      : `ecs-advisor: ${t.risks} services at risk`;
  blocks.push({ type: "header", text: { type: "plain_text", text: clip(title, SLACK_LIMITS.headerText) } });
  blocks.push({ type: "context", elements: [mrkdwn(clip(slack(sourceLine(r)), SLACK_LIMITS.fieldText))] });
  const fields = [
    `*Now*\n${fmtUsdMonthly(t.nowMonthlyUsd)}`,
    `*After*\n${fmtUsdMonthly(t.afterMonthlyUsd)}`,
    `*Services*\n${t.services} · ${plural(t.changes, "change")}`,
    `*At risk*\n${t.risks === 0 ? "none" : plural(t.risks, "service")}`,
    `*Savings by lever*\n${slack(levers(r).join(" · ") || "none")}`,
    `*The bill*\n${slack(billLine(r).replace(/^now /, ""))}`,
  ].slice(0, SLACK_LIMITS.fields);
  blocks.push({ type: "section", fields: fields.map(mrkdwn) });

  if (r.history) {
    // Since the last run: what was applied and realised, new risks, new and resolved advice (5 lines each).
    blocks.push({ type: "divider" });
    const d = r.history.sinceLast;
    if (d) {
      const [first, ...rest] = diffSlackTexts(d, 5);
      blocks.push({ type: "section", text: mrkdwn(`*Since the last run* (${slack(diffSpan(d))})\n${first}`) });
      for (const t of rest.slice(0, 6)) blocks.push({ type: "section", text: mrkdwn(t) });
    } else
      blocks.push({
        type: "section",
        text: mrkdwn("*Since the last run*\nThe first run in this history: the next digest will say what changed."),
      });
    if (r.history.trend.length > 1)
      blocks.push({ type: "context", elements: [mrkdwn(clip(slack(trendLine(r.history)), SLACK_LIMITS.fieldText))] });
  }

  if (isMultiScope(r)) {
    // Each account's totals, most savings first; the account-regions not collected come first of all.
    blocks.push({ type: "divider" });
    const gaps = gapsOf(r).map(
      (g) =>
        `• :no_entry: ${codeName(gapLabel(g))}${g.label ? ` (${slack(g.label)})` : ""} not collected: ${slack(clip(g.gap?.message ?? "", 240))}`,
    );
    const accounts = accountsBySavings(r)
      .filter((a) => a.regions > 0)
      .map((a) => `• ${codeName(accountName(a.account))} ${slack(accountLine(a))}`);
    blocks.push(listSection("Accounts", [...gaps, ...accounts], (n) => `…and ${plural(n, "more line")} in the report`));
  }

  const savers = topSavings(r);
  if (savers.length > 0) {
    blocks.push({ type: "divider" });
    const lines = savers.map(
      (s) =>
        `• ${name(s)} cpu ${change(s.current.cpu, s.recommended?.cpu)}, memory ${change(s.current.memory, s.recommended?.memory)} — saves *${fmtUsdMonthly(s.savingsMonthlyUsd!)}* (${s.confidence} confidence)`,
    );
    blocks.push(
      listSection(
        "Biggest savings",
        lines,
        (n, from) =>
          `…and ${plural(n, "more service")}, ${fmtUsdMonthly(savers.slice(from).reduce((a, s) => a + s.savingsMonthlyUsd!, 0))} between them`,
      ),
    );
  }

  const atRisk = risks(r);
  if (atRisk.length > 0) {
    blocks.push({ type: "divider" });
    const lines = atRisk.map(({ service: s, reason }) => `• :warning: ${name(s)} ${slack(clip(reason.message.replace(/\s+/g, " "), 240))}`);
    blocks.push(listSection("At risk", lines, (n) => `…and ${plural(n, "more service")} at risk`));
  }

  const hosts = r.clusters.filter((c) => c.hostScaling);
  if (hosts.length > 0) {
    blocks.push({ type: "divider" });
    const lines = hosts.map((c) => {
      const h = c.hostScaling!;
      const pk = c.packing;
      return (
        `• \`${slack(c.cluster)}\` ${h.today.action.replace("-", " ")}${h.today.hosts > 0 ? ` ${plural(h.today.hosts, "host")}` : ""} · ${leverLine(h)}` +
        (pk && pk.savingsMonthlyUsd > 0
          ? ` · packing onto ${Object.entries(pk.best.instanceTypes)
              .map(([type, n]) => `${n} × ${type}`)
              .join(" + ")} saves ${fmtUsdMonthly(pk.savingsMonthlyUsd)}`
          : "")
      );
    });
    blocks.push(listSection("EC2 hosts", lines, (n) => `…and ${plural(n, "more cluster")}`));
  }

  for (const w of r.warnings.slice(0, 3))
    blocks.push({ type: "context", elements: [mrkdwn(clip(`:warning: ${slack(w.message)}`, SLACK_LIMITS.fieldText))] });
  if (r.warnings.length > 3)
    blocks.push({ type: "context", elements: [mrkdwn(`…and ${plural(r.warnings.length - 3, "more warning")} in the report`)] });
  blocks.push({
    type: "context",
    elements: [
      mrkdwn(
        reportUrl
          ? `Where to look next: ${slackLink(reportUrl, "the full report")}, with every service's reasons and charts.`
          : "Where to look next: `ecs-advisor report --format html --out report.html` for charts of every service; `--format json` has every reason.",
      ),
    ],
  });
  return {
    text: clip(`ecs-advisor: ${headline(r)}; ${fmtUsd(t.nowMonthlyUsd)} → ${fmtUsd(t.afterMonthlyUsd)} a month`, SLACK_LIMITS.sectionText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

export const renderSlack: Reporter = (report, options) => `${JSON.stringify(slackPayload(report, options.reportUrl), null, 2)}\n`;

/** The host-scaling lever in a few words: managed scaling's targetCapacity, or the alarm rule. */
function leverLine(h: NonNullable<Report["clusters"][number]["hostScaling"]>): string {
  const ms = h.managedScaling;
  if (h.lever === "managed-scaling" && ms) {
    const now = ms.targetCapacity ?? 100;
    return `managed scaling targetCapacity ${now === h.rule.targetCapacity ? `${now} (right)` : `${now} → ${h.rule.targetCapacity}`}`;
  }
  return `alarm rule: out below ${h.rule.scaleOutBelow}, in above ${h.rule.scaleInAbove} largest tasks`;
}
