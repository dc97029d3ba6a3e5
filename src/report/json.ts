// `--format json`: the Report JSON v1 contract (docs/report-json.md, schema/report-v1.schema.json).
// Money is rounded to cents here, once; savings are then current − recommended of the rounded figures,
// so the published numbers always add up.
import type { Report } from "../model/report.js";
import { roundCents } from "../model/format.js";
import type { Reporter } from "./options.js";
import { forTerminal, jsonSafe } from "./text.js";

/** Dollars a month: monthlyUsd, savingsMonthlyUsd, fargateX86MonthlyUsd, … */
const isMonthly = (key: string): boolean => key === "monthlyUsd" || key.endsWith("MonthlyUsd");

const cents = (x: number): number => Math.round(roundCents(x) * 100);
const fromCents = (c: number): number => c / 100;
const round = (x: number, places: number): number => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};

/** Money to cents, per-task hourly prices to 8 decimals, unit prices to 6 digits, other fractions to 3. */
export function roundDeep(value: unknown, key = "", parent = ""): unknown {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value;
    if (isMonthly(key)) return roundCents(value);
    if (parent === "hourlyUsdPerTask") return round(value, 8);
    if (parent === "unitPrices") return Number(value.toPrecision(6));
    return round(value, 3);
  }
  if (Array.isArray(value)) {
    // Series of plain numbers (usage): one rule for the whole array, no recursion per element.
    if (value.length > 0 && typeof value[0] === "number" && !isMonthly(key) && parent !== "hourlyUsdPerTask" && parent !== "unitPrices") {
      return value.map((v) => (typeof v === "number" && !Number.isInteger(v) ? round(v, 3) : roundDeep(v, key, parent)));
    }
    return value.map((v) => roundDeep(v, key, parent));
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = roundDeep(v, k, key);
    return out;
  }
  return value;
}

/**
 * The published report with every string safe to show on a terminal (src/report/text.ts). Every format but
 * JSON starts from it; JSON keeps the data as it is and escapes control characters by itself.
 */
export const toShownReport = (report: Report): Report => forTerminal(toPublishedReport(report));

/** The Report as published: rounded, with savings recomputed from the rounded figures. */
export function toPublishedReport(report: Report): Report {
  const out = roundDeep(report, "", "") as Report;
  for (const s of out.services) {
    if (s.current.monthlyUsd !== null && s.recommended?.monthlyUsd != null) {
      s.savingsMonthlyUsd = fromCents(cents(s.current.monthlyUsd) - cents(s.recommended.monthlyUsd));
    }
  }
  out.totals.savingsMonthlyUsd = fromCents(cents(out.totals.currentMonthlyUsd) - cents(out.totals.recommendedMonthlyUsd));
  for (const c of out.clusters) {
    if (c.packing) c.packing.savingsMonthlyUsd = fromCents(cents(c.packing.current.monthlyUsd) - cents(c.packing.best.monthlyUsd));
  }
  out.totals.autoscalingSavingsMonthlyUsd = fromCents(out.services.reduce((a, s) => a + cents(s.autoscaling?.savingsMonthlyUsd ?? 0), 0));
  out.totals.ec2PackingSavingsMonthlyUsd = fromCents(out.clusters.reduce((a, c) => a + cents(c.packing?.savingsMonthlyUsd ?? 0), 0));
  publishBill(out);
  return out;
}

