// Each archetype in the demo fleet gets the right kind of advice.
import { beforeAll, describe, expect, it } from "vitest";
import type { Report, ServiceFinding } from "../../src/model/report.js";
import { demoReport } from "../helpers/demo-report.js";

let report: Report;
const svc = (name: string): ServiceFinding => {
  const f = report.services.find((s) => s.service === name);
  if (!f) throw new Error(`demo has no service ${name}`);
  return f;
};
const codes = (name: string) => svc(name).reasons.map((r) => r.code);
const notSmaller = (f: ServiceFinding) =>
  f.recommended === null || (f.recommended.cpu >= f.current.cpu! && f.recommended.memory >= f.current.memory!);

beforeAll(() => {
  report = demoReport();
});

describe("the demo fleet", () => {
  it("has 40 services on two clusters, every one in the report", () => {
    expect(report.services).toHaveLength(40);
    expect(report.clusters.map((c) => [c.cluster, c.kind])).toEqual([
      ["core-ec2", "ec2"],
      ["shop-fargate", "fargate"],
    ]);
    expect(Object.keys(report.clusters[0]!.ec2!.instanceTypes)).toEqual(["c5.2xlarge", "m5.xlarge"]);
  });

  it.each(["cart-api", "recommendations", "ledger-worker", "inventory-api"])(
    "steady over-provisioned %s is downsized with high confidence",
    (name) => {
      expect(svc(name).action).toBe("downsize");
      expect(svc(name).confidence).toBe("high");
      expect(svc(name).savingsMonthlyUsd).toBeGreaterThan(0);
    },
  );

  it("the nearly idle services go to the smallest sizes", () => {
    expect(svc("notifications").recommended).toMatchObject({ cpu: 256, memory: 512 });
    expect(svc("admin-portal").recommended).toMatchObject({ cpu: 256, memory: 512 });
    expect(svc("cache-warmer").action).toBe("downsize");
  });

  it("the under-provisioned service is upsized, never downsized, with its OOM kills and throttling named", () => {
    const f = svc("pricing-engine");
    expect(f.action).toBe("upsize");
    expect(f.recommended!.cpu).toBeGreaterThan(f.current.cpu!);
    expect(f.recommended!.memory).toBeGreaterThan(f.current.memory!);
    expect(codes("pricing-engine")).toEqual(expect.arrayContaining(["oom-kills", "cpu-saturated", "memory-underprovisioned"]));
  });

  it("the leaking service is never downsized, and the leak is named", () => {
    const f = svc("session-store");
    expect(notSmaller(f)).toBe(true);
    expect(codes("session-store")).toContain("memory-leak-suspected");
    expect(f.confidence).toBe("low");
  });

  it("the CPU target-tracking services keep their cpu and are sized on memory", () => {
    for (const name of ["search-api", "fraud-scorer"]) {
      expect(svc(name).recommended!.cpu).toBe(svc(name).current.cpu);
      expect(codes(name)).toContain("autoscaling-on-cpu");
    }
  });

  it("spiky batch keeps the cpu its bursts need (a mean-based formula would cut it)", () => {
    const f = svc("reports-batch");
    expect(f.recommended!.cpu).toBe(2048);
    expect(f.evidence.cpu.observedPercent!).toBeGreaterThan(60);
  });

  it("diurnal web services are sized for their daytime peak, not their daily average", () => {
    for (const name of ["checkout-api", "orders-api", "catalog-api"]) {
      const f = svc(name);
      // covers the p95 of the hottest task at the target …
      expect(f.recommended!.cpu).toBeGreaterThanOrEqual(f.evidence.cpu.observedUnits! / 0.8);
      // … which is well above the average the seed formula would size from (utilization averages lower)
      expect(f.evidence.cpu.observedPercent!).toBeGreaterThan(30);
    }
  });

  it("the ARM service is priced at ARM rates: 3 × (2 × 0.03238 + 4 × 0.00356) × 730 = $173.01", () => {
    const f = svc("image-resizer");
    expect(f.cpuArchitecture).toBe("ARM64");
    expect(f.current.monthlyUsd).toBeCloseTo(173.01, 2);
  });

  it("less than a day of data and no metrics give no advice, with the reason", () => {
    expect(svc("onboarding-v2").recommended).toBeNull();
    expect(codes("onboarding-v2")).toContain("insufficient-data");
    expect(svc("legacy-export").recommended).toBeNull();
    expect(codes("legacy-export")).toContain("no-metrics");
  });

  it("Windows on Fargate stays at 1 vCPU or more", () => {
    expect(svc("pdf-render").recommended!.cpu).toBe(1024);
    expect(codes("pdf-render")).toContain("windows-minimum");
  });

  it("gaps, a recent deployment and a resize in the window are all explained", () => {
    expect(codes("geo-api")).toContain("gaps-in-data");
    expect(codes("inventory-sync")).toContain("recent-deployment");
    expect(codes("ledger-api")).toContain("size-changed-in-window");
    expect(svc("ledger-api").recommended).toMatchObject({ cpu: 512, memory: 1024 });
  });

  it("container-level cpu used past its shares on EC2 is flagged and reserved properly", () => {
    const f = svc("graph-service");
    expect(f.evidence.cpu.observedPercent!).toBeGreaterThan(100);
    expect(codes("graph-service")).toContain("cpu-underprovisioned");
    expect(f.recommended!.cpu).toBeGreaterThan(256);
  });

  it("a resource at risk is never made smaller", () => {
    const memoryRisks = ["oom-kills", "memory-leak-suspected", "memory-underprovisioned"];
    const cpuRisks = ["cpu-saturated", "cpu-underprovisioned"];
    let checked = 0;
    for (const f of report.services) {
      if (!f.recommended) continue;
      const has = (list: string[]) => f.reasons.some((r) => list.includes(r.code));
      if (has(memoryRisks)) expect([f.service, f.recommended.memory >= f.current.memory!]).toEqual([f.service, true]);
      if (has(cpuRisks)) expect([f.service, f.recommended.cpu >= f.current.cpu!]).toEqual([f.service, true]);
      if (has([...memoryRisks, ...cpuRisks])) checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it("totals add up", () => {
    const t = report.totals;
    expect(t.savingsMonthlyUsd).toBeCloseTo(t.currentMonthlyUsd - t.recommendedMonthlyUsd, 9);
    const sum = report.services.reduce((a, s) => a + (s.current.monthlyUsd ?? 0), 0);
    expect(t.currentMonthlyUsd).toBeCloseTo(sum, 9);
  });
});

describe("the demo's EC2 cluster: host scaling, packing and Fargate, with dollars", () => {
  const ec2 = () => report.clusters.find((c) => c.cluster === "core-ec2")!;

  it("shows headroom now from each instance's remaining resources", () => {
    const h = ec2().hostScaling!;
    // The largest task is etl-nightly's 4096 cpu / 8192 MiB: it needs an empty m5.xlarge.
    expect(h.largestTask).toMatchObject({ cpu: 4096, memory: 8192, awsvpc: false, services: ["etl-nightly"] });
    for (const i of h.instances) {
      expect(i.fits).toBe(Math.min(Math.floor(i.remaining.cpu / 4096), Math.floor(i.remaining.memory / 8192)));
    }
    expect(h.schedulableNow).toBe(h.instances.reduce((a, i) => a + i.fits, 0));
    expect(h.instances).toHaveLength(12);
    expect(["scale-out", "scale-in", "hold"]).toContain(h.today.action);
  });

  it("gives a rule that cannot flap, and hosts to run", () => {
    const h = ec2().hostScaling!;
    // The smallest task (rate-limiter, 256 cpu / 512 MiB): a c5.2xlarge (8192 / 15,206) holds min(32, 29) = 29.
    expect(h.tasksPerHostMax).toBe(29);
    expect(h.rule.scaleInAbove).toBe(29 + h.rule.scaleOutBelow);
    expect(h.rule.targetCapacity).toBeGreaterThan(0);
    expect(h.rule.targetCapacity).toBeLessThanOrEqual(100);
    expect(h.hosts.current).toBe(12);
    expect(h.hosts.min!).toBeLessThanOrEqual(h.hosts.desired!);
    expect(h.hosts.desired!).toBeLessThanOrEqual(h.hosts.max!);
  });

  it("packs the right-sized tasks for less than the instances cost now", () => {
    const p = ec2().packing!;
    expect(p.current.monthlyUsd).toBeCloseTo((8 * 0.192 + 4 * 0.34) * 730, 6);
    expect(p.best.monthlyUsd).toBeLessThan(p.current.monthlyUsd);
    expect(p.savingsMonthlyUsd).toBeCloseTo(p.current.monthlyUsd - p.best.monthlyUsd, 9);
    expect(p.demand.rolling?.tasks).toBeGreaterThan(0);
    expect(p.graviton).not.toBeNull();
  });

  it("prices the same fleet on Fargate x86, ARM and with Spot", () => {
    const f = ec2().fargateComparison!;
    expect(f.fargateArmMonthlyUsd).toBeLessThan(f.fargateX86MonthlyUsd);
    // Half on Spot at the assumed 70 % off, except the single-task services (worked by hand in fargate-spot.test.ts).
    expect(f.spotPrice).toBe("assumed");
    expect(f.spotUnsuited).toEqual(["billing-cron", "etl-nightly", "search-indexer"]);
    expect(f.fargateSpotMonthlyUsd).toBeGreaterThan(f.fargateX86MonthlyUsd * (0.5 + 0.5 * 0.3));
    expect(f.fargateSpotMonthlyUsd).toBeLessThan(f.fargateX86MonthlyUsd);
  });

  it("the Fargate cluster has no host section", () => {
    const f = report.clusters.find((c) => c.cluster === "shop-fargate")!;
    expect([f.hostScaling, f.packing, f.fargateComparison]).toEqual([null, null, null]);
  });
});

describe("the demo's autoscaling advice", () => {
  it("the capped service is told to raise its maximum, as a risk", () => {
    expect(svc("media-upload").autoscaling).toMatchObject({ action: "raise-max", current: { minCapacity: 2, maxCapacity: 6 } });
    expect(svc("media-upload").autoscaling!.proposed!.maxCapacity).toBeGreaterThan(6);
    expect(svc("media-upload").autoscaling!.savingsMonthlyUsd!).toBeLessThan(0);
    expect(svc("media-upload").reasons.find((r) => r.code === "autoscaling-capped")?.severity).toBe("risk");
  });

  it.each(["search-api", "fraud-scorer", "queue-consumer"])("autoscaled %s fits its range", (name) => {
    expect(svc(name).autoscaling?.action).toBe("ok");
  });

  it.each(["checkout-api", "catalog-api", "orders-api"])("diurnal fixed-count %s is offered target tracking that saves money", (name) => {
    const a = svc(name).autoscaling!;
    expect(a.action).toBe("propose-target-tracking");
    expect(a.proposed!.minCapacity).toBeGreaterThanOrEqual(2);
    expect(a.proposed!.maxCapacity).toBeGreaterThanOrEqual(Math.round(svc(name).current.tasks));
    expect(a.savingsMonthlyUsd!).toBeGreaterThan(0);
    expect(codes(name)).toContain("autoscaling-proposed");
  });

  it.each(["etl-nightly", "billing-cron", "reports-batch", "ledger-worker"])("batch or steady %s gets no autoscaling proposal", (name) => {
    expect(svc(name).autoscaling).toBeNull();
  });
});
