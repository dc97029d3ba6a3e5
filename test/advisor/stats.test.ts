import { describe, expect, it } from "vitest";
import { linearFit, mean, percentile, percentiles } from "../../src/advisor/stats.js";

describe("percentile (nearest rank)", () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  it.each([
    [50, 5], // rank ceil(0.5 × 10) = 5 → 5th smallest
    [90, 9], // rank 9
    [95, 10], // rank ceil(9.5) = 10
    [10, 1],
    [100, 10],
  ])("p%i of 1..10 is %i", (p, v) => expect(percentile(ten, p)).toBe(v));

  it("skips gaps (NaN)", () => {
    expect(percentile([Number.NaN, 3, Number.NaN, 1, 2], 50)).toBe(2);
    expect(percentile([Number.NaN, Number.NaN], 95)).toBeNaN();
  });

  it("p95 of 100 values 1..100 is 95", () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(Float32Array.from(xs), 99)).toBe(99);
  });

  it("mean skips gaps", () => {
    expect(mean([1, Number.NaN, 3])).toBe(2);
  });
});

describe("linearFit", () => {
  it("fits y = 2x + 1 exactly", () => {
    const fit = linearFit([1, 3, 5, 7, 9]);
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(1, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it("uses the x step and a sub-range", () => {
    // values 0, 10, 20, 30 at x = 0, 0.5, 1, 1.5 → slope 20 per x
    const fit = linearFit([99, 0, 10, 20, 30, 99], 1, 5, 0.5);
    expect(fit.slope).toBeCloseTo(20, 12);
    expect(fit.n).toBe(4);
  });
});

describe("percentiles (several at once)", () => {
  it("agrees with percentile() for every p, on random data with gaps and ties", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 20; round++) {
      const xs = Float32Array.from({ length: 500 + round * 37 }, () => (rnd() < 0.1 ? Number.NaN : Math.round(rnd() * 50)));
      const ps = [100, 50, 99.9, 0, 75, 95, 97, 98, 99, 99.5, 90];
      expect(percentiles(xs, ps)).toEqual(ps.map((p) => percentile(xs, p)));
    }
  });
});
