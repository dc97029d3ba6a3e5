// Many account-regions in one report: each advised alone, then added up. Worked by hand on the demo: the
// demo as 123456789012/us-east-1, its first ten services again as 210987654321/eu-west-1, and an account
// whose role could not be assumed.
import { describe, expect, it } from "vitest";
import { accountTotals, adviseEstate, mergeReports } from "../../src/advisor/estate.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { partsOf } from "../../src/cli/source.js";
import { demoReport } from "../helpers/demo-report.js";
import { DENIED_ACCOUNT, demoEstate, estateReport, OTHER_ACCOUNT } from "../helpers/estate-report.js";

const input = (reverse = false) => {
  const e = demoEstate();
  const parts = partsOf(e);
  return {
    parts: reverse ? [...parts].reverse() : parts,
    gaps: e.gaps,
    policy: DEFAULT_POLICY,
    generatedAt: "2026-11-22T00:00:00Z",
    sourceKind: "snapshot" as const,
    toolVersion: "0.1.0",
  };
};

describe("a report of several account-regions", () => {
  const r = estateReport();

  it("one account-region and no gap: exactly the report advise() makes", () => {
    const e = demoEstate();
    const one = adviseEstate({ ...input(), parts: partsOf({ parts: [e.parts[0]!], gaps: [] }), gaps: [], sourceKind: "demo" });
    expect(one).toEqual(demoReport());
  });

  it("the other account's ten Fargate services: $1,729.93 now, $845.19 to save, by hand", () => {
    // now: 340.24 recommendations + 255.18 cart-api + 288.32 checkout-api + 173.01 image-resizer + 72.08
    // notifications + 227.72 search-api + 18.02 admin-portal + 216.24 catalog-api + 85.06 session-store
    // + 54.06 pricing-engine = 1,729.93 (the demo's own figures for those services).
    // saves: right-sizing 248.69 + 191.38 + 144.16 + 86.51 + 54.06 + 18.81 + 9.01 + 0 + 0 − 54.06 = 698.56,
    // autoscaling 34.22 (checkout-api) + 112.41 (catalog-api) = 146.63; 845.19 in all.
    const other = r.scopes!.find((s) => s.account === OTHER_ACCOUNT)!;
    expect(other.nowMonthlyUsd).toBeCloseTo(1729.93, 2);
    expect(other.realisableSavingsMonthlyUsd).toBeCloseTo(845.19, 2);
    expect([other.region, other.services, other.status]).toEqual(["eu-west-1", 10, "collected"]);
    const demo = demoReport().totals;
    expect(r.totals.nowMonthlyUsd).toBeCloseTo(demo.nowMonthlyUsd + 1729.93, 2);
    expect(r.totals.realisableSavingsMonthlyUsd).toBeCloseTo(demo.realisableSavingsMonthlyUsd + 845.19, 2);
    expect(r.totals.afterMonthlyUsd).toBeCloseTo(r.totals.nowMonthlyUsd - r.totals.realisableSavingsMonthlyUsd, 6);
    expect(r.totals.byLever.fargateRightsizingMonthlyUsd).toBeCloseTo(demo.byLever.fargateRightsizingMonthlyUsd + 698.56, 2);
    expect([r.totals.services, r.totals.changes]).toEqual([50, demo.changes + 8]);
  });

  it("every total is the sum of the account-regions' (nothing counted twice, nothing lost)", () => {
    const e = input();
    const single = e.parts.map((p) => adviseEstate({ ...e, parts: [p], gaps: [] }).totals);
    const sum = (f: (t: (typeof single)[number]) => number) => single.reduce((a, t) => a + f(t), 0);
    for (const key of Object.keys(r.totals) as Array<keyof typeof r.totals>) {
      if (key === "byLever") continue;
      expect(r.totals[key], key).toBeCloseTo(
        sum((t) => t[key] as number),
        6,
      );
    }
    expect(r.totals.byLever.ec2HostsMonthlyUsd).toBeCloseTo(
      sum((t) => t.byLever.ec2HostsMonthlyUsd),
      6,
    );
  });

  it("services of both accounts side by side, ranked together, each saying where it runs", () => {
    expect(r.services.map((s) => s.savingsMonthlyUsd ?? -Infinity)).toEqual(
      [...r.services.map((s) => s.savingsMonthlyUsd ?? -Infinity)].sort((a, b) => b - a),
    );
    const cart = r.services.filter((s) => s.service === "cart-api").map((s) => [s.account, s.region]);
    expect(cart).toEqual([
      ["123456789012", "us-east-1"],
      [OTHER_ACCOUNT, "eu-west-1"],
    ]);
    expect(r.clusters.map((c) => `${c.account}/${c.region}/${c.cluster}`)).toEqual([
      "123456789012/us-east-1/core-ec2",
      "123456789012/us-east-1/shop-fargate",
      `${OTHER_ACCOUNT}/eu-west-1/shop-fargate`,
    ]);
    expect([r.source.region, r.source.accounts, r.source.regions]).toEqual([
      "multiple",
      ["123456789012", OTHER_ACCOUNT, DENIED_ACCOUNT],
      ["eu-west-1", "us-east-1"],
    ]);
  });

  it("the gap: a scope of its own and a warning; each warning says which account-region it is about", () => {
    const gap = r.scopes!.find((s) => s.status === "gap")!;
    expect(gap).toMatchObject({ account: DENIED_ACCOUNT, region: null, gap: { code: "access-denied" }, services: 0 });
    expect(r.warnings.map((w) => w.message.split(":")[0])).toEqual([
      "123456789012/us-east-1",
      `${OTHER_ACCOUNT}/eu-west-1`,
      `${DENIED_ACCOUNT} (every region) was not collected`,
    ]);
    expect(r.warnings.at(-1)!.message).toMatch(/; the report covers the rest$/);
  });

  it("the same whatever order the account-regions come in (merged snapshots give the same report)", () => {
    expect(adviseEstate(input(true))).toEqual(adviseEstate(input()));
  });

  it("per-account totals add the account's regions", () => {
    const twice = mergeReports(
      [r, r].map((x) => ({ ...x, scopes: x.scopes!.filter((s) => s.account === OTHER_ACCOUNT) })),
      [],
    );
    expect(accountTotals(twice)).toEqual([
      expect.objectContaining({ account: OTHER_ACCOUNT, regions: 2, services: 20, nowMonthlyUsd: expect.closeTo(2 * 1729.93, 1) }),
    ]);
    expect(accountTotals(r).map((a) => [a.account, a.regions, a.gaps])).toEqual([
      ["123456789012", 1, 0],
      [OTHER_ACCOUNT, 1, 0],
      [DENIED_ACCOUNT, 0, 1],
    ]);
  });
});
