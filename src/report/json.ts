// `--format json`: the Report JSON v1 contract (docs/report-json.md, schema/report-v1.schema.json).
// Money is rounded to cents here, once; savings are then current − recommended of the rounded figures,
// so the published numbers always add up.
import type { Report } from "../model/report.js";
import { roundCents } from "../model/format.js";
import type { Reporter } from "./options.js";

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
  if (Array.isArray(value)) return value.map((v) => roundDeep(v, key, parent));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = roundDeep(v, k, key);
    return out;
  }
  return value;
}

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
  return out;
}

/** Indented JSON with arrays of plain numbers on one line (usage series stay one line each, not 168). */
export function stringifyCompact(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\n\s*((?:-?[\d.eE+-]+|null)(?:,\n\s*(?:-?[\d.eE+-]+|null))*)\n\s*\]/g, (_, items: string) => `[${items.split(/,\n\s*/).join(", ")}]`);
}

export const renderJson: Reporter = (report) => `${stringifyCompact(toPublishedReport(report))}\n`;
