// The lever the cluster already uses: ECS managed scaling on the hosts' capacity provider. Read it, advise
// its targetCapacity when it is on (rounded so that ECS lands on the intended hosts), the alarm rule when off.
import { describe, expect, it } from "vitest";
import { targetCapacityFor } from "../../src/advisor/host-demand.js";
import { type ClusterService, hostScaling } from "../../src/advisor/hosts.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import type { ServiceFinding } from "../../src/model/report.js";
import type { Cluster, ContainerInstance, Prices } from "../../src/model/snapshot.js";
import { demoReport } from "../helpers/demo-report.js";
import { PRICES, service, taskDef } from "../helpers/snapshot.js";

describe("targetCapacity lands ECS on the intended host count", () => {
  /** What ECS keeps: ⌈needed × 100 ÷ targetCapacity⌉ (CapacityProviderReservation = needed ÷ running × 100). */
  const keeps = (needed: number, t: number) => Math.ceil((needed * 100) / t);

  it("9 needed + 2 spare: 82, not 81 (81 keeps 12 hosts)", () => {
    expect(targetCapacityFor(9, 2)).toEqual({ targetCapacity: 82, hostsAtPeak: 11 });
    expect(keeps(9, 81)).toBe(12);
  });

  it("for every cluster up to 400 hosts: lands exactly where a whole percent can, else keeps the spare", () => {
    for (let needed = 1; needed <= 400; needed++)
      for (let spare = 1; spare <= 5; spare++) {
        const want = needed + spare;
        const { targetCapacity: t, hostsAtPeak } = targetCapacityFor(needed, spare);
        expect(hostsAtPeak).toBe(keeps(needed, t));
        expect(hostsAtPeak, `${needed} + ${spare}`).toBeGreaterThanOrEqual(want);
        const exact = [...Array(100).keys()].some((p) => keeps(needed, p + 1) === want);
        if (exact) {
          // 100 × needed ÷ (needed + spare), rounded up: the lowest percent that lands on it.
          expect(hostsAtPeak, `${needed} + ${spare}`).toBe(want);
          expect(t).toBe(Math.ceil((100 * needed) / want));
        } else if (t < 100) {
          // No whole percent lands on it: the highest that still keeps the spare.
          expect(keeps(needed, t + 1), `${needed} + ${spare}`).toBeLessThan(want);
        }
      }
  });

  it("nothing needed: 100", () => {
    expect(targetCapacityFor(0, 2)).toEqual({ targetCapacity: 100, hostsAtPeak: 0 });
    expect(targetCapacityFor(null, 2)).toEqual({ targetCapacity: 100, hostsAtPeak: null });
  });
});

