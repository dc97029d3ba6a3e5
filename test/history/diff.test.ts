// What changed between two runs, on the hand-worked fixture (test/helpers/history-fixture.ts): api's advice
// applied ($54.06/mo realised), worker's new OOM risk, batch's advice no longer needed, legacy removed.
import { describe, expect, it } from "vitest";
import { diffReports } from "../../src/advisor/diff.js";
import { HistoryBuilder } from "../../src/advisor/trend.js";
import type { Report } from "../../src/model/report.js";
import { diffSlackPayload, renderDiffMarkdown, renderDiffTable } from "../../src/report/diff.js";
import { renderHtml } from "../../src/report/html.js";
import { SLACK_LIMITS, slackPayload } from "../../src/report/slack.js";
import { reportOf, week1, week2 } from "../helpers/history-fixture.js";
import { taskDef } from "../helpers/snapshot.js";

const W1 = "2026-11-22T00:00:00Z";
const W2 = "2026-11-29T00:00:00Z";

describe("diff of two runs, worked by hand", () => {
  const old = reportOf(week1(), W1);
  const now = reportOf(week2(), W2);
  const d = diffReports(old, now, "test");
  const names = (xs: Array<{ service: string }>) => xs.map((x) => x.service);

  it("api: applied, 1024/2048 → 256/512 on a new revision, (0.04937 − 0.0123425) × 2 tasks × 730 h = $54.06/mo realised", () => {
    expect(old.services.find((s) => s.service === "api")!.recommended).toMatchObject({ cpu: 256, memory: 512 });
    expect(d.applied).toEqual([
      {
        account: null,
        region: "us-east-1",
        cluster: "c1",
        service: "api",
        launchType: "FARGATE",
        taskDefinitionThen: "api:1",
        taskDefinitionNow: "api:2",
        before: { cpu: 1024, memory: 2048 },
        advised: { cpu: 256, memory: 512 },
        after: { cpu: 256, memory: 512 },
        complete: true,
        tasks: 2,
        realisedMonthlyUsd: 54.06,
      },
    ]);
    expect(d.fleet.realisedMonthlyUsd).toBe(54.06);
  });

  it("worker: a new risk (three OOM kills) and a new recommendation to raise memory", () => {
    expect(d.risksAppeared.map((r) => [r.service, r.code])).toContainEqual(["worker", "oom-kills"]);
    expect(d.risksAppeared.every((r) => r.service === "worker")).toBe(true);
    expect(d.newRecommendations.map((r) => [r.service, r.action, r.recommended])).toEqual([
      ["worker", "upsize", { cpu: 512, memory: 2048 }],
    ]);
    expect(d.risksGone).toEqual([]);
  });

  it("batch: its downsize is no longer advised (busier now); api's is resolved by being applied", () => {
    expect(d.resolvedRecommendations.map((r) => [r.service, r.how])).toEqual([
      ["api", "applied"],
      ["batch", "no-longer-advised"],
    ]);
  });

  it("legacy removed, nothing added; the bill $198.22 → $126.14 (72.08 + 36.04 + 72.08 + 18.02, then 18.02 + 36.04 + 72.08)", () => {
    expect(names(d.removed)).toEqual(["legacy"]);
    expect(d.removed[0]!.monthlyUsd).toBe(18.02);
    expect(d.added).toEqual([]);
    expect(d.old.nowMonthlyUsd).toBe(198.22);
    expect(d.new.nowMonthlyUsd).toBe(126.14);
    expect(d.fleet.nowChangeMonthlyUsd).toBe(-72.08);
  });

  it("part of the way (512/1024 of an advised 256/512) is applied, not complete; a size further away is not applied", () => {
    const part = week2();
    part.taskDefinitions[0] = taskDef("api:2", { cpu: 512, memory: 1024 });
    const p = diffReports(old, reportOf(part, W2), "test").applied[0]!;
    expect(p).toMatchObject({ after: { cpu: 512, memory: 1024 }, complete: false });
    // (0.04937 − (0.5 × 0.04048 + 1 × 0.004445)) × 2 × 730 = 0.024685 × 1460 = $36.04
    expect(p.realisedMonthlyUsd).toBe(36.04);
    const away = week2();
    away.taskDefinitions[0] = taskDef("api:2", { cpu: 2048, memory: 4096 });
    expect(diffReports(old, reportOf(away, W2), "test").applied).toEqual([]);
  });

  it("an EC2 service's applied advice frees room on the hosts: kept apart from the realised saving until they scale in", () => {
    const onEc2 = (s: ReturnType<typeof week1>) => ({
      ...s,
      services: s.services.map((x) => ({ ...x, launchType: "EC2" as const })),
      containerInstances: [
        {
          cluster: "c1",
          id: "ci-1",
          instanceType: "m5.xlarge",
          status: "ACTIVE" as const,
          agentConnected: true,
          registered: { cpu: 4096, memory: 15464 },
          remaining: { cpu: 0, memory: 0 },
        },
      ],
    });
    const e = diffReports(reportOf(onEc2(week1()), W1), reportOf(onEc2(week2()), W2), "test");
    const api = e.applied.find((a) => a.service === "api")!;
    expect(api.launchType).toBe("EC2");
    expect(api.realisedMonthlyUsd).toBeGreaterThan(0);
    expect(e.fleet.realisedMonthlyUsd).toBe(0);
    expect(e.fleet.whenHostsScaleInMonthlyUsd).toBe(api.realisedMonthlyUsd);
    expect(renderDiffTable(e)).toContain(`(+ $${api.realisedMonthlyUsd!.toFixed(2)}/mo once the EC2 hosts scale in)`);
  });

  it("reports without accounts and regions (before 1.x) are matched by cluster and service", () => {
    const strip = (r: Report): Report => ({ ...r, services: r.services.map(({ account: _a, region: _r, ...s }) => s) });
    const legacy = diffReports(strip(old), now, "test");
    expect(legacy.applied.map((a) => a.service)).toEqual(["api"]);
    expect(legacy.removed.map((a) => a.service)).toEqual(["legacy"]);
  });

  it("the same report twice: nothing changed, said so in every format", () => {
    const none = diffReports(now, now, "test");
    expect([none.added, none.removed, none.applied, none.newRecommendations, none.resolvedRecommendations, none.risksAppeared]).toEqual([
      [],
      [],
      [],
      [],
      [],
      [],
    ]);
    expect(renderDiffTable(none)).toContain("No service added or removed");
    expect(renderDiffMarkdown(none)).toContain("No service added or removed");
  });

  it("names from AWS stay text in every format: an ESC, backticks, markup and a formula", () => {
    const evil = "\u001b[31mx`<b>|=cmd()";
    const hostile = { ...d, removed: [{ ...d.removed[0]!, service: evil }] };
    for (const text of [renderDiffTable(hostile), renderDiffMarkdown(hostile), JSON.stringify(diffSlackPayload(hostile))])
      expect(text).not.toContain("\u001b");
    expect(renderDiffMarkdown(hostile)).toContain("`c1/\\x1b[31mx'<b>\\|=cmd()`");
    // The HTML report's since-last-run section: markup from AWS is text.
    const report = reportOf(week2(), W2);
    const page = renderHtml(
      { ...report, history: { runs: 1, skipped: [], sinceLast: hostile, trend: [], realisedMonthlyUsd: 0 } },
      { assets: { chartJs: "/* chart.js */" } },
    );
    const section = page.slice(page.indexOf("<h2>Since the last run"), page.indexOf("<h2>Trend"));
    expect(section).toContain("<code>c1/\\x1b[31mx`&lt;b&gt;|=cmd()</code>");
    expect(section).not.toContain("<b>");
  });

  it("Slack: within Block Kit's limits however many services changed", () => {
    const many = { ...d, removed: Array.from({ length: 5_000 }, (_, i) => ({ ...d.removed[0]!, service: `svc-${i}-${"x".repeat(200)}` })) };
    const payload = diffSlackPayload(many, "https://example.com/r.html");
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of payload.blocks) if ("text" in b && b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(JSON.stringify(payload)).toContain("…and 4992 more");
  });
});

