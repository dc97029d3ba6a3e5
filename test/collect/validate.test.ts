// Impossible input is never taken at face value: a snapshot whose window runs backwards or lists a service
// twice is refused; utilization outside what a task can report is dropped (a few points, with a warning
// naming the service) or refused for that service (mostly bad: no advice, and a reason) — never a
// confident recommendation from impossible data. The demo fleet's services, with one series broken.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSaved } from "../../src/cli/source.js";
import { serializeSnapshot } from "../../src/collect/file.js";
import { summarize } from "../../src/collect/series.js";
import { validateUtilization } from "../../src/collect/validate.js";
import type { Report, ServiceFinding } from "../../src/model/report.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { cli } from "../helpers/cli.js";
import { narrowDemo } from "../helpers/demo-evidence.js";
import { service, snapshot, taskDef, util } from "../helpers/snapshot.js";

const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-validate-"));
let files = 0;

// Four of the demo's services (cart-api is services[3], as in the whole fleet), serialized once: what each test
// breaks is in one of them, and the others show the rest of the snapshot is read as it was.
let demoText: string | undefined;
const DEMO_SERVICES = ["checkout-api", "catalog-api", "search-api", "cart-api"];

/** The narrowed demo snapshot with `change` applied to a copy, written to a file. */
function demoWith(change: (s: Snapshot) => void): string {
  demoText ??= serializeSnapshot(narrowDemo(DEMO_SERVICES));
  const json = JSON.parse(demoText) as Snapshot;
  change(json);
  const file = join(dir, `s${++files}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}
const series = (s: Snapshot, name: string) => s.services.find((x) => x.name === name)!.utilization as unknown as Record<string, number[]>;

async function report(file: string): Promise<Report> {
  const r = await cli(["report", "--snapshot", file, "--format", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}
const finding = (r: Report, name: string): ServiceFinding => r.services.find((s) => s.service === name)!;
const codes = (f: ServiceFinding) => f.reasons.map((x) => x.code);

describe("a snapshot that cannot be true is refused with one line", () => {
  it("a window whose start is not before its end", async () => {
    const file = demoWith((s) => {
      [s.window.start, s.window.end] = [s.window.end, s.window.start];
    });
    const r = await cli(["report", "--snapshot", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      `ecs-advisor: ${file}: window.start (2026-11-16T00:00:00Z) is not before window.end (2026-11-02T00:00:00Z)`,
    );
  });

  it("a service listed twice", async () => {
    const file = demoWith((s) => {
      s.services.push(structuredClone(s.services[3]!));
    });
    const r = await cli(["report", "--snapshot", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`ecs-advisor: ${file}: services[4] (shop-fargate/cart-api) is listed twice (also services[3])`);
  });
});

/** The demo as it is, through the same path (once for the file). */
let clean: Promise<Report> | undefined;
const cleanReport = () => (clean ??= report(demoWith(() => {})));

describe("impossible utilization", () => {
  it("all-negative CPU: no advice, and a reason that says why (not 'needs -1280 units')", async () => {
    const file = demoWith((s) => {
      const u = series(s, "cart-api");
      u.cpuMaximum = u.cpuMaximum!.map(() => -40);
      u.cpuAverage = u.cpuAverage!.map(() => -40);
    });
    const f = finding(await report(file), "cart-api");
    expect(f.recommended).toBeNull();
    expect(f.confidence).toBe("none");
    expect(codes(f)).toContain("invalid-metrics");
    expect(codes(f)).not.toContain("no-metrics");
    expect(JSON.stringify(f.reasons)).not.toMatch(/-\d+ units/);
    expect(f.reasons.find((x) => x.code === "invalid-metrics")!.message).toBe(
      "8064 of its 20160 CloudWatch values are impossible (CPU below 0%), so its metrics are not used",
    );
  });

  it("one memory point of 1e12 %: dropped with a warning; the advice and the fleet's dollars are as without it", async () => {
    const clean = await cleanReport();
    const file = demoWith((s) => {
      series(s, "cart-api").memoryMaximum![100] = 1e12;
    });
    const r = await report(file);
    const f = finding(r, "cart-api");
    expect(f.recommended).toEqual(finding(clean, "cart-api").recommended);
    expect(f.confidence).toBe("medium"); // was high: not with a point that could not be true
    expect(f.reasons.find((x) => x.code === "invalid-metrics")!.message).toBe(
      "1 of its 20160 CloudWatch values was impossible (memory above its hard limit) and was left out",
    );
    expect(r.totals.savingsMonthlyUsd).toBe(clean.totals.savingsMonthlyUsd);
    expect(r.warnings).toContainEqual({
      code: "invalid-metrics",
      message: "shop-fargate/cart-api: 1 of its 20160 CloudWatch values was impossible (memory above its hard limit) and was left out",
    });
  });

  it("a container's usage below 0: those points are gaps, with a warning; the container is sized from the rest", async () => {
    const clean = await cleanReport();
    const file = demoWith((s) => {
      const app = (series(s, "cart-api") as unknown as { containers: Array<{ name: string; memoryMaximum: number[] }> }).containers[0]!;
      app.memoryMaximum[7] = -5;
      app.memoryMaximum[8] = -1e9;
    });
    const f = finding(await report(file), "cart-api");
    expect(f.reasons.find((x) => x.code === "invalid-metrics")!.message).toBe("2 container-level values were below 0 and left out");
    expect(f.containers!.containers[0]!.recommended).toEqual(finding(clean, "cart-api").containers!.containers[0]!.recommended);
  });

  it("check reads the same evidence: impossible usage is no usage, not a verdict", async () => {
    const file = demoWith((s) => {
      const u = series(s, "checkout-api");
      u.memoryMaximum = u.memoryMaximum!.map(() => -1);
      u.memoryAverage = u.memoryAverage!.map(() => -1);
    });
    const r = await cli(["check", "fixtures/taskdefs/checkout-api-too-small.json", "--snapshot", file, "--format", "json"]);
    const result = JSON.parse(r.stdout);
    // Only the static rule fails (1024 / 1024 is no Fargate size); memory-below-peak has no peak to go by.
    expect(result.taskDefinitions[0].violations.map((v: { rule: string }) => v.rule)).toEqual(["invalid-fargate-size"]);
    expect(result.taskDefinitions[0].services[0].evidence.memoryPeakMiB).toBeNull();
    expect(result.warnings.map((w: { code: string }) => w.code)).toContain("invalid-metrics");
    expect(r.code).toBe(1);
  });

  it("the bounds follow the task: a hard cap reads at most ~100 %, container-level cpu on EC2 can read 400 %", () => {
    const bounded = (fields: Parameters<typeof taskDef>[1], cpu: number) => {
      const s = snapshot({
        services: [service("api", { launchType: "EC2", utilization: util({ hours: 48, cpu, memory: 20 }) })],
        taskDefinitions: [taskDef("api:1", fields)],
      });
      return validateUtilization(s).issues.map((i) => i.message);
    };
    // 512 units at container level alone on a 2048-unit host: AWS's own example of 400 %.
    expect(bounded({ containers: [{ name: "app", cpu: 512, memory: 1024 }] }, 400)).toEqual([]);
    // Task-level cpu is a hard cap: 400 % cannot be.
    // (cpuMaximum at 400 and cpuAverage at 320, 576 points each: 1152 of the 2880 values.)
    expect(bounded({ cpu: 512, memory: 1024 }, 400)).toEqual([
      "1152 of its 2880 CloudWatch values are impossible (CPU above its hard cap), so its metrics are not used",
    ]);
    // Memory with a soft reservation of 512 and a hard limit of 1024 can read up to 200 %.
    const soft = { containers: [{ name: "app", cpu: 256, memoryReservation: 512, memory: 1024 }] };
    expect(
      validateUtilization(
        snapshot({
          services: [service("api", { launchType: "EC2", utilization: util({ hours: 48, cpu: 10, memory: 180 }) })],
          taskDefinitions: [taskDef("api:1", soft)],
        }),
      ).issues,
    ).toEqual([]);
  });

  it("exact summaries whose served means are impossible are dropped, with a warning; the series are used", () => {
    const u = util({ hours: 48, cpu: 10, memory: 20 });
    const good = summarize(u.cpuMaximum, { served: true });
    const bad = { ...good, cappedMeans: { ...good.cappedMeans, "95": -3 } };
    const s = snapshot({
      services: [
        service("api", {
          utilization: {
            ...u,
            sourcePeriodSeconds: 60,
            summary: { cpuAverage: good, cpuMaximum: bad, memoryAverage: good, memoryMaximum: good },
          },
        }),
      ],
      taskDefinitions: [taskDef("api:1", { cpu: 512, memory: 1024 })],
    });
    const out = validateUtilization(s);
    expect(out.issues.map((i) => i.message).join("\n")).toContain("exact summaries held impossible values and were left out");
    expect(out.snapshot.services[0]!.utilization!.summary).toBeUndefined();
  });

  it("leaves sound data alone: the demo fleet has nothing impossible, and its series are not copied", () => {
    const demo = loadSaved({ demo: true }, "/").snapshot;
    const out = validateUtilization(demo);
    expect(out.issues).toEqual([]);
    expect(out.snapshot).toBe(demo);
  });
});
