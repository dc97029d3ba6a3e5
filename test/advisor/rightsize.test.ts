import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { ceilTo, neededUnits, sizeResource } from "../../src/advisor/rightsize.js";

describe("the seed formula (Duolingo): needed = allocated × observed ÷ target", () => {
  it("1024 units at 40 % with a 60 % target → 409.6 used → 682.67 needed → 683", () => {
    expect((1024 * 40) / 100).toBe(409.6);
    expect(neededUnits(1024, 40, 60)).toBeCloseTo(682.6667, 4);
    expect(ceilTo(neededUnits(1024, 40, 60), 1)).toBe(683);
  });

  it("ceilTo does not round float noise up a whole step", () => {
    expect(ceilTo(683.0000000001, 1)).toBe(683);
    expect(ceilTo(1000, 32)).toBe(1024);
    expect(ceilTo(1024, 32)).toBe(1024);
  });
});

describe("sizeResource decisions", () => {
  const cpu = { ...DEFAULT_POLICY.cpu, percentile: 95, target: 60, upsizeAbove: 85 }; // the seed's target
  const constant = (v: number) => new Float32Array(200).fill(v);
  const opts = { minChangePercent: 10, tracked: false, blockDown: false };

  it.each([
    // observed %, expected decision, expected need (1024 × observed ÷ 60)
    [30, "down", 512], // 512 < 1024 × 0.9
    [56, "keep", 955.7333], // 955.7 ≥ 921.6: not worth a deployment
    [70, "keep", 1194.6667], // above target but not above 85 %: no upsize yet
    [90, "up", 1536],
  ] as const)("CPU at %i %% of 1024 → %s (needs %d)", (observed, decision, need) => {
    const r = sizeResource(1024, constant(observed), cpu, opts);
    expect(r.decision).toBe(decision);
    expect(r.need).toBeCloseTo(need, 3);
    expect(r.evidence.observedUnits).toBeCloseTo((1024 * observed) / 100, 3);
  });

  it("a blocked downsize says so instead of shrinking", () => {
    expect(sizeResource(1024, constant(30), cpu, { ...opts, blockDown: true }).decision).toBe("blocked");
  });

  it("a resource held by target tracking is kept whatever the numbers say", () => {
    expect(sizeResource(1024, constant(5), cpu, { ...opts, tracked: true }).decision).toBe("keep");
  });

  it("the OOM bump raises the need and forces an upsize", () => {
    // memory peak 50 % of 1024 at an 80 % target needs 640, but after OOM kills: max(1024 × 1.2, 1024 + 100) = 1228.8
    const r = sizeResource(1024, constant(50), DEFAULT_POLICY.memory, { ...opts, bumpTo: 1228.8 });
    expect(r.need).toBeCloseTo(1228.8, 6);
    expect(r.bumped).toBe(true);
    expect(r.decision).toBe("up");
  });

  it("no data → unknown", () => {
    const r = sizeResource(1024, new Float32Array(10).fill(Number.NaN), cpu, opts);
    expect(r.decision).toBe("unknown");
    expect(r.evidence.observedPercent).toBeNull();
  });
});
