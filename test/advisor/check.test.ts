// `check` on the task definitions in fixtures/taskdefs/, against the demo fleet's usage. Each verdict is
// worked out by hand from the demo report (test/golden/report-demo.json) and the prices of aws-facts §1.2.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkTaskDefinitions, DEFAULT_CHECK_POLICY, ruleSeverity, type CheckPolicy } from "../../src/advisor/check.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { loadSaved } from "../../src/cli/source.js";
import { readTaskDefinitionFile } from "../../src/collect/taskdef-file.js";
import type { CheckResult } from "../../src/model/check.js";
import { toPublishedCheck } from "../../src/report/check.js";
import { ROOT } from "../helpers/cli.js";
import { demoReport } from "../helpers/demo-report.js";

const demo = loadSaved({ demo: true }, process.cwd());

function check(files: string[], policy: Partial<CheckPolicy> = {}, services?: string[]): CheckResult {
  const proposals = files.flatMap((f) => readTaskDefinitionFile(join(ROOT, "fixtures", "taskdefs", f), f));
  return toPublishedCheck(
    checkTaskDefinitions({
      proposals,
      snapshot: demo.snapshot,
      prices: demo.prices,
      policy: DEFAULT_POLICY,
      report: demoReport(),
      checkPolicy: { ...DEFAULT_CHECK_POLICY, ...policy },
      services,
      generatedAt: "2026-11-22T00:00:00Z",
      toolVersion: "test",
      sourceKind: "demo",
    }),
  );
}
const summary = (r: CheckResult) => r.taskDefinitions.flatMap((t) => t.violations.map((v) => [v.rule, v.severity, v.existing, v.line]));

// [file, verdict, violations as [rule, severity, existing, line]]
const CASES: Array<[string, "pass" | "fail", Array<[string, string, boolean, number | null]>, string]> = [
  // 512 / "2 GB": a valid Fargate pair; 2048 MiB ≥ the 1134 MiB peak; 512 ≥ the 306 units needed; within 50 % of 512 / 2048.
  ["cart-api-rightsized.json", "pass", [], 'register-task-definition shape, "2 GB"'],
  // The size running now, 2048 / 4096, is 2× the recommendation: over-provisioned, but not by this change.
  ["checkout-api-unchanged.json", "pass", [["overprovisioned", "warning", true, 10]], "describe-task-definition shape, unchanged"],
  // 1024 MiB < the 1517 MiB peak; 1024 / 1024 is not a Fargate pair.
  [
    "checkout-api-too-small.json",
    "fail",
    [
      ["memory-below-peak", "error", false, 6],
      ["invalid-fargate-size", "error", false, 5],
    ],
    '"1 vCPU", "1GB"',
  ],
  // !Ref TaskCpu → its Default "1024"; "2 GB"; ARM64: the recommended size exactly.
  ["image-resizer.cfn.yaml", "pass", [], "CloudFormation YAML with short-form intrinsics"],
  // webhooks 512 / 2048 is its recommendation; the worker has no Family, so nothing runs it (a note, not a violation).
  ["cdk-synth.template.json", "pass", [], "cdk synth JSON, two task definitions"],
  // Windows on Fargate starts at 1 vCPU; 1024 MiB < the 2408 MiB peak.
  [
    "pdf-render-windows.json",
    "fail",
    [
      ["memory-below-peak", "error", false, 7],
      ["invalid-fargate-size", "error", false, 6],
    ],
    "Windows",
  ],
  // Container level only: cpu 256 + 128 = 384 ≥ 336 needed and ≤ 1.5 × 337; memory 768 + 192 = 960 ≥ the 753 MiB peak.
  ["api-gateway-ec2-sidecar.json", "pass", [], "EC2, container-level only, app + envoy sidecar"],
  // 128 < the 256 units p95 needs at 80 %.
  ["payments-api-cpu-below.json", "fail", [["cpu-below-need", "error", false, 5]], "EC2, task level"],
  // Containers: cpu 512 + 256 = 768 > 512; memory 1024 + 256 = 1280 > 1024.
  [
    "ledger-worker-containers-exceed.json",
    "fail",
    [
      ["container-sum-exceeds-task", "error", false, 8],
      ["container-sum-exceeds-task", "error", false, 8],
    ],
    "a log-router sidecar",
  ],
  // Runs now with 512 / 1024 and was OOM-killed 3 times, needs 640 cpu: both already so, so warnings.
  [
    "pricing-engine-unchanged.json",
    "pass",
    [
      ["memory-below-peak", "warning", true, 6],
      ["cpu-below-need", "warning", true, 5],
    ],
    "unchanged and under-provisioned",
  ],
  ["pricing-engine-fixed.json", "pass", [], "the fix: 1024 / 2048"],
  // Target tracking holds search-api's CPU: a smaller cpu only adds tasks, so cpu-below-need does not apply.
  ["search-api-tracked.json", "pass", [], '"0.5 vCPU" on a CPU target-tracked service'],
  // 4096 / 16384 against 512 / 2048 recommended, and bigger than today: over-provisioned by this change.
  ["cart-api-bigger.json", "fail", [["overprovisioned", "error", false, 5]], "made bigger"],
  ["new-service.yml", "pass", [], "a family nothing runs yet"],
];

describe("check verdicts on fixtures/taskdefs", () => {
  it.each(CASES)("%s → %s", (file, verdict, violations) => {
    const r = check([file]);
    expect(summary(r)).toEqual(violations);
    expect(r.verdict).toBe(verdict);
  });

  it("every fixture is covered", async () => {
    const { readdirSync } = await import("node:fs");
    const files = readdirSync(join(ROOT, "fixtures", "taskdefs")).filter((f) => /\.(json|ya?ml)$/.test(f));
    expect(files.sort()).toEqual(CASES.map((c) => c[0]).sort());
  });
});

