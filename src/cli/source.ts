// Where a run's data comes from: the embedded demo fleet or a snapshot file. Prices ride along in the
// snapshot; when a snapshot has none, the bundled us-east-1 price book fills in, and the report says so.
import { UserError } from "../errors.js";
import { deepFreeze } from "../freeze.js";
import type { Report } from "../model/report.js";
import type { Estate, Gap, Prices, Snapshot } from "../model/snapshot.js";
import { assetPath } from "../collect/assets.js";
import { readEstateInputs, readSnapshotFile } from "../collect/file.js";
import { bundledPrices } from "../collect/pricebook.js";
import { validateUtilization } from "../collect/validate.js";
import { resolve } from "node:path";
import { adviseEstate, type EstatePart } from "../advisor/estate.js";
import type { Policy } from "../advisor/policy.js";
import { packageVersion } from "../collect/assets.js";
import { generatedAt, type Io } from "./io.js";
import { collectOptionsFrom, type LiveFlags, targetsFrom } from "./live-options.js";

export interface SourceOptions extends Partial<LiveFlags> {
  demo?: boolean | undefined;
  /** Snapshot files or folders of them (report reads many; the other commands one). */
  snapshot?: string | readonly string[] | undefined;
  /** Live options that have a default but were typed (--lookback, --max-duration): refused with saved data too. */
  typed?: readonly string[] | undefined;
  /** A live run reads memory's Average only when the policy sizes memory from it (default: it does). */
  memoryAverage?: boolean | undefined;
}

export interface LoadedSource {
  /** Each account-region with its prices and warnings (one for the demo and a one-account run). */
  parts: EstatePart[];
  /** Account-regions that could not be collected. */
  gaps: Gap[];
  /** The first account-region: what commands that read one use (see oneScope). */
  snapshot: Snapshot;
  prices: Prices;
  warnings: Report["warnings"];
  kind: Report["source"]["kind"];
  /** Files read, so --out can refuse to overwrite them. */
  inputs: string[];
}

export const DEMO_SNAPSHOT = ["assets", "demo", "demo-snapshot.json.gz"] as const;

const LIVE_FLAGS = [
  "region",
  "profile",
  "roleArn",
  "accounts",
  "organization",
  "externalId",
  "concurrency",
  "cluster",
  "service",
  "endpointUrl",
  "refreshPrices",
] as const;
const flagName = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Demo, snapshot file, or (neither given) live collection from AWS. */
export async function loadSource(opts: SourceOptions, io?: Io): Promise<LoadedSource> {
  if (opts.demo && opts.snapshot) {
    throw new UserError("--demo and --snapshot both given", "use one: --demo for the embedded demo fleet, or --snapshot FILE");
  }
  const live = [...LIVE_FLAGS.filter((k) => opts[k] !== undefined), ...(opts.typed ?? [])];
  if ((opts.demo || opts.snapshot) && live.length) {
    throw new UserError(
      `${flagName(live[0]!)} reads from AWS, but ${opts.demo ? "--demo" : "--snapshot"} was given too`,
      "drop one: --demo/--snapshot read saved data; the live options read AWS",
    );
  }
  if (!io) throw new Error("loading a source needs the process environment");
  if (opts.demo || opts.snapshot) return loadSaved(opts, io.cwd);
  // The AWS SDK is loaded only by runs that talk to AWS: --demo, --snapshot and calc start without it.
  const collectOptions = { ...collectOptionsFrom(opts as LiveFlags, io), memoryAverage: opts.memoryAverage ?? true };
  const targets = targetsFrom(opts as LiveFlags);
  const { isEstateRun, collectEstate } = await import("../collect/aws/estate.js");
  if (isEstateRun(targets)) return fromEstate((await collectEstate(collectOptions, targets)).estate, "aws", []);
  const { collectSnapshot } = await import("../collect/aws/collect.js");
  return fromEstate({ parts: [(await collectSnapshot(collectOptions)).snapshot], gaps: [] }, "aws", []);
}

/** For commands that read one account-region (check, export, apply): the source's only one, or one clear line. */
export function oneScope(source: LoadedSource, command: string): LoadedSource {
  if (source.parts.length === 1 && source.gaps.length === 0) return source;
  throw new UserError(
    `${command} reads one account-region; this source holds ${source.parts.length}${source.gaps.length ? ` and ${source.gaps.length} not collected` : ""}`,
    `run ${command} for one at a time (one --region and --profile, or one account's snapshot); \`ecs-advisor report\` reads many`,
  );
}

/** The advice on a loaded source, as every command makes it: the run's clock, the tool's version, the source's warnings. */
export function adviseSource(source: LoadedSource, policy: Policy, io: Io): Report {
  return adviseEstate({
    parts: source.parts,
    gaps: source.gaps,
    policy,
    generatedAt: generatedAt(io),
    sourceKind: source.kind,
    toolVersion: packageVersion(),
  });
}

/** The demo fleet or a snapshot file (a relative path is from `cwd`). */
export function loadSaved(opts: Pick<SourceOptions, "demo" | "snapshot">, cwd: string): LoadedSource {
  if (opts.snapshot) {
    const paths = typeof opts.snapshot === "string" ? [opts.snapshot] : opts.snapshot;
    const { estate, inputs } = readEstateInputs(paths, (p) => resolve(cwd, p));
    if (!estate.parts.length)
      throw new UserError(`${paths.join(", ")}: no account-region in it was collected`, "collect again; the gaps say what went wrong");
    return fromEstate(estate, estate.parts.every((p) => p.source.kind === "aws") ? "aws" : "snapshot", inputs);
  }
  demo ??= deepFreeze(readSnapshotFile(assetPath(...DEMO_SNAPSHOT)));
  return fromEstate({ parts: [demo], gaps: [] }, "demo", []);
}

/** Each account-region with the prices it is advised with (the bundled book where it carries none) and why. */
export const partsOf = (estate: Estate): EstatePart[] => estate.parts.map(withPrices);

function fromEstate(estate: Estate, kind: LoadedSource["kind"], inputs: string[]): LoadedSource {
  const parts = partsOf(estate);
  return { parts, gaps: estate.gaps, snapshot: parts[0]!.snapshot, prices: parts[0]!.prices, warnings: parts[0]!.warnings, kind, inputs };
}

/** The demo fleet never changes: it is read once per process (frozen, so nothing can change it either). */
let demo: Snapshot | undefined;

function withPrices(loaded: Snapshot): EstatePart {
  const warnings: Report["warnings"] = [];
  // Impossible utilization is left out here, whatever the source; the services it touched say so.
  const { snapshot, issues } = validateUtilization(loaded);
  for (const i of issues) warnings.push({ code: i.code, message: `${i.services?.join(", ")}: ${i.message}` });
  let prices = snapshot.prices;
  // An account-region with no services costs nothing: which book would price it does not matter.
  if (!prices && snapshot.services.length === 0) return { snapshot, prices: bundledPrices(), warnings };
  if (!prices) {
    prices = bundledPrices();
    warnings.push({
      code: "bundled-prices",
      message: `the snapshot carries no prices: using the bundled ${prices.region} price book (as of ${prices.asOf})`,
    });
  }
  if (prices.region !== snapshot.source.region) {
    warnings.push({
      code: "price-region-mismatch",
      message: `prices are for ${prices.region} but the snapshot is from ${snapshot.source.region}: dollar figures are approximate`,
    });
  }
  return { snapshot, prices, warnings };
}
