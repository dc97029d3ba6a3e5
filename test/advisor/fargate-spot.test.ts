// Issue #13: Fargate Spot was modelled at the 70 % "up to" discount, labelled nowhere, and offered to every
// service, single-task ones included, with no word about interruptions.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { fargateRatesFrom } from "../../src/collect/aws/mappers.js";
import type { Report } from "../../src/model/report.js";
import type { Prices, Snapshot } from "../../src/model/snapshot.js";
import { END, PRICES, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

const run = (s: Snapshot): Report =>
  advise({ snapshot: s, prices: s.prices!, policy: DEFAULT_POLICY, generatedAt: iso(END), sourceKind: "snapshot", toolVersion: "t" });

// An EC2 cluster: "pair" runs 2 tasks, "solo" 1, both 1024 / 2048 at a flat 60 % CPU and memory.
//   right-sized: cpu 1024 × 60 % ÷ 80 % = 768, memory 2048 × 60 % ÷ 80 % = 1536 → on Fargate 1 vCPU / 2 GB,
//   $0.04048 + 2 × $0.004445 = $0.04937 a task-hour. Three tasks on Fargate x86: 3 × 0.04937 × 730 = $108.12.
function ec2Cluster(prices: Prices = PRICES): Snapshot {
  const host = (id: string) => ({
    cluster: "c1",
    id,
    instanceType: "m5.xlarge",
    status: "ACTIVE" as const,
    agentConnected: true,
    registered: { cpu: 4096, memory: 15_000 },
    remaining: { cpu: 2048, memory: 11_000 },
  });
  return snapshot({
    services: [
      service("pair", { launchType: "EC2", utilization: util({ cpu: 60, memory: 60, tasks: 2 }) }),
      service("solo", { launchType: "EC2", desiredCount: 1, runningCount: 1, utilization: util({ cpu: 60, memory: 60, tasks: 1 }) }),
    ],
    taskDefinitions: [taskDef("pair:1", { cpu: 1024, memory: 2048 }), taskDef("solo:1", { cpu: 1024, memory: 2048 })],
    containerInstances: [host("i-1"), host("i-2")],
    prices,
  });
}
const comparison = (r: Report) => r.clusters.find((c) => c.cluster === "c1")!.fargateComparison!;

describe("the Fargate comparison's Spot line", () => {
  it("keeps single-task services off Spot and names them", () => {
    const f = comparison(run(ec2Cluster()));
    expect(f.fargateX86MonthlyUsd).toBeCloseTo(108.1203, 4);
    expect(f.spotUnsuited).toEqual(["solo"]);
    // pair: 2 × 0.04937 × (1 − 50 % × 70 %) = 0.064181; solo stays On-Demand 0.04937 → 0.113551 × 730 = $82.89
    expect(f.fargateSpotMonthlyUsd).toBeCloseTo(82.89223, 4);
  });

  it("labels the 70 % as an assumption when the price set has no Spot rates", () => {
    expect(comparison(run(ec2Cluster())).spotPrice).toBe("assumed");
  });

  it("uses the Price List's Spot rate where it has one", () => {
    // eu-west-1's published Spot vCPU rate $0.01334053 and a GB rate of $0.00146489:
    //   a Spot task-hour = 0.01334053 + 2 × 0.00146489 = 0.01627031
    //   pair: 2 × (½ × 0.04937 + ½ × 0.01627031) = 0.06564031; solo 0.04937 → 0.11501031 × 730 = $83.96
    const prices: Prices = { ...PRICES, fargate: { ...PRICES.fargate, linuxX86Spot: { vcpuHour: 0.01334053, gbHour: 0.00146489 } } };
    const r = run(ec2Cluster(prices));
    expect(comparison(r).spotPrice).toBe("price-list");
    expect(comparison(r).fargateSpotMonthlyUsd).toBeCloseTo(83.95753, 4);
    expect(r.warnings.map((w) => w.code)).not.toContain("fargate-spot-assumed");
  });
});

describe("a Fargate service on Spot", () => {
  const snapshotOnSpot = (tasks: number, prices: Prices = PRICES) =>
    snapshot({
      clusters: [{ name: "c1", capacityProviders: [], defaultCapacityProviderStrategy: [] }],
      services: [
        service("w", {
          launchType: undefined,
          desiredCount: tasks,
          runningCount: tasks,
          capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }],
          utilization: util({ cpu: 60, memory: 60, tasks }),
        }),
      ],
      taskDefinitions: [taskDef("w:1", { cpu: 1024, memory: 2048 })],
      prices,
    });
  const onSpot = (tasks: number, prices: Prices = PRICES) => run(snapshotOnSpot(tasks, prices)).services[0]!;

  it("with a single task is told what an interruption does", () => {
    const r = onSpot(1).reasons.find((x) => x.code === "spot-single-task")!;
    expect(r.severity).toBe("warning");
    expect(r.message).toMatch(/two-minute warning/);
  });
  it("is priced at an assumed discount, and the run says so", () => {
    const src = snapshotOnSpot(2);
    const r = run(src);
    const w = r.warnings.find((x) => x.code === "fargate-spot-assumed")!;
    expect(w.message).toMatch(/assumed 70% off.*"up to".*vary.* for w: the price set has no Spot rates/);
    const priced = run({
      ...src,
      prices: { ...PRICES, fargate: { ...PRICES.fargate, linuxX86Spot: { vcpuHour: 0.013, gbHour: 0.0014 } } },
    });
    expect(priced.warnings.map((x) => x.code)).not.toContain("fargate-spot-assumed");
  });
  it("with two tasks is not", () => {
    expect(onSpot(2).reasons.map((x) => x.code)).not.toContain("spot-single-task");
  });
  it("is priced at the Price List's Spot rate when there is one: 1 × 0.01627031 × 730 = $11.88", () => {
    const prices: Prices = { ...PRICES, fargate: { ...PRICES.fargate, linuxX86Spot: { vcpuHour: 0.01334053, gbHour: 0.00146489 } } };
    expect(onSpot(1, prices).current.monthlyUsd).toBeCloseTo(11.87733, 4);
    // assumed: 0.04937 × 30 % × 730 = $10.81
    expect(onSpot(1).current.monthlyUsd).toBeCloseTo(10.81203, 4);
  });
});

describe("the collector reads Spot rates from the Price List when it lists them", () => {
  it("maps SpotUsage-Fargate usage types (UNVERIFIED that GetProducts returns them; CUR uses these names)", () => {
    const item = (usagetype: string, usd: number) => ({
      attributes: { usagetype },
      usd,
      unit: "hours",
      publicationDate: "2026-11-01T00:00:00Z",
    });
    const rates = fargateRatesFrom([
      item("USE1-Fargate-vCPU-Hours:perCPU", 0.04048),
      item("USE1-Fargate-GB-Hours", 0.004445),
      item("USE1-SpotUsage-Fargate-vCPU-Hours:perCPU", 0.01334053),
      item("USE1-SpotUsage-Fargate-GB-Hours", 0.00146489),
    ]);
    expect(rates?.linuxX86Spot).toEqual({ vcpuHour: 0.01334053, gbHour: 0.00146489 });
    expect(
      fargateRatesFrom([item("USE1-Fargate-vCPU-Hours:perCPU", 0.04048), item("USE1-Fargate-GB-Hours", 0.004445)])?.linuxX86Spot,
    ).toBeUndefined();
  });
});
