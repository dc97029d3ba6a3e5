import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { loadSaved } from "../../src/cli/source.js";
import { deepFreeze } from "../../src/freeze.js";
import type { Report } from "../../src/model/report.js";

let cached: Report | undefined;

/**
 * The demo fleet's report with a fixed generatedAt, as `report --demo` makes it. One per process, shared
 * by the test files a worker runs (vitest.config.ts), so it is frozen: a test or a reporter that changed
 * it would fail at once instead of changing what other tests see.
 */
export function demoReport(): Report {
  if (cached) return cached;
  const src = loadSaved({ demo: true }, process.cwd());
  cached = deepFreeze(
    advise({
      snapshot: src.snapshot,
      prices: src.prices,
      policy: DEFAULT_POLICY,
      generatedAt: "2026-11-22T00:00:00Z",
      sourceKind: "demo",
      toolVersion: "0.1.0",
      warnings: src.warnings,
    }),
  );
  return cached;
}