/** The bill and the levers from the rounded figures they add up, so every published sum holds to the cent. */
function publishBill(out: Report): void {
  const sum = <T>(xs: readonly T[], f: (x: T) => number | null | undefined) => xs.reduce((a, x) => a + cents(f(x) ?? 0), 0);
  const fargate = out.services.filter((s) => s.launchType === "FARGATE");
  for (const c of out.clusters) {
    const ec2 = c.ec2;
    if (!ec2 || ec2.monthlyUsd === null || ec2.servicesMonthlyUsd === null) continue;
    const shares = sum(
      out.services.filter((s) => s.cluster === c.cluster && s.launchType === "EC2"),
      (s) => s.current.monthlyUsd,
    );
    ec2.servicesMonthlyUsd = fromCents(shares);
    ec2.idleMonthlyUsd = fromCents(cents(ec2.monthlyUsd) - shares);
    if (ec2.plan) ec2.plan.savingsMonthlyUsd = fromCents(cents(ec2.monthlyUsd) - cents(ec2.plan.monthlyUsd));
  }
  const t = out.totals;
  const lever = {
    fargateRightsizingMonthlyUsd: sum(fargate, (s) => s.savingsMonthlyUsd),
    ec2HostsMonthlyUsd: sum(out.clusters, (c) => c.ec2?.plan?.savingsMonthlyUsd),
    autoscalingMonthlyUsd: sum(fargate, (s) => s.autoscaling?.savingsMonthlyUsd),
  };
  const fargateNow = sum(fargate, (s) => s.current.monthlyUsd);
  const instances = sum(out.clusters, (c) => c.ec2?.monthlyUsd);
  const realisable = lever.fargateRightsizingMonthlyUsd + lever.ec2HostsMonthlyUsd + lever.autoscalingMonthlyUsd;
  t.fargateMonthlyUsd = fromCents(fargateNow);
  t.ec2InstancesMonthlyUsd = fromCents(instances);
  t.nowMonthlyUsd = fromCents(fargateNow + instances);
  t.ec2IdleMonthlyUsd = fromCents(sum(out.clusters, (c) => c.ec2?.idleMonthlyUsd));
  t.byLever = {
    fargateRightsizingMonthlyUsd: fromCents(lever.fargateRightsizingMonthlyUsd),
    ec2HostsMonthlyUsd: fromCents(lever.ec2HostsMonthlyUsd),
    autoscalingMonthlyUsd: fromCents(lever.autoscalingMonthlyUsd),
  };
  t.realisableSavingsMonthlyUsd = fromCents(realisable);
  t.afterMonthlyUsd = fromCents(fargateNow + instances - realisable);
}

const isNumbers = (v: readonly unknown[]): boolean => {
  for (const x of v) if (typeof x !== "number" && x !== null) return false;
  return v.length > 0;
};

function write(v: unknown, indent: string, out: string[]): void {
  if (v === null || typeof v !== "object") {
    out.push(JSON.stringify(v) ?? "null");
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) out.push("[]");
    // Series of numbers on one line: 168 usage buckets are one line, not 170.
    else if (isNumbers(v))
      out.push(`[${v.map((x: number | null) => (x === null || !Number.isFinite(x) ? "null" : String(x))).join(", ")}]`);
    else {
      out.push("[\n");
      for (let i = 0; i < v.length; i++) {
        out.push(inner);
        write(v[i] === undefined || typeof v[i] === "function" ? null : v[i], inner, out);
        out.push(i < v.length - 1 ? ",\n" : "\n");
      }
      out.push(`${indent}]`);
    }
    return;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== "function");
  if (entries.length === 0) {
    out.push("{}");
    return;
  }
  out.push("{\n");
  entries.forEach(([k, x], i) => {
    out.push(`${inner}${JSON.stringify(k)}: `);
    write(x, inner, out);
    out.push(i < entries.length - 1 ? ",\n" : "\n");
  });
  out.push(`${indent}}`);
}

/**
 * JSON as JSON.stringify(value, null, 2) writes it, except that arrays of plain numbers stay on one
 * line. Written by hand: pretty-printing 5 million numbers one per line and joining them again was
 * most of the time for 10,000 services. Plain data only (no toJSON, no Map).
 */
export function stringifyCompact(value: unknown): string {
  const out: string[] = [];
  write(value, "", out);
  return out.join("");
}

export const renderJson: Reporter = (report) => `${jsonSafe(stringifyCompact(toPublishedReport(report)))}\n`;
