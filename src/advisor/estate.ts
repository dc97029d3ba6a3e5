// Many account-regions in one report. Each account-region is advised on its own (its own prices, window,
// clusters and hosts: nothing is shared across accounts or regions), then the reports are put side by side:
// every dollar total is the sum of the account-regions', services are ranked together, each warning says
// which account-region it is about, and the ones that could not be collected are named as gaps. Pure.
import type { Report, Scope } from "../model/report.js";
import { type Gap, type Prices, type Snapshot, scopeName } from "../model/snapshot.js";
import { advise, bySavings } from "./advise.js";
import type { Policy } from "./policy.js";

export interface EstatePart {
  snapshot: Snapshot;
  prices: Prices;
  /** Warnings found on the way in for this part (e.g. its prices are the bundled book's). */
  warnings: Report["warnings"];
}

export interface AdviseEstateInput {
  parts: readonly EstatePart[];
  gaps: readonly Gap[];
  policy: Policy;
  generatedAt: string;
  sourceKind: Report["source"]["kind"];
  toolVersion: string;
}

/** null (unknown) first, then by text. */
const byText = (a: string | null | undefined, b: string | null | undefined) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);
const byScope = (a: { account?: string | null; region?: string | null }, b: { account?: string | null; region?: string | null }) =>
  byText(a.account, b.account) || byText(a.region, b.region);

export function adviseEstate(input: AdviseEstateInput): Report {
  const { parts, gaps } = input;
  if (parts.length === 0) throw new Error("adviseEstate needs at least one collected account-region");
  const one = (p: EstatePart) =>
    advise({
      snapshot: p.snapshot,
      prices: p.prices,
      policy: input.policy,
      generatedAt: input.generatedAt,
      sourceKind: input.sourceKind,
      toolVersion: input.toolVersion,
      warnings: p.warnings,
    });
  if (parts.length === 1 && gaps.length === 0) return one(parts[0]!);
  const ordered = [...parts].sort((a, b) =>
    byScope(
      { account: a.snapshot.source.accountId, region: a.snapshot.source.region },
      { account: b.snapshot.source.accountId, region: b.snapshot.source.region },
    ),
  );
  return mergeReports(ordered.map(one), gaps);
}

/** Sum two objects of numbers, field by field (the report's totals, byLever within them). */
function addTotals<T>(a: T, b: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
    const w = (b as Record<string, unknown>)[k];
    out[k] = typeof v === "number" ? v + (w as number) : addTotals(v, w);
  }
  return out as T;
}

/** The totals a scope and an account carry, at zero: a gap's, and an account's before its scopes are added. */
const SCOPE_TOTALS = ["services", "changes", "risks", "nowMonthlyUsd", "realisableSavingsMonthlyUsd", "afterMonthlyUsd"] as const;
type ScopeTotals = Record<(typeof SCOPE_TOTALS)[number], number>;
const zeroTotals = (): ScopeTotals => Object.fromEntries(SCOPE_TOTALS.map((k) => [k, 0])) as ScopeTotals;

export function gapScope(g: Gap): Scope {
  return {
    account: g.account,
    region: g.region,
    ...(g.label ? { label: g.label } : {}),
    status: "gap",
    gap: { code: g.code, message: g.message },
    collectedAt: null,
    ...zeroTotals(),
    prices: null,
  };
}

/** "333333333333 (every region)", "111111111111/eu-west-1": a gap as warnings name it. */
export const gapLabel = (g: Pick<Gap, "account" | "region">) =>
  g.region === null ? `${g.account ?? "an account"} (every region)` : scopeName(g.account, g.region);

/** Reports of separate account-regions (each from advise) and the gaps, as one report. */
export function mergeReports(reports: readonly Report[], gaps: readonly Gap[]): Report {
  const first = reports[0]!;
  const scopes = [...reports.flatMap((r) => r.scopes ?? []), ...gaps.map(gapScope)].sort(byScope);
  const label = (s: { account?: string | null; region?: string | null }) => scopeName(s.account, s.region);
  const warnings: Report["warnings"] = [];
  for (const r of reports) {
    const where = label(r.scopes?.[0] ?? { region: r.source.region });
    for (const w of r.warnings) warnings.push({ code: w.code, message: `${where}: ${w.message}` });
  }
  for (const g of [...gaps].sort(byScope))
    warnings.push({
      code: "gap",
      message: `${g.label ? `${g.label} (${gapLabel(g)})` : gapLabel(g)} was not collected: ${g.message}; the report covers the rest`,
    });
  const distinct = <T>(xs: T[]) => [...new Set(xs)];
  const accounts = distinct(scopes.map((s) => s.account).filter((a): a is string => a !== null)).sort();
  const regions = distinct(scopes.map((s) => s.region).filter((r): r is string => r !== null)).sort();
  const priceSources = distinct(
    reports.map((r) => `${r.source.prices.source}\u0000${r.source.prices.asOf}\u0000${r.source.prices.region}`),
  );
  const windows = reports.map((r) => r.source.window);
  const collectedRegions = distinct(reports.map((r) => r.source.region));
  return {
    schemaVersion: first.schemaVersion,
    generatedAt: first.generatedAt,
    tool: first.tool,
    source: {
      kind: first.source.kind,
      region: collectedRegions.length === 1 ? collectedRegions[0]! : "multiple",
      accounts,
      regions,
      collectedAt: reports.map((r) => r.source.collectedAt).sort()[0]!,
      description: `${reports.length} account-region${reports.length === 1 ? "" : "s"} (${accounts.length} account${accounts.length === 1 ? "" : "s"}, ${regions.length} region${regions.length === 1 ? "" : "s"})${gaps.length ? `, ${gaps.length} not collected` : ""}`,
      window: {
        start: windows.map((w) => w.start).sort()[0]!,
        end: windows
          .map((w) => w.end)
          .sort()
          .at(-1)!,
        periodSeconds: Math.max(...windows.map((w) => w.periodSeconds)),
        sourcePeriodSeconds: Math.max(...windows.map((w) => w.sourcePeriodSeconds)),
      },
      prices:
        priceSources.length === 1
          ? first.source.prices
          : {
              source: "each account-region's own (see scopes)",
              asOf: reports.map((r) => r.source.prices.asOf).sort()[0]!,
              region: "multiple",
              currency: "USD",
            },
    },
    policy: first.policy,
    totals: reports.slice(1).reduce((a, r) => addTotals(a, r.totals), first.totals),
    services: reports.flatMap((r) => r.services).sort((a, b) => bySavings(a, b) || byScope(a, b)),
    clusters: reports.flatMap((r) => r.clusters),
    warnings,
    scopes,
  };
}

/** Per account: the account-regions' totals added up (the formats' per-account lines). Gaps count as regions not collected. */
export interface AccountTotals extends ScopeTotals {
  account: string | null;
  regions: number;
  gaps: number;
}

export function accountTotals(report: Pick<Report, "scopes">): AccountTotals[] {
  const out = new Map<string | null, AccountTotals>();
  for (const s of report.scopes ?? []) {
    const t = out.get(s.account) ?? { account: s.account, regions: 0, gaps: 0, ...zeroTotals() };
    if (s.status === "gap") t.gaps++;
    else t.regions++;
    for (const k of SCOPE_TOTALS) t[k] += s[k];
    out.set(s.account, t);
  }
  return [...out.values()];
}

/** More than one account-region (or a gap): the formats show the account and region of each service. */
export const isMultiScope = (report: Pick<Report, "scopes">): boolean => (report.scopes?.length ?? 1) > 1;
