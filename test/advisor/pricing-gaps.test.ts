// Issue #13, "smaller ones": prices a user could act on must be the real ones, or none.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { loadSaved } from "../../src/cli/source.js";
import type { Prices } from "../../src/model/snapshot.js";

function demoWith(prices: (p: Prices) => Prices) {
  const src = loadSaved({ demo: true }, process.cwd());
  const p = prices(structuredClone(src.prices));
  return advise({
    snapshot: { ...src.snapshot, prices: p },
    prices: p,
    policy: DEFAULT_POLICY,
    generatedAt: "2026-11-22T00:00:00Z",
    sourceKind: "snapshot",
    toolVersion: "t",
  });
}

describe("Windows on Fargate when the price set has no Windows rates", () => {
  // With Windows rates pdf-render (2 × 2048/8192, WINDOWS_SERVER_2019_CORE) costs
  //   2 × (2 × (0.09148 + 0.046) + 8 × 0.01005) × 730 = $518.83 a month;
  // at Linux rates it would read 2 × (2 × 0.04048 + 8 × 0.004445) × 730 = $170.12 — a third of the bill.
  const r = demoWith((p) => {
    delete p.fargate.windowsX86;
    return p;
  });
  const pdf = r.services.find((s) => s.service === "pdf-render")!;

  it("is not priced at Linux rates: no dollars, a no-price warning that says why and what to do", () => {
    expect(pdf.current.monthlyUsd).toBeNull();
    expect(pdf.recommended?.monthlyUsd ?? null).toBeNull();
    expect(pdf.savingsMonthlyUsd).toBeNull();
    const reason = pdf.reasons.find((x) => x.code === "no-price")!;
    expect(reason.severity).toBe("warning");
    expect(reason.message).toMatch(/no Fargate Windows rates/);
    expect(reason.message).toMatch(/left unpriced rather than priced at Linux rates/);
  });

  it("still sizes it, and the totals count it as unpriced", () => {
    expect(pdf.recommended).toMatchObject({ cpu: 1024, memory: 3072 });
    expect(r.totals.unpricedServices).toBe(1);
  });

  it("with Windows rates it is $518.83 a month", () => {
    const ok = demoWith((p) => p).services.find((s) => s.service === "pdf-render")!;
    expect(ok.current.monthlyUsd).toBeCloseTo(518.83, 2);
  });
});
