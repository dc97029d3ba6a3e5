// Prices from the AWS Price List Query API (GetProducts, us-east-1 endpoint, filtered by regionCode),
// cached on disk for days; when the API is denied or out of reach, the bundled price book fills in and
// the report says so (aws-facts §6).
import { mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { GetProductsCommand, type Filter } from "@aws-sdk/client-pricing";
import type { Prices } from "../../model/snapshot.js";
import { writeFileAtomically } from "../../write-file.js";
import { isGeneralPurposeCandidate } from "../../advisor/capacity.js";
import { bundledPrices } from "../pricebook.js";
import { AwsCallError, type Aws } from "./clients.js";
import type { AwsFailure } from "./errors.js";
import { mapLimit } from "./limits.js";
import { ec2PriceFrom, fargateRatesFrom, parsePriceItem, type PriceItem } from "./mappers.js";

export const PRICE_CACHE_TTL_DAYS = 7;
const CACHE_VERSION = 1;

/** The user's cache directory: ECS_ADVISOR_CACHE_DIR, else the platform's convention. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.ECS_ADVISOR_CACHE_DIR) return env.ECS_ADVISOR_CACHE_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches", "ecs-advisor");
  if (process.platform === "win32") return join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "ecs-advisor", "Cache");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ecs-advisor");
}

interface CacheFile {
  version: number;
  region: string;
  fargate?: { fetchedAt: string; publicationDate?: string | undefined; rates: Prices["fargate"] } | undefined;
  ec2: Record<string, { fetchedAt: string; price: Prices["ec2"][string] | null }>;
  /** The instance types of each candidate family, as the Price List listed them. */
  catalog?: Record<string, { fetchedAt: string; types: string[] }> | undefined;
}

/**
 * The Price List's instance families that packing draws on: current generation, On-Demand Linux. The
 * advisor narrows them further (isGeneralPurposeCandidate: no burstable, GPU or pre-Nitro types).
 */
export const CANDIDATE_FAMILIES = ["General purpose", "Compute optimized", "Memory optimized"] as const;

export interface PriceOptions {
  region: string;
  instanceTypes: readonly string[];
  /** Also price every current-generation candidate type (for packing an EC2 cluster). */
  catalog?: boolean | undefined;
  nowMs: number;
  cacheDir?: string | undefined;
  refresh?: boolean | undefined;
  ttlDays?: number | undefined;
  /** Prices served through --endpoint-url (an emulator) are cached apart from the real Price List's. */
  viaEndpoint?: boolean | undefined;
}

export interface PriceResult {
  prices: Prices;
  /** What went wrong, said once for the report (e.g. "pricing:GetProducts was denied: …"). */
  issues: Array<{ code: string; message: string }>;
}

const tm = (Field: string, Value: string): Filter => ({ Type: "TERM_MATCH", Field, Value });

async function getProducts(aws: Aws, serviceCode: string, filters: Filter[]): Promise<PriceItem[]> {
  const out: PriceItem[] = [];
  let token: string | undefined;
  do {
    const r = await aws.call("pricing:GetProducts", () =>
      aws.pricing.send(
        new GetProductsCommand({ ServiceCode: serviceCode, Filters: filters, FormatVersion: "aws_v1", MaxResults: 100, NextToken: token }),
      ),
    );
    for (const item of r.PriceList ?? []) {
      const p = parsePriceItem(item);
      if (p) out.push(p);
    }
    token = r.NextToken;
  } while (token);
  return out;
}

function readCache(path: string, region: string): CacheFile {
  try {
    const c = JSON.parse(readFileSync(path, "utf8")) as CacheFile;
    if (c.version === CACHE_VERSION && c.region === region && c.ec2) return c;
  } catch {
    // no cache yet, or unreadable: start a new one
  }
  return { version: CACHE_VERSION, region, ec2: {} };
}