describe("reading the capacity provider", () => {
  const prices: Prices = { ...PRICES, ec2: { "m5.xlarge": { hourly: 0.2, vcpu: 4, memoryMiB: 16384, arch: "x86_64" } } };
  const reg = { cpu: 4096, memory: 15_576 };
  // 6 tasks of 1024 / 2048 on 3 m5.xlarge: 2 each, 2048 cpu left each → 2 more fit per host, 6 now.
  const instances = (provider?: string): ContainerInstance[] =>
    ["a", "b", "c"].map((id, k) => ({
      cluster: "c1",
      id,
      instanceType: "m5.xlarge",
      status: "ACTIVE",
      agentConnected: true,
      registered: reg,
      remaining: { cpu: 2048, memory: reg.memory - 4096 },
      runningTasks: 2,
      availabilityZone: `us-east-1${"abc"[k]}`,
      ...(provider ? { capacityProvider: provider } : {}),
    }));
  const svc: ClusterService = {
    finding: {
      service: "api",
      launchType: "EC2",
      operatingSystemFamily: "LINUX",
      current: { cpu: 1024, memory: 2048, tasks: 6 },
      recommended: null,
      evidence: { peakTasks: null, averageTasks: null, minTasks: null },
    } as unknown as ServiceFinding,
    service: service("api", { launchType: "EC2", desiredCount: 6, runningCount: 6, deploymentConfiguration: { maximumPercent: 100 } }),
    taskDefinition: taskDef("api:1", { cpu: 1024, memory: 2048 }),
  };
  const cluster = (managed?: Cluster["capacityProviders"][number]["managedScaling"], protection?: "ENABLED" | "DISABLED"): Cluster => ({
    name: "c1",
    capacityProviders: [
      {
        name: "c1-asg",
        type: "ASG",
        ...(managed ? { managedScaling: managed } : {}),
        ...(protection ? { managedTerminationProtection: protection } : {}),
      },
    ],
    defaultCapacityProviderStrategy: [],
  });
  const advice = (c: Cluster | undefined, provider?: string) =>
    hostScaling([svc], instances(provider), prices, DEFAULT_POLICY, c)!.hostScaling!;

  // The peak (no metrics: the desired 6 tasks of 1024 / 2048, no rolling surge at maximumPercent 100) packs
  // 4 a host onto 2 hosts; 2 spare largest tasks at 4 a host take 1 spare host → ⌈100 × 2 ÷ 3⌉ = 67, and
  // ECS keeps ⌈200 ÷ 67⌉ = 3.
  it("managed scaling on: advises targetCapacity 100 → 67 with its arithmetic, and that lever only", () => {
    const h = advice(
      cluster({ status: "ENABLED", targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10 }, "ENABLED"),
      "c1-asg",
    );
    expect(h.lever).toBe("managed-scaling");
    expect(h.managedScaling).toMatchObject({
      capacityProvider: "c1-asg",
      status: "ENABLED",
      targetCapacity: 100,
      advisedTargetCapacity: 67,
      hostsAtPeak: 3,
      managedTerminationProtection: "ENABLED",
      notes: [],
    });
    expect(h.managedScaling!.text).toBe(
      "targetCapacity 100 → 67 keeps 2 of the largest task of headroom; ECS keeps ⌈2 × 100 ÷ 67⌉ = 3 hosts at the peak: 2 for the tasks and a rolling deployment + 1 spare",
    );
  });

  it("managed scaling on, termination protection off: says what that risks", () => {
    const h = advice(cluster({ status: "ENABLED", targetCapacity: 67 }, "DISABLED"), "c1-asg");
    expect(h.managedScaling!.text).toMatch(/^targetCapacity 67 is right/);
    expect(h.managedScaling!.notes.join(" ")).toContain("managed termination protection is off");
  });

  it("managed scaling off: the alarm rule, and what turning it on would take", () => {
    const h = advice(cluster({ status: "DISABLED" }), "c1-asg");
    expect(h.lever).toBe("alarm-rule");
    expect(h.managedScaling!.text).toMatch(
      /^managed scaling is off on c1-asg: the alarm rule scales the hosts\. Turned on with targetCapacity 67/,
    );
  });

  it("hosts outside any capacity provider: no managed scaling, the alarm rule", () => {
    const h = advice(cluster({ status: "ENABLED", targetCapacity: 100 }));
    expect(h.lever).toBe("alarm-rule");
    expect(h.managedScaling).toBeNull();
  });
});

describe("the demo's core-ec2 (capacity provider ENABLED at targetCapacity 100)", () => {
  const h = demoReport().clusters.find((c) => c.cluster === "core-ec2")!.hostScaling!;

  it("advises targetCapacity 100 → 82: ECS keeps ⌈9 × 100 ÷ 82⌉ = 11 hosts at the peak", () => {
    expect(h.lever).toBe("managed-scaling");
    expect(h.rule.targetCapacity).toBe(82);
    expect(h.managedScaling).toMatchObject({ targetCapacity: 100, advisedTargetCapacity: 82, hostsAtPeak: 11 });
    expect(h.managedScaling!.text).toContain("targetCapacity 100 → 82 keeps 2 of the largest task of headroom");
    expect(h.managedScaling!.text).toContain("⌈9 × 100 ÷ 82⌉ = 11 hosts");
  });

  it("notes that a group over several types and zones grows one host per step (min step 1, 300 s warm-up)", () => {
    // min 7 → 11 at the peak: 4 scale-outs of 1 host, 300 s each = 20 min.
    expect(h.managedScaling!.notes).toContain(
      "from the quietest demand's 7 hosts to the peak's 11 takes 4 scale-outs of 1 host, 300 s warm-up each: about 20 min for the 2 spare hosts to cover (with several instance types or zones in the group, ECS adds exactly minimumScalingStepSize)",
    );
  });
});
