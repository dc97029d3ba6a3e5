import { describe, expect, it } from "vitest";
import { snapToFargate } from "../../src/advisor/fargate.js";
import { PRICES } from "../helpers/snapshot.js";

const linux = { arm: false, windows: false, allow32Vcpu: true, prices: PRICES };

describe("snapping a need to the cheapest Fargate size that covers it", () => {
  it.each([
    // need cpu, need MiB → size; and why, worked out with $0.04048/vCPU-h and $0.004445/GB-h
    [300, 600, 512, 1024], // 256 cpu is too little; 512/1024 = $0.024685/h is the cheapest with ≥ 300 and ≥ 600
    [1025, 1024, 2048, 4096], // one unit over 1 vCPU → 2 vCPU, whose smallest memory is 4096 ($0.09874/h)
    [256, 5120, 1024, 5120], // 5 GiB is past 256's (2048) and 512's (4096) memory; 1024/5120 = $0.062705/h < 2048/5120
    [256, 512, 256, 512],
    [1024, 2048, 1024, 2048], // exactly a size
    [682.67, 0, 1024, 2048], // the seed example on Fargate
    [4097, 8192, 8192, 16384],
    [0, 30721, 8192, 32768], // past 4 vCPU's 30720; 8 vCPU steps by 4096 from 16384
  ])("needs %d cpu / %d MiB → %i / %i", (cpu, mem, wantCpu, wantMem) => {
    const snap = snapToFargate(cpu, mem, linux);
    expect([snap.cpu, snap.memory]).toEqual([wantCpu, wantMem]);
    expect(snap.exceedsMax).toBe(false);
  });

  it("prices the chosen size: 512/1024 costs 0.5 × 0.04048 + 1 × 0.004445 = $0.024685/h", () => {
    expect(snapToFargate(300, 600, linux).hourly).toBeCloseTo(0.024685, 9);
  });

  it("Windows starts at 1 vCPU: a 256/512 need becomes 1024/2048", () => {
    const snap = snapToFargate(256, 512, { ...linux, windows: true });
    expect([snap.cpu, snap.memory]).toEqual([1024, 2048]);
  });

  it("a need past the largest size returns the largest, flagged", () => {
    const big = snapToFargate(40000, 1000, linux);
    expect([big.cpu, big.memory, big.exceedsMax]).toEqual([32768, 249856, true]);
    const no32 = snapToFargate(20000, 1000, { ...linux, allow32Vcpu: false });
    expect([no32.cpu, no32.memory, no32.exceedsMax]).toEqual([16384, 122880, true]);
  });

  it("uses the 32 vCPU sizes only when allowed", () => {
    expect(snapToFargate(16385, 0, linux).cpu).toBe(32768);
  });
});
