import { describe, expect, it } from "vitest";
import { FARGATE_SIZES, isValidFargateSize, parseCpuUnits, parseMemoryMiB } from "../../src/model/units.js";

describe("Fargate sizes", () => {
  it("has the 74 documented pairs up to 16 vCPU plus the three 32 vCPU pairs", () => {
    expect(FARGATE_SIZES.filter((s) => !s.newest)).toHaveLength(74);
    expect(FARGATE_SIZES.filter((s) => s.newest).map((s) => s.memory)).toEqual([61440, 122880, 249856]);
  });

  it.each([
    [256, 512, true],
    [256, 4096, false],
    [512, 3072, true],
    [4096, 30720, true],
    [4096, 31744, false],
    [8192, 20480, true], // 16384 + 4096
    [8192, 18432, false], // steps of 4096 at 8 vCPU
    [16384, 40960, true], // 32768 + 8192
  ])("%i cpu / %i MiB valid: %s", (cpu, memory, valid) => {
    expect(isValidFargateSize(cpu, memory)).toBe(valid);
  });

  it("Windows tasks only take 1 to 4 vCPU", () => {
    expect(isValidFargateSize(512, 1024, { windows: true })).toBe(false);
    expect(isValidFargateSize(1024, 2048, { windows: true })).toBe(true);
    expect(isValidFargateSize(8192, 16384, { windows: true })).toBe(false);
  });
});

describe("parsing cpu and memory the way ECS accepts them (RegisterTaskDefinition: units or vCPU, MiB or GB; issue #15)", () => {
  it.each([
    ["1024", 1024],
    [1024, 1024],
    ["1 vCPU", 1024],
    ["1 vcpu", 1024],
    ["0.25 vcpu", 256],
    [".25 vcpu", 256],
    [".125 VCPU", 128],
    ["2vCPU", 2048],
    ["  4   vCPU  ", 4096],
    ["2 vcpus", 2048],
  ])("cpu %j → %i units", (v, units) => expect(parseCpuUnits(v)).toBe(units));

  it.each(["", "abc", "-1", "0", "0 vCPU", "2 lightyears", "512.5", "1. vCPU", ". vCPU", "1 cpu", "vCPU", null, {}])(
    "cpu %j is rejected",
    (v) => {
      expect(parseCpuUnits(v)).toBeUndefined();
    },
  );

  it.each([
    ["2048", 2048],
    ["2GB", 2048],
    ["2 GB", 2048],
    ["2 gb", 2048],
    [".5 gb", 512],
    ["0.5GB", 512],
    [" 1 Gb ", 1024],
    [3072, 3072],
  ])("memory %j → %i MiB", (v, mib) => expect(parseMemoryMiB(v)).toBe(mib));

  // Not among the documented forms: ECS documents MiB as a plain number and GB as the one suffix.
  it.each(["2 lightyears", "GB", "-2GB", "0", "0 GB", "512 MiB", "0.5 GiB", "2048MB", "2048.5", "1.GB"])("memory %j is rejected", (v) => {
    expect(parseMemoryMiB(v)).toBeUndefined();
  });
});
