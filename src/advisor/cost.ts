// Dollars. Prices arrive in the snapshot; this module only multiplies (aws-facts §1.2–1.3, §8).
import type { ContainerInstance, Prices, TaskDefinition } from "../model/snapshot.js";
import type { Placement } from "./allocation.js";
import { HOURS_PER_MONTH, gibOf, vcpuOf } from "../model/units.js";

export { HOURS_PER_MONTH };

export interface FargateTaskShape {
  cpu: number;
  memory: number;
  arm: boolean;
  windows: boolean;
  ephemeralStorageGiB?: number | undefined;
}

/** On-Demand USD per task-hour: vCPU × rate + GB × rate (+ storage above the free 20 GB). */
export function fargateTaskHourly(shape: FargateTaskShape, prices: Prices): number {
  const f = prices.fargate;
  const vcpu = vcpuOf(shape.cpu);
  const gb = gibOf(shape.memory);
  let hourly: number;
  if (shape.windows && f.windowsX86) {
    hourly = vcpu * (f.windowsX86.vcpuHour + f.windowsX86.osLicenseVcpuHour) + gb * f.windowsX86.gbHour;
  } else {
    const rate = shape.arm ? f.linuxArm64 : f.linuxX86;
    hourly = vcpu * rate.vcpuHour + gb * rate.gbHour;
  }
  const extraStorage = Math.max(0, (shape.ephemeralStorageGiB ?? 20) - 20);
  return hourly + extraStorage * f.ephemeralGbHour;
}

/** Blend On-Demand and Spot by the share of tasks on Fargate Spot. */
export function withSpot(onDemandHourly: number, spotShare: number, spotDiscount: number): number {
  return onDemandHourly * (1 - spotShare) + onDemandHourly * (1 - spotDiscount) * spotShare;
}

/** The Spot rates for a Linux task, when the price set has them (the Price List); else the discount is assumed. */
export function spotRates(prices: Prices, arm: boolean): { vcpuHour: number; gbHour: number } | undefined {
  return arm ? prices.fargate.linuxArm64Spot : prices.fargate.linuxX86Spot;
}

/**
 * USD per task-hour with `spotShare` of the tasks on Fargate Spot: at the Price List's Spot rates when it has
 * them, else On-Demand less the assumed discount ("up to 70 %"; Spot prices vary by region and over time).
 */
export function fargateBlendedHourly(shape: FargateTaskShape, prices: Prices, spotShare: number, spotDiscount: number): number {
  const onDemand = fargateTaskHourly(shape, prices);
  if (spotShare === 0) return onDemand;
  const rates = shape.windows ? undefined : spotRates(prices, shape.arm);
  if (!rates) return withSpot(onDemand, spotShare, spotDiscount);
  const storage = Math.max(0, (shape.ephemeralStorageGiB ?? 20) - 20) * prices.fargate.ephemeralGbHour;
  const spot = vcpuOf(shape.cpu) * rates.vcpuHour + gibOf(shape.memory) * rates.gbHour + storage;
  return onDemand * (1 - spotShare) + spot * spotShare;
}

export interface Ec2UnitPrices {
  /** USD per reserved cpu unit per hour, and per reserved MiB per hour, across the cluster's priced instances. */
  cpuUnitHour: number;
  memoryMiBHour: number;
  /** On-Demand USD per hour of all priced instances. */
  instancesHourly: number;
  /** Cost of the registered-but-unreserved capacity, USD per hour. */
  unreservedHourly: number;
  unpricedInstanceTypes: string[];
  pricedInstances: number;
}

/**
 * Split each instance's price between its CPU and its memory in the proportion Fargate charges for them
 * (so an m5.xlarge's $0.192/h is 69 % CPU, 31 % memory), then spread each part over the registered
 * capacity. A task's share of its hosts is then cpu × cpuUnitHour + memory × memoryMiBHour, the shares
 * of all tasks plus the unreserved remainder add up to the instances' cost, and the split does not
 * depend on which host a task happens to run on.
 */