/** One On-Demand price for the type, or none (and an issue) when the Price List has several. */
function ec2PriceOf(items: PriceItem[], instanceType: string, region: string, issues: PriceResult["issues"]) {
  const priced = items.map(ec2PriceFrom).filter((p) => p !== undefined);
  const distinct = new Set(priced.map((p) => p.hourly));
  if (distinct.size > 1) {
    issues.push({
      code: "pricing-ambiguous",
      message: `${priced.length} On-Demand prices for ${instanceType} in ${region}; it is left unpriced`,
    });
  }
  const p = distinct.size === 1 ? priced[0] : undefined;
  return p ? { hourly: p.hourly, vcpu: p.vcpu, memoryMiB: p.memoryMiB, arch: p.arch } : null;
}

function writeCache(dir: string, path: string, cache: CacheFile): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomically(path, `${JSON.stringify(cache)}\n`);
  } catch {
    // A cache that cannot be written only costs the next run some calls.
  }
}

export async function fetchPrices(aws: Aws, opts: PriceOptions): Promise<PriceResult> {
  const ttlMs = (opts.ttlDays ?? PRICE_CACHE_TTL_DAYS) * 86_400_000;
  const dir = opts.cacheDir ?? defaultCacheDir();
  const path = join(dir, `prices-${opts.region}${opts.viaEndpoint ? "-via-endpoint" : ""}.json`);
  const cache = opts.refresh ? { version: CACHE_VERSION, region: opts.region, ec2: {} } : readCache(path, opts.region);
  const fresh = (at: string | undefined) => at !== undefined && opts.nowMs - Date.parse(at) < ttlMs;
  const nowIso = new Date(opts.nowMs).toISOString();
  const issues: PriceResult["issues"] = [];
  let failure: AwsFailure | undefined;
  let fetched = false;

  const attempt = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (failure) return undefined;
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof AwsCallError)) throw e;
      failure = e.failure;
      return undefined;
    }
  };

  if (!fresh(cache.fargate?.fetchedAt)) {
    const items = await attempt(() => getProducts(aws, "AmazonECS", [tm("regionCode", opts.region), tm("productFamily", "Compute")]));
    if (items) {
      fetched = true;
      const rates = fargateRatesFrom(items);
      if (rates) {
        const { publicationDate, ...r } = rates;
        cache.fargate = { fetchedAt: nowIso, publicationDate, rates: r };
      } else {
        issues.push({ code: "pricing-incomplete", message: `the Price List has no Fargate rates for ${opts.region}` });
      }
    }
  }
  const catalogTypes = opts.catalog ? await readCatalog(aws, opts.region, cache, { fresh, nowIso, attempt }) : [];
  if (catalogTypes.length > 0) fetched = true;
  const missingTypes = opts.instanceTypes.filter((t) => !fresh(cache.ec2[t]?.fetchedAt));
  await mapLimit(missingTypes, 4, async (instanceType) => {
    const items = await attempt(() =>
      getProducts(aws, "AmazonEC2", [
        tm("instanceType", instanceType),
        tm("regionCode", opts.region),
        tm("operatingSystem", "Linux"),
        tm("tenancy", "Shared"),
        tm("preInstalledSw", "NA"),
        tm("capacitystatus", "Used"),
        tm("licenseModel", "No License required"),
      ]),
    );
    if (!items) return;
    fetched = true;
    cache.ec2[instanceType] = { fetchedAt: nowIso, price: ec2PriceOf(items, instanceType, opts.region, issues) };
  });
  if (fetched && !failure) writeCache(dir, path, cache);

  const bundled = bundledPrices();
  const fallbackNote = `the bundled ${bundled.region} price book (${bundled.asOf})`;
  if (failure) {
    issues.push({
      code: "pricing-unavailable",
      message:
        failure.kind === "access-denied"
          ? `pricing:GetProducts was denied, so prices come from ${fallbackNote}`
          : `the AWS Price List API could not be reached (${failure.message}), so missing prices come from ${fallbackNote}`,
    });
  }
  const ec2: Prices["ec2"] = {};
  for (const t of opts.catalog ? new Set([...catalogTypes, ...opts.instanceTypes]) : opts.instanceTypes) {
    const c = cache.ec2[t]?.price;
    if (c) ec2[t] = c;
    else if (failure && bundled.ec2[t]) ec2[t] = bundled.ec2[t]!;
  }
  if (opts.catalog && CANDIDATE_FAMILIES.some((f) => !cache.catalog?.[f])) issues.push(bundledCandidates(ec2, opts.region));
  if (cache.fargate) {
    const cachedAt = cache.fargate.fetchedAt.slice(0, 10);
    return {
      prices: {
        currency: "USD",
        region: opts.region,
        source: `AWS Price List API (GetProducts) for ${opts.region}${cache.fargate.publicationDate ? `, published ${cache.fargate.publicationDate.slice(0, 10)}` : ""}, retrieved ${cachedAt}${failure ? `; some from ${fallbackNote}` : ""}`,
        asOf: (cache.fargate.publicationDate ?? cache.fargate.fetchedAt).slice(0, 10),
        fargate: cache.fargate.rates,
        ec2,
      },
      issues,
    };
  }
  return {
    prices: { ...bundled, source: `${bundled.source} (the Price List API gave no rates)`, ec2 },
    issues: issues.length
      ? issues
      : [{ code: "pricing-unavailable", message: `no Fargate rates from the Price List API: prices come from ${fallbackNote}` }],
  };
}

