import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { loadSaved } from "../../src/cli/source.js";
import type { Report } from "../../src/model/report.js";

let cached: Report | undefined;

/** The demo fleet's report with a fixed generatedAt, as `report --demo` makes it. */
export function demoReport(): Report {
  if (cached) return cached;
  const src = loadSaved({ demo: true }, process.cwd());
  cached = advise({
    snapshot: src.snapshot,
    prices: src.prices,
    policy: DEFAULT_POLICY,
    generatedAt: "2026-11-22T00:00:00Z",
    sourceKind: "demo",
    toolVersion: "0.1.0",
    warnings: src.warnings,
  });
  return cached;
}