describe("dollars, worked by hand", () => {
  it("cart-api at 512 / 2 GB: 3 × (0.5 × 0.04048 + 2 × 0.004445) × 730 = $63.79, from $255.18", () => {
    const s = check(["cart-api-rightsized.json"]).taskDefinitions[0]!.services[0]!;
    expect(s.proposed).toEqual({ cpu: 512, memory: 2048, monthlyUsd: 63.79 });
    expect(s.current.monthlyUsd).toBe(255.18); // 3 × (2 × 0.04048 + 8 × 0.004445) × 730 = 255.1788
    expect(s.deltaMonthlyUsd).toBe(-191.39);
  });

  it("image-resizer on ARM: 3 × (1 × 0.03238 + 2 × 0.00356) × 730 = $86.51", () => {
    const r = check(["image-resizer.cfn.yaml"]);
    const td = r.taskDefinitions[0]!;
    expect(td).toMatchObject({ name: "image-resizer", format: "cloudformation", line: 11 });
    expect(td.proposed).toMatchObject({ cpu: 1024, memory: 2048, cpuArchitecture: "ARM64" });
    expect(td.services[0]!.proposed.monthlyUsd).toBeCloseTo(86.5, 1);
  });

  it("webhooks with 60 % of its tasks on Fargate Spot at 70 % off: 5 × 0.02913 × 0.58 × 730 = $61.67", () => {
    const td = check(["cdk-synth.template.json"]).taskDefinitions[0]!;
    expect(td.name).toBe("webhooks");
    expect(td.services[0]!.proposed.monthlyUsd).toBe(61.67);
  });

  it("the EC2 sidecar task at the cluster's unit prices: 3 × 730 × (384 × cpu unit + 960 × MiB) = $36.13", () => {
    const s = check(["api-gateway-ec2-sidecar.json"]).taskDefinitions[0]!.services[0]!;
    const unit = demoReport().clusters.find((c) => c.cluster === "core-ec2")!.ec2!.unitPrices!;
    expect(s.proposed.cpu).toBe(384);
    expect(s.proposed.memory).toBe(960);
    expect(s.proposed.monthlyUsd).toBeCloseTo(3 * 730 * (384 * unit.cpuUnitHour + 960 * unit.memoryMiBHour), 2);
    expect(s.proposed.monthlyUsd).toBeCloseTo(36.13, 2);
  });

  it("totals add the services and say the percentage", () => {
    const r = check(["cart-api-rightsized.json", "pricing-engine-fixed.json"]);
    // cart-api 255.18 → 63.79; pricing-engine 3 × (0.5 × 0.04048 + 0.004445) × 730 = 54.06 → 108.12
    expect(r.totals).toMatchObject({ currentMonthlyUsd: 309.24, proposedMonthlyUsd: 171.91, deltaMonthlyUsd: -137.33, errors: 0 });
    expect(r.totals.deltaPercent).toBeCloseTo((-137.33 / 309.24) * 100, 2);
  });
});

describe("the policy", () => {
  it("a cost increase over the limit fails: pricing-engine +$54.06 is +100 %", () => {
    expect(check(["pricing-engine-fixed.json"], { maxIncrease: { usd: null, percent: 10 } }).verdict).toBe("fail");
    expect(check(["pricing-engine-fixed.json"], { maxIncrease: { usd: 60, percent: null } }).verdict).toBe("pass");
    const r = check(["pricing-engine-fixed.json"], { maxIncrease: { usd: 50, percent: null } });
    expect(summary(r)).toEqual([["cost-increase", "error", false, 5]]);
    expect(r.taskDefinitions[0]!.violations[0]!.message).toContain("+$54.06 (+100%)");
  });

  it("--fail-on narrows what fails; the rest are warnings", () => {
    const r = check(["checkout-api-too-small.json"], { failOn: ["invalid"] });
    expect(summary(r)).toEqual([
      ["invalid-fargate-size", "error", false, 5],
      ["memory-below-peak", "warning", false, 6],
    ]);
    expect(check(["checkout-api-too-small.json"], { failOn: [] }).verdict).toBe("pass");
  });

  it("rules can be set one by one, and off", () => {
    const r = check(["checkout-api-too-small.json"], { rules: { "memory-below-peak": "off", "invalid-fargate-size": "warning" } });
    expect(summary(r)).toEqual([["invalid-fargate-size", "warning", false, 5]]);
    expect(ruleSeverity("cost-increase", DEFAULT_CHECK_POLICY)).toBe("off"); // no limit set
    expect(ruleSeverity("no-evidence", DEFAULT_CHECK_POLICY)).toBe("off");
  });

  it("--require-evidence fails a task definition nothing runs", () => {
    const r = check(["new-service.yml"], { requireEvidence: true });
    expect(summary(r)).toEqual([["no-evidence", "error", false, 4]]); // the resource's first line
    expect(r.warnings[0]!.message).toContain("loyalty-api");
  });

  it("--service picks the evidence instead of the family", () => {
    // The worker (no Family) checked against cart-api's usage: 256 / 512 is below cart-api's peak of 1134 MiB.
    const r = check(["cdk-synth.template.json"], {}, ["shop-fargate/cart-api"]);
    const worker = r.taskDefinitions[1]!;
    expect(worker.matchedBy).toBe("service-option");
    expect(worker.violations.map((v) => v.rule)).toContain("memory-below-peak");
  });
});
