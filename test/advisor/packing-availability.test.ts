// Packing with the cluster's own overheads and with availability kept: registered memory for unseen types
// from the cluster's own hosts, hosts a multiple of the zones, at most a share of a service per host, an
// optional largest size, current-generation types only, and what awsvpc trunking would change.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { hostCapacity, isGeneralPurposeCandidate, registeredMemoryShares } from "../../src/advisor/capacity.js";
import { cheapestPacking, mergeGroups, packOnto } from "../../src/advisor/packing.js";
import { DEFAULT_POLICY, resolvePolicy } from "../../src/advisor/policy.js";
import type { ClusterFinding } from "../../src/model/report.js";
import type { ContainerInstance, Prices, Service, TaskDefinition } from "../../src/model/snapshot.js";
import { bundledPrices } from "../../src/collect/pricebook.js";
import { cli } from "../helpers/cli.js";
import { END, PRICES, iso, service, snapshot, taskDef } from "../helpers/snapshot.js";

describe("registered memory of unseen types comes from the cluster's own hosts", () => {
  // The demo's hosts: m5.xlarge registers 15,464 of 16,384 MiB (94.38 %), c5.2xlarge 15,206 (92.81 %).
  const seen = new Map([
    ["m5.xlarge", { cpu: 4096, memory: 15_464 }],
    ["c5.2xlarge", { cpu: 8192, memory: 15_206 }],
  ]);
  const prices = bundledPrices(); // m5.xlarge and c5.2xlarge at 16 GiB
  const shares = registeredMemoryShares(prices, seen);

  it("per family seen", () => {
    expect(shares.get("m5")).toBeCloseTo(15_464 / 16_384, 12);
    expect(shares.get("c5")).toBeCloseTo(15_206 / 16_384, 12);
    // m5.2xlarge (32 GiB), same family: ⌊32,768 × 15,464 ÷ 16,384⌋ = 30,928 (at 97.5 % it was 31,948)
    expect(hostCapacity("m5.2xlarge", prices, seen)).toEqual({ cpu: 8192, memory: 30_928, source: "estimated" });
  });

  it("else the same series (m, c, r…), else the lowest seen", () => {
    // m5a → the m series (m5's share); c6a → c5's; r6i: no r here → the lowest seen (c5's).
    expect(hostCapacity("m5a.2xlarge", prices, seen)!.memory).toBe(30_928);
    expect(hostCapacity("c6a.4xlarge", prices, seen)!.memory).toBe(Math.floor(32_768 * (15_206 / 16_384))); // 30,412
    expect(hostCapacity("r6i.large", prices, seen)!.memory).toBe(Math.floor(16_384 * (15_206 / 16_384))); // 15,206
  });

  it("with no host seen, 97.5 % of nominal", () => {
    expect(hostCapacity("m5.2xlarge", prices, new Map())!.memory).toBe(Math.floor(32_768 * 0.975));
  });
});

describe("candidate types are current generation (Nitro) and general purpose", () => {
  it.each([
    ["m5.large", true],
    ["c7g.xlarge", true],
    ["r6i.2xlarge", true],
    ["m8g.large", true],
    ["m4.large", false], // previous generation
    ["m1.small", false],
    ["c3.large", false],
    ["t3.large", false], // burstable
    ["g5.xlarge", false], // GPU
  ])("%s → %s", (type, ok) => expect(isGeneralPurposeCandidate(type)).toBe(ok));
});