describe("the Slack digest of a report with history", () => {
  it("stays within Block Kit's limits (50 blocks, 3,000 characters a text) with thousands of changes since the last run", () => {
    const old = reportOf(week1(), W1);
    const b = new HistoryBuilder(reportOf(week2(), W2), "test");
    b.add(old);
    const report = b.finish([]);
    const d = report.history!.sinceLast!;
    const many = <T extends { service: string }>(xs: T[]) =>
      Array.from({ length: 3_000 }, (_, i) => ({ ...xs[0]!, service: `${xs[0]!.service}-${i}-${"y".repeat(100)}` }));
    report.history = {
      ...report.history!,
      sinceLast: {
        ...d,
        applied: many(d.applied),
        risksAppeared: many(d.risksAppeared),
        newRecommendations: many(d.newRecommendations),
        resolvedRecommendations: many(d.resolvedRecommendations),
        removed: many(d.removed),
        added: many(d.removed),
        risksGone: many(d.risksAppeared),
      },
    };
    const payload = slackPayload(report);
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of payload.blocks) {
      if ("text" in block && block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if ("fields" in block && block.fields)
        for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    const text = JSON.stringify(payload);
    expect(text).toContain("*Since the last run* (2026-11-22 → 2026-11-29 (7 days))");
    expect(text).toContain("…and 2995 more");
  });
});

describe("a report's past (HistoryBuilder)", () => {
  it("the trend, the realised savings per run, and when each open change was first advised", () => {
    const r1 = reportOf(week1(), W1);
    const r2 = reportOf(week2(), W2);
    const r3 = reportOf(week2(), "2026-12-06T00:00:00Z");
    const b = new HistoryBuilder(r3, "test");
    b.add(r1);
    b.add(r2);
    const out = b.finish([]);
    const h = out.history!;
    expect(h.runs).toBe(2);
    expect(h.trend.map((p) => [p.at, p.nowMonthlyUsd, p.realisedMonthlyUsd])).toEqual([
      [W1, 198.22, 0],
      [W2, 126.14, 54.06],
      ["2026-12-06T00:00:00Z", 126.14, 0],
    ]);
    expect(h.realisedMonthlyUsd).toBe(54.06);
    expect(h.sinceLast!.old.generatedAt).toBe(W2);
    // worker's upsize has been advised since week 2 (it was well sized in week 1); nothing else is open.
    expect(out.services.filter((s) => s.firstRecommendedAt).map((s) => [s.service, s.firstRecommendedAt])).toEqual([["worker", W2]]);
  });

  it("an advice that lapsed and came back is dated from its return", () => {
    const r1 = reportOf(week1(), W1); // batch: downsize advised
    const r2 = reportOf(week2(), W2); // batch: kept
    const r3 = reportOf(week1(), "2026-12-06T00:00:00Z"); // batch: downsize again
    const b = new HistoryBuilder(r3, "test");
    b.add(r1);
    b.add(r2);
    const batch = b.finish([]).services.find((s) => s.service === "batch")!;
    expect(batch.firstRecommendedAt).toBe("2026-12-06T00:00:00Z");
  });
});
