import { describe, expect, it } from "vitest";
import { stripVTControlCharacters } from "node:util";
import { visibleLength } from "../../src/report/ansi.js";
import { fitName, renderTable, wrap } from "../../src/report/table.js";
import { demoReport } from "../helpers/demo-report.js";
import { expectGolden } from "../helpers/golden.js";

describe("--format table", () => {
  const plain = renderTable(demoReport(), { color: false, width: 100 });

  it("matches the golden file", () => expectGolden("report-demo.table.txt", plain));

  it("fits 100 columns, whatever the terminal", () => {
    for (const width of [100, 200]) {
      for (const line of renderTable(demoReport(), { color: true, width }).split("\n"))
        expect(visibleLength(line)).toBeLessThanOrEqual(100);
    }
  });

  it("prints every warning whole, wrapped, so what to do (at its end) is never cut", () => {
    const hint = "grant application-autoscaling:DescribeScalableTargets to include it";
    const long = `application-autoscaling:DescribeScalableTargets was denied, so autoscaling settings are unknown (${hint})`;
    const text = renderTable({ ...demoReport(), warnings: [{ code: "access-denied", message: long }] }, { color: false, width: 80 });
    const lines = text.split("\n").slice(2, 5);
    expect(lines.join(" ")).toContain(`warning: ${long}`);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it("has no colour codes unless asked, and the same text when asked", () => {
    expect(plain).not.toMatch(/\u001b\[/);
    const colored = renderTable(demoReport(), { color: true, width: 100 });
    expect(colored).toMatch(/\u001b\[31m!\u001b\[39m/); // the risk marker in red
    expect(stripVTControlCharacters(colored)).toBe(plain);
  });

  it("lists biggest savings first, marks risks, explains rows without advice, totals at the bottom", () => {
    const rows = plain.split("\n");
    const first = rows.findIndex((l) => l.includes("SERVICE")) + 1;
    expect(rows[first]).toMatch(/shop-fargate\/pdf-render\s+2048→1024\s+8192→3072\s+2\.0\s+518\.83\s+244\.74\s+274\.09\s+high/);
    expect(plain).toMatch(/ ! shop-fargate\/pricing-engine .*\n\s+risk: 3 tasks were killed for running out of memory/);
    expect(plain).toMatch(/shop-fargate\/onboarding-v2 .*\n\s+no advice: only 18 h of data/);
    // The columns add up on the ALL SERVICES row; the bill and the levers follow it.
    const total = rows.find((l) => l.trimStart().startsWith("ALL SERVICES"))!;
    const t = demoReport().totals;
    const money = (x: number) => (Math.round(x * 100) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 });
    expect(total).toContain(money(t.currentMonthlyUsd));
    expect(total).toContain(money(t.recommendedMonthlyUsd));
    const after = rows.slice(rows.indexOf(total) + 1, rows.indexOf(total) + 4).join(" ");
    expect(after).toContain("now $5,779.24/mo: Fargate tasks $3,665.16 + EC2 instances $2,114.08 (idle $638.05)");
    expect(after.replace(/\s+/g, " ")).toContain(
      "with every change: $2,389.20/mo less (41%): Fargate right-sizing $1,446.76 + EC2 hosts $795.70 + autoscaling $146.74",
    );
  });

  it("shortens long names from the cluster side and wraps notes at words", () => {
    expect(fitName("a-very-long-cluster-name", "payments-api", 24)).toBe("a-very-lon…/payments-api"); // 10 + "…/" + 12 = 24;
    expect(fitName("c", "svc", 24)).toBe("c/svc");
    expect(wrap("one two three four five six", 9, 2)).toEqual(["one two", "three fo…"]);
    expect(wrap("one two three four five six", 9, 1)).toEqual(["one two …"]);
    expect(wrap("one two", 9, 1)).toEqual(["one two"]);
    expect(wrap("one two three", 9, 3)).toEqual(["one two", "three"]);
  });
});
