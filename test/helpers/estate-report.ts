// A report of several account-regions built from the demo fleet: the demo as account 123456789012 in
// us-east-1, its first ten services as 210987654321 in eu-west-1 (the same cluster names, on purpose), and
// an account whose role could not be assumed. Frozen, one per process, like demoReport().
import { adviseEstate } from "../../src/advisor/estate.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { loadSaved, partsOf } from "../../src/cli/source.js";
import { deepFreeze } from "../../src/freeze.js";
import type { Report } from "../../src/model/report.js";
import type { Estate, Snapshot } from "../../src/model/snapshot.js";

export const OTHER_ACCOUNT = "210987654321";
export const DENIED_ACCOUNT = "333333333333";

export function demoEstate(): Estate {
  const demo = loadSaved({ demo: true }, process.cwd()).snapshot;
  const names = new Set(demo.services.slice(0, 10).map((s) => s.name));
  const other: Snapshot = {
    ...demo,
    source: { ...demo.source, accountId: OTHER_ACCOUNT, region: "eu-west-1", description: "the other account" },
    services: demo.services.filter((s) => names.has(s.name)),
    clusters: demo.clusters.filter((c) => demo.services.some((s) => names.has(s.name) && s.cluster === c.name)),
    // Its EC2 hosts stay in us-east-1's copy only: eu-west-1 runs Fargate alone here.
    containerInstances: [],
  };
  return {
    parts: [demo, other],
    gaps: [
      {
        account: DENIED_ACCOUNT,
        region: null,
        code: "access-denied",
        message: `sts:AssumeRole on arn:aws:iam::${DENIED_ACCOUNT}:role/EcsAdvisorReadOnly failed (not authorized)`,
      },
    ],
  };
}

let cached: Report | undefined;

export function estateReport(): Report {
  cached ??= deepFreeze(
    adviseEstate({
      ...(({ parts, gaps }) => ({ parts: partsOf({ parts, gaps }), gaps }))(demoEstate()),
      policy: DEFAULT_POLICY,
      generatedAt: "2026-11-22T00:00:00Z",
      sourceKind: "snapshot",
      toolVersion: "0.1.0",
    }),
  );
  return cached;
}
