// Accounts and regions in the formats. A report of one account-region reads as it always did; a report of
// several names each service's account-region (as short as tells them apart), adds up each account, and
// names each account-region that could not be collected.
import { type AccountTotals, accountTotals, isMultiScope } from "../advisor/estate.js";
import { fmtUsdMonthly, plural } from "../model/format.js";
import type { Report, Scope } from "../model/report.js";

export { accountTotals, isMultiScope };

/**
 * How a finding's account-region is shown: "" for a one-scope report; the region when every scope is one
 * account; the account when every scope is one region; else "account/region".
 */
export function scopeTagger(
  report: Pick<Report, "scopes">,
  opts: { compact?: boolean } = {},
): (f: { account?: string | null; region?: string | null }) => string {
  if (!isMultiScope(report)) return () => "";
  const scopes = report.scopes ?? [];
  const accounts = [...new Set(scopes.map((s) => s.account ?? "-"))];
  const regions = [...new Set(scopes.filter((s) => s.region !== null).map((s) => s.region!))];
  // Compact (narrow tables): the account's last 4 digits and the region's short code, where they stay distinct.
  const shortAccount = opts.compact && distinct(accounts, (a) => a.slice(-4)) ? (a: string) => `…${a.slice(-4)}` : (a: string) => a;
  const shortRegion = opts.compact && distinct(regions, regionCode) ? regionCode : (r: string) => r;
  const acc = (f: { account?: string | null }) => shortAccount(f.account ?? "-");
  const reg = (f: { region?: string | null }) => (f.region ? shortRegion(f.region) : "*");
  if (accounts.length <= 1) return reg;
  if (regions.length <= 1) return acc;
  return (f) => `${acc(f)}/${reg(f)}`;
}

const distinct = <T>(xs: readonly T[], f: (x: T) => string) => new Set(xs.map(f)).size === xs.length;

const DIRECTIONS: Record<string, string> = { north: "n", south: "s", east: "e", west: "w", central: "c", gov: "g" };

/** "us-east-1" → "use1", "ap-southeast-2" → "apse2", "eu-central-1" → "euc1": the short codes ops teams write. */
export function regionCode(region: string): string {
  const parts = region.split("-");
  if (parts.length < 3) return region;
  const words = parts.slice(1, -1).map((w) => w.replace(/north|south|east|west|central|gov/g, (d) => DIRECTIONS[d]!));
  return `${parts[0]}${words.join("")}${parts.at(-1)}`;
}

/** "web/api", or "eu-west-1 web/api" when the report covers several account-regions. */
export function namer(
  report: Pick<Report, "scopes">,
): (s: { account?: string | null; region?: string | null; cluster: string; service: string }) => string {
  const tag = scopeTagger(report);
  return (s) => {
    const t = tag(s);
    return `${t ? `${t} ` : ""}${s.cluster}/${s.service}`;
  };
}

/** "111111111111" or "(account unknown)". */
export const accountName = (a: string | null): string => a ?? "(account unknown)";

/** The account-regions that could not be collected. */
export const gapsOf = (report: Pick<Report, "scopes">): Scope[] => (report.scopes ?? []).filter((s) => s.status === "gap");

/** "3 services, 2 changes, $1,234/mo now, saves $456/mo (2 regions)": an account's line. */
export function accountLine(t: AccountTotals): string {
  const where = `${plural(t.regions, "region")}${t.gaps ? `, ${t.gaps} not collected` : ""}`;
  if (t.regions === 0) return "not collected";
  return `${plural(t.services, "service")}, ${plural(t.changes, "change")}, ${fmtUsdMonthly(t.nowMonthlyUsd)} now, saves ${fmtUsdMonthly(t.realisableSavingsMonthlyUsd)} (${where})`;
}

/** Accounts by what they save, most first (then by id). */
export function accountsBySavings(report: Pick<Report, "scopes">): AccountTotals[] {
  return accountTotals(report).sort(
    (a, b) => b.realisableSavingsMonthlyUsd - a.realisableSavingsMonthlyUsd || (a.account ?? "").localeCompare(b.account ?? ""),
  );
}
