// What every human-facing format says first: the headline, the risks, the biggest savings. One place, so
// the terminal, Markdown, Slack and HTML never disagree. Works on the published (rounded) Report.
import { fmtDate, fmtPct, fmtUsd, fmtUsdMonthly, plural } from "../model/format.js";
import type { ClusterFinding, Reason, Report, ServiceFinding } from "../model/report.js";

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

/** The headline's saving as a share of the bill now. */
export function savingsPercent(report: Report): number {
  const t = report.totals;
  return t.nowMonthlyUsd > 0 ? (t.realisableSavingsMonthlyUsd / t.nowMonthlyUsd) * 100 : 0;
}

/** "$2,345.67/mo to save (45%) across 40 services · 3 at risk": the levers' sum, against the bill. */
export function headline(report: Report): string {
  const t = report.totals;
  const save = t.realisableSavingsMonthlyUsd;
  const money =
    save >= 0 ? `${fmtUsdMonthly(save)} to save (${fmtPct(savingsPercent(report))})` : `${fmtUsdMonthly(-save)} more to fix risks`;
  return `${money} across ${plural(t.services, "service")} · ${t.risks} at risk`;
}

/** "now $5,779.24/mo: Fargate tasks $3,665.16 + EC2 instances $2,114.08 (idle $638.05)" — the bill. */
export function billLine(report: Report): string {
  const t = report.totals;
  const parts = [
    t.fargateMonthlyUsd > 0 || t.ec2InstancesMonthlyUsd === 0 ? `Fargate tasks ${fmtUsd(t.fargateMonthlyUsd)}` : undefined,
    t.ec2InstancesMonthlyUsd > 0
      ? `EC2 instances ${fmtUsd(t.ec2InstancesMonthlyUsd)}${t.ec2IdleMonthlyUsd > 0 ? ` (idle ${fmtUsd(t.ec2IdleMonthlyUsd)})` : ""}`
      : undefined,
  ].filter(Boolean);
  return `now ${fmtUsdMonthly(t.nowMonthlyUsd)}: ${parts.join(" + ")}`;
}

/** Each lever with money in it: "Fargate right-sizing $1,446.76", "EC2 hosts $795.70", "autoscaling $146.74". */
export function levers(report: Report): string[] {
  const l = report.totals.byLever;
  const signed = (x: number) => (x >= 0 ? fmtUsd(x) : `−${fmtUsd(-x)}`);
  return [
    ["Fargate right-sizing", l.fargateRightsizingMonthlyUsd],
    ["EC2 hosts", l.ec2HostsMonthlyUsd],
    ["autoscaling", l.autoscalingMonthlyUsd],
  ]
    .filter(([, x]) => x !== 0)
    .map(([name, x]) => `${name} ${signed(x as number)}`);
}

/** "$2,389.20/mo less (41%): Fargate right-sizing $1,446.76 + EC2 hosts $795.70 + autoscaling $146.74" */
export function leversLine(report: Report): string {
  const t = report.totals;
  const save = t.realisableSavingsMonthlyUsd;
  const what = levers(report);
  return `${fmtUsdMonthly(Math.abs(save))} ${save >= 0 ? "less" : "more"} (${fmtPct(Math.abs(savingsPercent(report)))})${what.length ? `: ${what.join(" + ")}` : ""}`;
}

/**
 * What the EC2 hosts lever stands for, once: the EC2 services' own savings and autoscaling advice, which
 * only fewer or cheaper hosts turn into money, and the plan that does it.
 */
export function ec2LeverNote(report: Report): string | undefined {
  const ec2 = report.services.filter((s) => s.launchType === "EC2");
  const own = ec2.reduce((a, s) => a + (s.savingsMonthlyUsd ?? 0), 0);
  const scaling = ec2.reduce((a, s) => a + (s.autoscaling?.savingsMonthlyUsd ?? 0), 0);
  const plans = report.clusters.filter((c) => c.ec2?.plan);
  if (plans.length === 0) return undefined;
  const how = plans
    .map((c) => {
      const plan = c.ec2!.plan!;
      const hosts =
        plan.from === "packing" && c.packing
          ? Object.entries(c.packing.best.instanceTypes)
              .map(([type, n]) => `${n} × ${type}`)
              .join(" + ")
          : `${c.hostScaling?.hosts.desired} × ${c.hostScaling?.hosts.instanceType}`;
      return `${c.cluster} on ${hosts} (${fmtUsdMonthly(plan.monthlyUsd)} vs ${fmtUsdMonthly(c.ec2!.monthlyUsd ?? 0)} now)`;
    })
    .join("; ");
  const included = [
    own !== 0 ? `the EC2 services' own savings (${fmtUsd(own)})` : "",
    scaling !== 0 ? `their autoscaling (${fmtUsd(scaling)})` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return `EC2 hosts: ${how}${included ? `; this is how ${included} become real, so they are not added again` : ""}`;
}

/** "demo fleet … · us-east-1 · 2026-11-02 → 2026-11-16 · prices as of 2026-07-20" */
export function sourceLine(report: Report): string {
  const s = report.source;
  return `${s.description ?? `${s.kind} ${s.region}`} · ${s.region} · ${fmtDate(s.window.start)} → ${fmtDate(s.window.end)} · prices as of ${s.prices.asOf}`;
}

/** A cluster's money, the same everywhere: Fargate services; EC2 instances = services + idle. */
export function clusterMoney(c: ClusterFinding): string {
  const e = c.ec2;
  if (!e) return fmtUsdMonthly(c.servicesMonthlyUsd);
  if (e.monthlyUsd === null) return `${plural(e.instances, "instance")}, unpriced`;
  const fargate = c.servicesMonthlyUsd - (e.servicesMonthlyUsd ?? 0);
  return (
    `${plural(e.instances, "instance")} ${fmtUsdMonthly(e.monthlyUsd)} = services ${fmtUsd(e.servicesMonthlyUsd ?? 0)} + idle ${fmtUsd(e.idleMonthlyUsd ?? 0)}` +
    (fargate > 0.005 ? `; Fargate services ${fmtUsdMonthly(fargate)}` : "")
  );
}

/** "2048 → 1024", or "2048" when unchanged, "?" when unknown. */
export function change(from: number | null, to: number | undefined): string {
  if (from === null) return "?";
  if (to === undefined || to === from) return String(from);
  return `${from} → ${to}`;
}
