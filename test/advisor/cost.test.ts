import { describe, expect, it } from "vitest";
import { spreadByStrategy } from "../../src/advisor/allocation.js";
import { ec2TaskHourly, ec2UnitPrices, fargateTaskHourly, monthly, withSpot } from "../../src/advisor/cost.js";
import type { ContainerInstance } from "../../src/model/snapshot.js";
import { PRICES } from "../helpers/snapshot.js";

describe("Fargate task cost", () => {
  it("x86 1 vCPU / 2 GB: 1 × 0.04048 + 2 × 0.004445 = $0.04937/h, × 730 = $36.0401/mo", () => {
    const h = fargateTaskHourly({ cpu: 1024, memory: 2048, arm: false, windows: false }, PRICES);
    expect(h).toBeCloseTo(0.04937, 10);
    expect(monthly(h)).toBeCloseTo(36.0401, 8);
  });

  it("ARM 1 vCPU / 2 GB: 1 × 0.03238 + 2 × 0.00356 = $0.0395/h, × 730 = $28.835/mo (20 % less)", () => {
    const h = fargateTaskHourly({ cpu: 1024, memory: 2048, arm: true, windows: false }, PRICES);
    expect(h).toBeCloseTo(0.0395, 10);
    expect(monthly(h)).toBeCloseTo(28.835, 8);
  });

  it("Windows adds the OS licence per vCPU: 1 × (0.09148 + 0.046) + 2 × 0.01005 = $0.15758/h", () => {
    expect(fargateTaskHourly({ cpu: 1024, memory: 2048, arm: false, windows: true }, PRICES)).toBeCloseTo(0.15758, 10);
  });

  it("ephemeral storage above the free 20 GiB: 50 GiB adds 30 × 0.000111 = $0.00333/h", () => {
    const base = fargateTaskHourly({ cpu: 256, memory: 512, arm: false, windows: false }, PRICES);
    const big = fargateTaskHourly({ cpu: 256, memory: 512, arm: false, windows: false, ephemeralStorageGiB: 50 }, PRICES);
    expect(big - base).toBeCloseTo(0.00333, 10);
  });

  it("Fargate Spot: base 1 on FARGATE, then 1:3 → of 4 tasks 1.75 on demand, 2.25 on Spot", () => {
    const spread = spreadByStrategy(
      [
        { capacityProvider: "FARGATE", weight: 1, base: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 3, base: 0 },
      ],
      4,
    );
    expect(spread.get("FARGATE")).toBeCloseTo(1.75, 12);
    expect(spread.get("FARGATE_SPOT")).toBeCloseTo(2.25, 12);
    // share 0.5625 on Spot at 70 % off: 0.04937 × (0.4375 + 0.5625 × 0.3) = 0.04937 × 0.60625
    expect(withSpot(0.04937, 0.5625, 0.7)).toBeCloseTo(0.0299305625, 12);
  });
});

describe("EC2-hosted service cost: its share of the hosts by reservation", () => {
  // One m5.xlarge at $0.192/h (4 vCPU, 16 GiB) that registered 4096 cpu units and 16000 MiB.
  // Fargate prices 4 vCPU at 4 × 0.04048 = 0.16192 and 16 GB at 16 × 0.004445 = 0.07112, so the
  // instance's $0.192 splits 0.16192 : 0.07112 into cpu and memory.
  const host: ContainerInstance = {
    cluster: "c1",
    id: "ci-1",
    instanceType: "m5.xlarge",
    status: "ACTIVE",
    agentConnected: true,
    registered: { cpu: 4096, memory: 16000 },
    remaining: { cpu: 2048, memory: 8000 },
  };
  const cpuPart = (0.192 * 0.16192) / (0.16192 + 0.07112); // $0.1334047/h
  const memPart = (0.192 * 0.07112) / (0.16192 + 0.07112); // $0.0585953/h

  it("splits the instance price onto cpu units and MiB", () => {
    const u = ec2UnitPrices([host], PRICES)!;
    expect(u.cpuUnitHour).toBeCloseTo(cpuPart / 4096, 15);
    expect(u.memoryMiBHour).toBeCloseTo(memPart / 16000, 15);
    expect(u.instancesHourly).toBeCloseTo(0.192, 12);
    // half of each resource is unreserved → half the instance: $0.096/h
    expect(u.unreservedHourly).toBeCloseTo(0.096, 12);
  });

  it("a 1024-cpu / 2048-MiB task reserves 1/4 of the cpu and 0.128 of the memory: $0.04085/h, 2 tasks $59.64/mo", () => {
    const u = ec2UnitPrices([host], PRICES)!;
    const hourly = ec2TaskHourly(1024, 2048, u);
    expect(hourly).toBeCloseTo(0.25 * cpuPart + 0.128 * memPart, 12);
    expect(hourly).toBeCloseTo(0.0408513, 6);
    expect(monthly(hourly) * 2).toBeCloseTo(59.64, 2);
  });

  it("leaves unpriced instance types out and names them", () => {
    const u = ec2UnitPrices([host, { ...host, id: "ci-2", instanceType: "x9.mystery" }], PRICES)!;
    expect(u.unpricedInstanceTypes).toEqual(["x9.mystery"]);
    expect(u.pricedInstances).toBe(1);
  });

  it("no priced instance → no unit prices", () => {
    expect(ec2UnitPrices([{ ...host, instanceType: "x9.mystery" }], PRICES)).toBeUndefined();
  });
});
