// Where a run's data comes from: the embedded demo fleet or a snapshot file. Prices ride along in the
// snapshot; when a snapshot has none, the bundled us-east-1 price book fills in, and the report says so.
import { UserError } from "../errors.js";
import type { Report } from "../model/report.js";
import type { Prices, Snapshot } from "../model/snapshot.js";
import { assetPath } from "../collect/assets.js";
import { readSnapshotFile } from "../collect/file.js";
import { bundledPrices } from "../collect/pricebook.js";

export interface SourceOptions {
  demo?: boolean | undefined;
  snapshot?: string | undefined;
}

export interface LoadedSource {
  snapshot: Snapshot;
  prices: Prices;
  kind: Report["source"]["kind"];
  warnings: Report["warnings"];
  /** Files read, so --out can refuse to overwrite them. */
  inputs: string[];
}

export const DEMO_SNAPSHOT = ["fixtures", "demo", "demo-snapshot.json.gz"] as const;

export function loadSource(opts: SourceOptions): LoadedSource {
  if (opts.demo && opts.snapshot) {
    throw new UserError("--demo and --snapshot both given", "use one: --demo for the embedded demo fleet, or --snapshot FILE");
  }
  let snapshot: Snapshot;
  let kind: LoadedSource["kind"];
  const inputs: string[] = [];
  if (opts.snapshot) {
    snapshot = readSnapshotFile(opts.snapshot);
    kind = snapshot.source.kind === "aws" ? "aws" : "snapshot";
    inputs.push(opts.snapshot);
  } else if (opts.demo) {
    snapshot = readSnapshotFile(assetPath(...DEMO_SNAPSHOT));
    kind = "demo";
  } else {
    throw new UserError(
      "no data to report on",
      "use --demo for the embedded demo fleet, or --snapshot FILE for a snapshot (live AWS collection is not in this version yet)",
    );
  }
  const warnings: Report["warnings"] = [];
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
