// Where a run's data comes from: the embedded demo fleet or a snapshot file. Prices ride along in the
// snapshot; when a snapshot has none, the bundled us-east-1 price book fills in, and the report says so.
import { UserError } from "../errors.js";
import { deepFreeze } from "../freeze.js";
import type { Report } from "../model/report.js";
import type { Prices, Snapshot } from "../model/snapshot.js";
import { assetPath } from "../collect/assets.js";
import { readSnapshotFile } from "../collect/file.js";
import { bundledPrices } from "../collect/pricebook.js";
import { validateUtilization } from "../collect/validate.js";
import { resolve } from "node:path";
import { advise } from "../advisor/advise.js";
import type { Policy } from "../advisor/policy.js";
import { packageVersion } from "../collect/assets.js";
import { generatedAt, type Io } from "./io.js";
import { collectOptionsFrom, type LiveFlags } from "./live-options.js";

export interface SourceOptions extends Partial<LiveFlags> {
  demo?: boolean | undefined;
  snapshot?: string | undefined;
  /** Live options that have a default but were typed (--lookback, --max-duration): refused with saved data too. */
  typed?: readonly string[] | undefined;
  /** A live run reads memory's Average only when the policy sizes memory from it (default: it does). */
  memoryAverage?: boolean | undefined;
}

export interface LoadedSource {
  snapshot: Snapshot;
  prices: Prices;
  kind: Report["source"]["kind"];
  warnings: Report["warnings"];
  /** Files read, so --out can refuse to overwrite them. */
  inputs: string[];
}

export const DEMO_SNAPSHOT = ["assets", "demo", "demo-snapshot.json.gz"] as const;

const LIVE_FLAGS = ["region", "profile", "cluster", "service", "endpointUrl", "refreshPrices"] as const;
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
  const { collectSnapshot } = await import("../collect/aws/collect.js");
  const collectOptions = { ...collectOptionsFrom(opts as LiveFlags, io), memoryAverage: opts.memoryAverage ?? true };
  return withPrices((await collectSnapshot(collectOptions)).snapshot, "aws", []);
}

/** The advice on a loaded source, as every command makes it: the run's clock, the tool's version, the source's warnings. */
export function adviseSource(source: LoadedSource, policy: Policy, io: Io): Report {
  return advise({
    snapshot: source.snapshot,
    prices: source.prices,
    policy,
    generatedAt: generatedAt(io),
    sourceKind: source.kind,
    toolVersion: packageVersion(),
    warnings: source.warnings,
  });
}

/** The demo fleet or a snapshot file (a relative path is from `cwd`). */
export function loadSaved(opts: Pick<SourceOptions, "demo" | "snapshot">, cwd: string): LoadedSource {
  if (opts.snapshot) {
    const snapshot = readSnapshotFile(resolve(cwd, opts.snapshot), opts.snapshot);
    return withPrices(snapshot, snapshot.source.kind === "aws" ? "aws" : "snapshot", [opts.snapshot]);
  }
  demo ??= deepFreeze(readSnapshotFile(assetPath(...DEMO_SNAPSHOT)));
  return withPrices(demo, "demo", []);
}

/** The demo fleet never changes: it is read once per process (frozen, so nothing can change it either). */
let demo: Snapshot | undefined;

function withPrices(loaded: Snapshot, kind: LoadedSource["kind"], inputs: string[]): LoadedSource {
  const warnings: Report["warnings"] = [];
  // Impossible utilization is left out here, whatever the source; the services it touched say so.
  const { snapshot, issues } = validateUtilization(loaded);
  for (const i of issues) warnings.push({ code: i.code, message: `${i.services?.join(", ")}: ${i.message}` });
  let prices = snapshot.prices;
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
  return { snapshot, prices, kind, warnings, inputs };
}