describe("per-host limits in the packing itself", () => {
  const big = { instanceType: "big", cpu: 65_536, memory: 262_144, awsvpcSlots: 14, hourly: 1 };

  it("a service of 4 tasks at most 2 a host takes 2 hosts, however large the host", () => {
    expect(packOnto([{ cpu: 256, memory: 512, awsvpc: false, count: 4, label: "a", perHost: 2 }], big)!.bins).toHaveLength(2);
    expect(packOnto([{ cpu: 256, memory: 512, awsvpc: false, count: 4, label: "a" }], big)!.bins).toHaveLength(1);
  });

  it("merges only services of the same size, count and limit, adding their limits", () => {
    const g = (label: string, count: number, perHost?: number) => ({ cpu: 256, memory: 512, awsvpc: false, count, label, perHost });
    const merged = mergeGroups([g("a", 4, 2), g("b", 4, 2), g("c", 3, 1), g("d", 1), g("e", 5)]);
    expect(merged.map((m) => [m.count, m.perHost])).toEqual([
      [8, 4], // a + b
      [3, 1], // c alone: another count
      [6, undefined], // d + e: no limit (one task, or no limit asked)
    ]);
  });

  it("rounds the hosts up to a multiple of the zones", () => {
    const r = cheapestPacking([{ cpu: 1024, memory: 2048, awsvpc: false, count: 4, label: "a" }], [{ ...big, cpu: 4096, memory: 16_384 }], {
      hostMultiple: 3,
    })!;
    expect(r.best.hosts).toBe(3); // 1 host holds all 4; 3 zones → 3
  });
});

// A cluster of 300 small services (2 tasks of 256 / 512 each) on 6 m5.xlarge in 3 zones.
const HAND_PRICES: Prices = { ...PRICES, ec2: bundledPrices().ec2 };
function estate(services: number): { services: Service[]; taskDefinitions: TaskDefinition[]; containerInstances: ContainerInstance[] } {
  const svcs = Array.from({ length: services }, (_, i) =>
    service(`s${i}`, {
      launchType: "EC2",
      desiredCount: 2,
      runningCount: 2,
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 },
    }),
  );
  const tds = svcs.map((s) => taskDef(`${s.name}:1`, { cpu: 256, memory: 512 }));
  const hosts: ContainerInstance[] = Array.from({ length: 6 }, (_, i) => ({
    cluster: "c1",
    id: `ci-${i}`,
    instanceType: "m5.xlarge",
    status: "ACTIVE",
    agentConnected: true,
    registered: { cpu: 4096, memory: 15_464 },
    remaining: { cpu: 0, memory: 0 },
    runningTasks: 16,
    availabilityZone: `us-east-1${"abc"[i % 3]}`,
  }));
  return { services: svcs, taskDefinitions: tds, containerInstances: hosts };
}
const clusterOf = (parts: ReturnType<typeof estate>, policy = DEFAULT_POLICY): ClusterFinding =>
  advise({
    snapshot: snapshot({ ...parts, prices: HAND_PRICES }),
    prices: HAND_PRICES,
    policy,
    generatedAt: iso(END),
    sourceKind: "snapshot",
    toolVersion: "test",
  }).clusters.find((c) => c.cluster === "c1")!;