export function ec2UnitPrices(instances: readonly ContainerInstance[], prices: Prices): Ec2UnitPrices | undefined {
  const rate = prices.fargate.linuxX86;
  let cpuDollars = 0;
  let memDollars = 0;
  let regCpu = 0;
  let regMem = 0;
  let instancesHourly = 0;
  let unreservedHourly = 0;
  let pricedInstances = 0;
  const unpriced = new Set<string>();
  const live = instances.filter((i) => i.status === "ACTIVE" || i.status === "DRAINING");
  const perInstance: Array<{ cpuPart: number; memPart: number; i: ContainerInstance }> = [];
  for (const i of live) {
    const price = i.instanceType ? prices.ec2[i.instanceType] : undefined;
    if (!price) {
      unpriced.add(i.instanceType ?? "unknown");
      continue;
    }
    const cpuValue = price.vcpu * rate.vcpuHour;
    const memValue = gibOf(price.memoryMiB) * rate.gbHour;
    const w = cpuValue + memValue > 0 ? cpuValue / (cpuValue + memValue) : 0.5;
    const cpuPart = price.hourly * w;
    const memPart = price.hourly * (1 - w);
    cpuDollars += cpuPart;
    memDollars += memPart;
    regCpu += i.registered.cpu;
    regMem += i.registered.memory;
    instancesHourly += price.hourly;
    pricedInstances++;
    perInstance.push({ cpuPart, memPart, i });
  }
  if (pricedInstances === 0 || regCpu === 0 || regMem === 0) return undefined;
  const cpuUnitHour = cpuDollars / regCpu;
  const memoryMiBHour = memDollars / regMem;
  for (const { i } of perInstance) {
    unreservedHourly += i.remaining.cpu * cpuUnitHour + i.remaining.memory * memoryMiBHour;
  }
  return {
    cpuUnitHour,
    memoryMiBHour,
    instancesHourly,
    unreservedHourly,
    unpricedInstanceTypes: [...unpriced].sort(),
    pricedInstances,
  };
}

export function ec2TaskHourly(cpu: number, memory: number, unit: Ec2UnitPrices): number {
  return cpu * unit.cpuUnitHour + memory * unit.memoryMiBHour;
}

export const monthly = (hourly: number): number => hourly * HOURS_PER_MONTH;

export type TaskPricer = (cpu: number, memory: number) => number;

/**
 * USD per task-hour for a task of a given size, placed as the service places it: Fargate (On-Demand and
 * Spot blended, ARM and Windows rates, extra storage), or the EC2 cluster's unit prices. "external":
 * ECS Anywhere has no AWS price; "unpriced-ec2": the cluster has no priced container instances;
 * "unpriced-windows": a Windows task on Fargate and a price set without Fargate Windows rates.
 */
export function taskPricer(
  placement: Placement,
  td: Pick<TaskDefinition, "ephemeralStorageGiB">,
  prices: Prices,
  spotDiscount: number,
  ec2Units: Ec2UnitPrices | undefined,
): TaskPricer | "external" | "unpriced-ec2" | "unpriced-windows" {
  if (placement.kind === "external") return "external";
  if (placement.kind === "fargate") {
    // Windows at Linux rates would read about a third of the bill: no price beats a wrong one.
    if (placement.windows && !prices.fargate.windowsX86) return "unpriced-windows";
    const discount = prices.fargate.spotDiscount ?? spotDiscount;
    return (cpu, memory) =>
      fargateBlendedHourly(
        { cpu, memory, arm: placement.arm, windows: placement.windows, ephemeralStorageGiB: td.ephemeralStorageGiB },
        prices,
        placement.spotShare,
        discount,
      );
  }
  if (!ec2Units) return "unpriced-ec2";
  return (cpu, memory) => ec2TaskHourly(cpu, memory, ec2Units);
}
