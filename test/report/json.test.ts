import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { reportSchema, type Report } from "../../src/model/report.js";
import { renderJson, stringifyCompact, toPublishedReport } from "../../src/report/json.js";
import { ROOT } from "../helpers/cli.js";
import { demoReport } from "../helpers/demo-report.js";
import { expectGolden } from "../helpers/golden.js";

const published = (): Report => JSON.parse(renderJson(demoReport(), { color: false, width: 100 })) as Report;

describe("--format json (Report JSON v1)", () => {
  it("validates against the zod schema and the published JSON Schema", () => {
    const json = published();
    expect(() => reportSchema.parse(json)).not.toThrow();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "schema", "report-v1.schema.json"), "utf8")));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it("has the fields the contract promises", () => {
    const json = published();
    expect(json.schemaVersion).toBe(1);
    expect(json.source).toMatchObject({ kind: "demo", region: "us-east-1", window: { periodSeconds: 300 } });
    expect(json.services).toHaveLength(40);
    for (const s of json.services) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining(["cluster", "service", "launchType", "taskDefinition", "current", "recommended", "confidence", "reasons"]),
      );
    }
  });

  it("rounds money to cents and keeps savings = current − recommended exactly", () => {
    const json = published();
    const cents = (x: number) => Math.round(x * 100);
    expect(cents(json.totals.savingsMonthlyUsd)).toBe(cents(json.totals.currentMonthlyUsd) - cents(json.totals.recommendedMonthlyUsd));
    for (const s of json.services) {
      for (const v of [s.current.monthlyUsd, s.recommended?.monthlyUsd, s.savingsMonthlyUsd]) {
        if (typeof v === "number") expect(Math.abs(v * 100 - Math.round(v * 100))).toBeLessThan(1e-6);
      }
      if (s.recommended && s.current.monthlyUsd !== null && s.recommended.monthlyUsd !== null) {
        expect(cents(s.savingsMonthlyUsd!)).toBe(cents(s.current.monthlyUsd) - cents(s.recommended.monthlyUsd));
      }
    }
  });

  it("a service without advice has recommended: null and says why", () => {
    const none = published().services.filter((s) => s.recommended === null);
    expect(none.map((s) => s.service).sort()).toEqual(["legacy-export", "onboarding-v2"]);
    for (const s of none) expect(s.reasons.length).toBeGreaterThan(0);
  });

  it("matches the golden file", () => {
    expectGolden("report-demo.json", renderJson(demoReport(), { color: false, width: 100 }));
  });
});

describe("stringifyCompact", () => {
  it("is JSON.stringify(value, null, 2) but for number arrays, which stay on one line", () => {
    const value = {
      a: 1,
      b: "x\u2028<",
      c: [1, 2.5, null, Number.NaN],
      d: [{ e: [] }, "f", true],
      g: {},
      h: undefined,
      i: [[1, 2], [3]],
      j: -0.5e-7,
    };
    const text = stringifyCompact(value);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(text).toContain('"c": [1, 2.5, null, null]');
    expect(text).toContain('"i": [\n    [1, 2],\n    [3]\n  ]');
    const published = toPublishedReport(demoReport());
    const withoutSeries = { ...published, services: published.services.map((s) => ({ ...s, usage: null })) };
    expect(stringifyCompact(withoutSeries)).toBe(JSON.stringify(withoutSeries, null, 2));
  });
});
