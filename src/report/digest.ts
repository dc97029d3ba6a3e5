// What every human-facing format says first: the headline, the risks, the biggest savings. One place, so
// the terminal, Markdown, Slack and HTML never disagree. Works on the published (rounded) Report.
import { fmtDate, fmtPct, fmtUsdMonthly, plural } from "../model/format.js";
import type { Reason, Report, ServiceFinding } from "../model/report.js";

/** The risk a service carries, most urgent first: OOM kills, then leaks, then the rest. */
const RISK_ORDER = [
  "oom-kills",
  "memory-leak-suspected",
  "possible-oom",
  "memory-underprovisioned",
  "cpu-saturated",
  "cpu-underprovisioned",
];

const riskRank = (r: Reason): number => {
  const i = RISK_ORDER.indexOf(r.code);
  return i < 0 ? RISK_ORDER.length : i;
};

export function riskOf(s: ServiceFinding): Reason | undefined {
  const risks = s.reasons.filter((r) => r.severity === "risk");
  return risks.length === 0 ? undefined : [...risks].sort((a, b) => riskRank(a) - riskRank(b))[0];
}

export interface RiskItem {
  service: ServiceFinding;
  reason: Reason;
}

/** Services at risk, the most urgent kind first, then by what they cost. */
export function risks(report: Report): RiskItem[] {
  const items = report.services.flatMap((s) => {
    const reason = riskOf(s);
    return reason ? [{ service: s, reason }] : [];
  });
  return items.sort(
    (a, b) => riskRank(a.reason) - riskRank(b.reason) || (b.service.current.monthlyUsd ?? 0) - (a.service.current.monthlyUsd ?? 0),
  );
}

/** Services whose recommendation saves money, biggest first. */
export function topSavings(report: Report): ServiceFinding[] {
  return report.services.filter((s) => (s.savingsMonthlyUsd ?? 0) > 0).sort((a, b) => b.savingsMonthlyUsd! - a.savingsMonthlyUsd!);
}

export function savingsPercent(report: Report): number {
  const t = report.totals;
  return t.currentMonthlyUsd > 0 ? (t.savingsMonthlyUsd / t.currentMonthlyUsd) * 100 : 0;
}

/** "$2,345.67/mo to save (45%) across 40 services · 3 at risk" */
export function headline(report: Report): string {
  const t = report.totals;
  const money =
    t.savingsMonthlyUsd >= 0
      ? `${fmtUsdMonthly(t.savingsMonthlyUsd)} to save (${fmtPct(savingsPercent(report))})`
      : `${fmtUsdMonthly(-t.savingsMonthlyUsd)} more to fix risks`;
  return `${money} across ${plural(t.services, "service")} · ${t.risks} at risk`;
}

/** "demo fleet … · us-east-1 · 2026-11-02 → 2026-11-16 · prices as of 2026-07-20" */
export function sourceLine(report: Report): string {
  const s = report.source;
  return `${s.description ?? `${s.kind} ${s.region}`} · ${s.region} · ${fmtDate(s.window.start)} → ${fmtDate(s.window.end)} · prices as of ${s.prices.asOf}`;
}

/** The money beyond task sizes: autoscaling advice and EC2 packing, when there is any. */
export function extras(report: Report): string[] {
  const t = report.totals;
  const out: string[] = [];
  const scaled = report.services.filter((s) => s.autoscaling && s.autoscaling.action !== "ok").length;
  if (scaled > 0) {
    const net = t.autoscalingSavingsMonthlyUsd;
    out.push(`autoscaling advice for ${plural(scaled, "service")}: ${fmtUsdMonthly(Math.abs(net))} ${net >= 0 ? "less" : "more"}`);
  }
  if (t.ec2PackingSavingsMonthlyUsd > 0)
    out.push(`EC2 hosts packed onto cheaper types: ${fmtUsdMonthly(t.ec2PackingSavingsMonthlyUsd)} less`);
  return out;
}

/** "2048 → 1024", or "2048" when unchanged, "?" when unknown. */
export function change(from: number | null, to: number | undefined): string {
  if (from === null) return "?";
  if (to === undefined || to === from) return String(from);
  return `${from} → ${to}`;
}