describe("availability: zones, a share of a service per host, a largest size", () => {
  const parts = estate(300);

  it("by default: a multiple of the 3 zones in use, no host with both tasks of a 2-task service", () => {
    const p = clusterOf(parts).packing!;
    expect(p.availability).toEqual({ zones: 3, zonesFrom: "hosts", maxServiceSharePercent: 50, maxInstanceSize: null });
    expect(p.best.hosts % 3).toBe(0);
    // Every service has 2 tasks at most 1 a host: at least 2 hosts whatever their size; a multiple of 3 → ≥ 3.
    expect(p.best.hosts).toBeGreaterThanOrEqual(3);
  });

  it("without the limits, the same tasks fit on fewer, larger hosts", () => {
    const loose = clusterOf(parts, resolvePolicy({ hosts: { zones: 1, maxServiceSharePercent: 100 } })).packing!;
    expect(loose.availability.zonesFrom).toBe("policy");
    expect(loose.best.hosts).toBeLessThan(3);
  });

  it("--max-instance-size keeps every host at or below the size", () => {
    const p = clusterOf(parts, resolvePolicy({ hosts: { maxInstanceSize: "2xlarge" } })).packing!;
    for (const t of [...Object.keys(p.best.instanceTypes), ...Object.keys(p.graviton?.instanceTypes ?? {})])
      expect(t, t).toMatch(/\.(medium|large|xlarge|2xlarge)$/);
  });

  it("the flags reach the packing, and a bad value is one line and exit 2", async () => {
    const r = await cli([
      "report",
      "--demo",
      "--format",
      "json",
      "--zones",
      "2",
      "--max-host-share",
      "100",
      "--max-instance-size",
      "4xlarge",
    ]);
    const p = JSON.parse(r.stdout).clusters.find((c: { packing: unknown }) => c.packing).packing;
    expect(p.availability).toEqual({ zones: 2, zonesFrom: "policy", maxServiceSharePercent: 100, maxInstanceSize: "4xlarge" });
    expect(p.best.hosts % 2).toBe(0);
    for (const [flag, value] of [
      ["--zones", "0"],
      ["--zones", "1.5"],
      ["--max-host-share", "0"],
      ["--max-instance-size", "huge"],
    ]) {
      const bad = await cli(["report", "--demo", flag!, value!]);
      expect(bad.code, `${flag} ${value}`).toBe(2);
      // One line of what is wrong, and the usual hint.
      const [line, hint, ...rest] = bad.stderr.trim().split("\n");
      expect(line, `${flag} ${value}`).toContain(`${flag} takes`);
      expect(hint).toBe("  hint: ecs-advisor report --help shows the options");
      expect(rest).toEqual([]);
    }
  });
});

describe("awsvpc tasks: what trunking would change", () => {
  it("an ENI-bound packing gets the trunked alternative and its saving", () => {
    const parts = estate(40);
    const awsvpc = { ...parts, taskDefinitions: parts.taskDefinitions.map((t) => ({ ...t, networkMode: "awsvpc" as const })) };
    const p = clusterOf(awsvpc).packing!;
    expect(p.best.limitedBy).toBe("eni");
    expect(p.trunking).not.toBeNull();
    expect(p.trunking!.monthlyUsd).toBeLessThan(p.best.monthlyUsd);
    expect(p.trunking!.savingsMonthlyUsd).toBeCloseTo(p.best.monthlyUsd - p.trunking!.monthlyUsd, 6);
    expect(p.trunking!.text).toMatch(
      /^with awsvpcTrunking on \(an account setting; Nitro types only, hosts launched after it\), ENIs stop limiting: /,
    );
  });

  it("bridge tasks: no trunking line", () => {
    expect(clusterOf(estate(40)).packing!.trunking).toBeNull();
  });
});

describe("a snapshot priced only for the cluster's own types (collected before candidates were priced)", () => {
  it("says packing could not look further", () => {
    const parts = estate(10);
    const own: Prices = { ...PRICES, ec2: { "m5.xlarge": bundledPrices().ec2["m5.xlarge"]! } };
    const r = advise({
      snapshot: snapshot({ ...parts, prices: own }),
      prices: own,
      policy: DEFAULT_POLICY,
      generatedAt: iso(END),
      sourceKind: "snapshot",
      toolVersion: "test",
    });
    expect(r.warnings).toContainEqual({
      code: "packing-few-types",
      message:
        "c1: packing could consider only the 1 instance type priced in the snapshot; a collection by this version prices every current-generation type, for the cheapest choice",
    });
    expect(clusterOf(parts)).toBeDefined();
    const full = advise({
      snapshot: snapshot({ ...parts, prices: HAND_PRICES }),
      prices: HAND_PRICES,
      policy: DEFAULT_POLICY,
      generatedAt: iso(END),
      sourceKind: "snapshot",
      toolVersion: "test",
    });
    expect(full.warnings.map((w) => w.code)).not.toContain("packing-few-types");
  });
});