/** No catalogue from the Price List: pack onto the bundled book's candidates, and say whose prices they are. */
function bundledCandidates(ec2: Prices["ec2"], region: string): { code: string; message: string } {
  const bundled = bundledPrices();
  for (const [t, p] of Object.entries(bundled.ec2)) if (!ec2[t] && isGeneralPurposeCandidate(t)) ec2[t] = p;
  return {
    code: "pricing-candidates-bundled",
    message: `packing candidates beyond the cluster's own instance types are priced from the bundled ${bundled.region} price book (${bundled.asOf})${region === bundled.region ? "" : `, not ${region}'s prices`}`,
  };
}

/**
 * Every current-generation type of the candidate families in the region, priced and cached (a few
 * paged GetProducts calls per family, once a week): the types packing may choose from. Types whose
 * price the Price List gives ambiguously are left out without a word (they are not the cluster's own).
 */
async function readCatalog(
  aws: Aws,
  region: string,
  cache: CacheFile,
  x: {
    fresh: (at: string | undefined) => boolean;
    nowIso: string;
    attempt: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  },
): Promise<string[]> {
  const types = new Set<string>();
  for (const family of CANDIDATE_FAMILIES) {
    const known = cache.catalog?.[family];
    if (known && x.fresh(known.fetchedAt)) {
      for (const t of known.types) types.add(t);
      continue;
    }
    const items = await x.attempt(() =>
      getProducts(aws, "AmazonEC2", [
        tm("regionCode", region),
        tm("operatingSystem", "Linux"),
        tm("tenancy", "Shared"),
        tm("preInstalledSw", "NA"),
        tm("capacitystatus", "Used"),
        tm("licenseModel", "No License required"),
        tm("currentGeneration", "Yes"),
        tm("instanceFamily", family),
      ]),
    );
    if (!items) continue;
    const byType = new Map<string, PriceItem[]>();
    for (const item of items) {
      const t = item.attributes.instanceType;
      if (t) byType.set(t, [...(byType.get(t) ?? []), item]);
    }
    const listed: string[] = [];
    for (const [t, its] of byType) {
      const price = ec2PriceOf(its, t, region, []);
      if (!price) continue;
      cache.ec2[t] = { fetchedAt: x.nowIso, price };
      listed.push(t);
      types.add(t);
    }
    cache.catalog = { ...cache.catalog, [family]: { fetchedAt: x.nowIso, types: listed.sort() } };
  }
  return [...types].filter(isGeneralPurposeCandidate);
}
