/// <reference lib="dom" />
// The HTML report in a real browser, opened from file:// with every request outside the file refused:
// no console errors, every chart drew pixels, the table sorts and filters, rows open their charts, and
// strings from AWS are shown as text, never run.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { renderHtml, scriptJson } from "../../src/report/html.js";
import { cli } from "../helpers/cli.js";
import { demoReport } from "../helpers/demo-report.js";
import { DENIED_ACCOUNT, estateReport, OTHER_ACCOUNT } from "../helpers/estate-report.js";
import { reportOf, week1, week2 } from "../helpers/history-fixture.js";
import { HistoryBuilder } from "../../src/advisor/trend.js";
import { diffReports } from "../../src/advisor/diff.js";
import { launch, SKIP_BROWSER } from "../helpers/browser.js";

const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8");

describe("html without a browser", () => {
  it("JSON inside <script> cannot end the script", async () => {
    expect(scriptJson({ a: "</script><script>alert(1)</script>" })).toBe('{"a":"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"}');
  });

  it("is one file with chart.js inlined and nothing fetched", async () => {
    const r = await cli(["report", "--demo", "--format", "html"]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("<!doctype html>")).toBe(true);
    expect(r.stdout).toContain("Chart.js v4");
    expect(r.stdout).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(r.stdout).toContain("default-src 'none'");
  });
});

describe.skipIf(SKIP_BROWSER)("html in Chromium", () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-html-"));
  beforeAll(async () => {
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Open a file with the network refused; collect console errors, page errors and any request made. */
  async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("dialog", (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (window as unknown as { __ecsAdvisorReady?: boolean }).__ecsAdvisorReady === true, null, {
      timeout: 20_000,
    });
    return { page, errors, requests };
  }

  /** Canvases that drew: each must have opaque pixels. */
  const drawn = (page: Page, selector = "canvas") =>
    page.$$eval(selector, (canvases) =>
      canvases.map((c) => {
        const ctx = (c as HTMLCanvasElement).getContext("2d")!;
        const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return { id: c.id || c.getAttribute("data-chart"), pixels: n };
      }),
    );

  it("the demo report: charts drawn, no errors, no network, the table sorts and filters, rows open charts", async () => {
    const file = join(dir, "demo.html");
    const r = await cli(["report", "--demo", "--format", "html", "--out", file]);
    expect(r.code).toBe(0);
    const { page, errors, requests } = await open(file);

    // Summary: savings by service and one chart per cluster (2 in the demo).
    const charts = await drawn(page);
    expect(charts.map((c) => c.id)).toEqual(["savings-chart", "cluster-chart-0", "cluster-chart-1"]);
    for (const c of charts) expect(c.pixels, `${c.id} drew nothing`).toBeGreaterThan(1000);
    expect(await page.textContent("h1")).toBe("ecs-advisor: $2,389.20/mo to save (41%) across 40 services · 4 at risk");

    // The table: 40 rows, savings first (pdf-render saves $274.09, the most).
    const names = () => page.$$eval("#services tbody tr.row td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    expect(await page.textContent("#count")).toBe("40 of 40 services");
    expect((await names())[0]).toBe("shop-fargate/pdf-render");
    await page.click('th[data-key="name"]');
    const byName = await names();
    expect(byName).toEqual([...byName].sort());
    expect(byName[0]).toBe("core-ec2/api-gateway");
    await page.click('th[data-key="name"]');
    expect((await names())[0]).toBe("shop-fargate/webhooks");
    await page.click('th[data-key="now"]');
    expect((await names())[0]).toBe("shop-fargate/pdf-render"); // $518.83, the dearest
    await page.fill("#filter", "api");
    const apis = await names();
    expect(apis.length).toBeGreaterThan(3);
    expect(apis.every((n) => n!.includes("api"))).toBe(true);
    await page.fill("#filter", "");
    await page.check("#risks");
    expect(await page.textContent("#count")).toBe("4 of 40 services");
    await page.uncheck("#risks");
    await page.selectOption("#cluster", "core-ec2");
    expect((await names()).every((n) => n!.startsWith("core-ec2/"))).toBe(true);
    await page.selectOption("#cluster", "");

    // A row opens its reasons and two utilization charts, drawn when opened.
    await page.click('th[data-key="savings"]');
    await page.click("#services tbody tr.row >> nth=0");
    await page.waitForSelector("tr.detail canvas");
    const detail = await drawn(page, "tr.detail canvas");
    expect(detail.map((d) => d.id)).toEqual(["cpu-shop-fargate/pdf-render", "memory-shop-fargate/pdf-render"]);
    for (const d of detail) expect(d.pixels).toBeGreaterThan(1000);
    expect(await page.textContent("tr.detail")).toContain("memory peak (hottest task) is 29% of 8192 MiB (2408 MiB)");
    // The chart's numbers: the hottest task's CPU in units (percent × 2048 ÷ 100), the allocated 2048 and
    // the recommended 1024 as flat lines, one point per usage bucket.
    const cpuChart = await page.evaluate(() => {
      const chart = (
        window as unknown as {
          Chart: { getChart(c: Element): { data: { datasets: Array<{ label: string; data: Array<number | null> }> } } };
        }
      ).Chart.getChart(document.querySelector("tr.detail canvas")!)!;
      return chart.data.datasets.map((d) => ({ label: d.label, first: d.data[0], n: d.data.length }));
    });
    const pdf = demoReport().services.find((s) => s.service === "pdf-render")!;
    const n = pdf.usage!.cpuPercent.length;
    expect(cpuChart).toEqual([
      { label: "cpu used (hottest task), units", first: Math.round(pdf.usage!.cpuPercent[0]! * 2048) / 100, n },
      { label: "allocated 2048", first: 2048, n },
      { label: "recommended 1024", first: 1024, n },
    ]);
    await page.click("#services tbody tr.row >> nth=0");
    expect(await page.$$("tr.detail")).toHaveLength(0);

    // A service with autoscaling advice gets a third chart: running tasks, its min/max now and advised.
    await page.fill("#filter", "media-upload");
    await page.click("#services tbody tr.row >> nth=0");
    await page.waitForSelector("tr.detail canvas");
    const scaled = await drawn(page, "tr.detail canvas");
    expect(scaled.map((d) => d.id)).toEqual([
      "cpu-shop-fargate/media-upload",
      "memory-shop-fargate/media-upload",
      "tasks-shop-fargate/media-upload",
    ]);
    for (const d of scaled) expect(d.pixels).toBeGreaterThan(1000);
    const labels = await page.evaluate(() => {
      const C = (window as unknown as { Chart: { getChart(c: Element): { data: { datasets: Array<{ label: string }> } } } }).Chart;
      return C.getChart(document.querySelectorAll("tr.detail canvas")[2]!)!.data.datasets.map((d) => d.label);
    });
    // media-upload: at its max of 6 all the time; the advice raises the max to 12 (min stays 2).
    expect(labels).toEqual(["running tasks (mean)", "max 6, min 2 now", "", "advised max 12, min 2", ""]);
    await page.click("#services tbody tr.row >> nth=0");

    // A service with container advice shows each container's sizes in its row's detail.
    await page.fill("#filter", "cart-api");
    await page.click("#services tbody tr.row >> nth=0");
    await page.waitForSelector("tr.detail table.containers");
    const containerTable = await page.$$eval("tr.detail table.containers tr", (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("th,td"), (c) => c.textContent)),
    );
    expect(containerTable).toEqual([
      ["container", "cpu", "memory", "reservation", "basis"],
      ["app", "1536 → 248", "7680 → 1138", "6144 → 911", "measured: cpu 198.1, peak 910 MiB"],
      ["envoy", "256 → 38", "1024 → 175", "512 → 88", "measured: cpu 29.8, peak 140 MiB"],
      ["datadog-agent", "64", "512", "256", "no metrics of its own: kept"],
    ]);
    await page.fill("#filter", "");

    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);

  it("several account-regions: per-account totals, the gap named, filters by account and by region", async () => {
    const file = join(dir, "estate.html");
    writeFileSync(file, renderHtml(estateReport(), { assets: { chartJs } }));
    const { page, errors, requests } = await open(file);
    const charts = await drawn(page);
    // Savings, and a chart per cluster: core-ec2 and shop-fargate in us-east-1, shop-fargate in eu-west-1.
    expect(charts.map((c) => c.id)).toEqual(["savings-chart", "cluster-chart-0", "cluster-chart-1", "cluster-chart-2"]);
    for (const c of charts) expect(c.pixels, `${c.id} drew nothing`).toBeGreaterThan(1000);
    const accounts = await page.$$eval("#accounts tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)),
    );
    expect(accounts[1]).toEqual([OTHER_ACCOUNT, "eu-west-1 $1,729.93/mo now, saves $845.19/mo", "10", "8", "$1,729.93/mo", "$845.19/mo"]);
    expect(accounts[2]![0]).toBe(DENIED_ACCOUNT);
    expect(accounts[2]![1]).toMatch(/^every region: not collected — sts:AssumeRole on/);
    expect(await page.textContent("main")).toContain(`${DENIED_ACCOUNT} (every region) was not collected`);

    const names = () => page.$$eval("#services tbody tr.row td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    expect(await page.textContent("#count")).toBe("50 of 50 services");
    await page.selectOption("#account", OTHER_ACCOUNT);
    expect(await page.textContent("#count")).toBe("10 of 50 services");
    expect((await names()).every((n) => n!.startsWith(`${OTHER_ACCOUNT}/eu-west-1 shop-fargate/`))).toBe(true);
    await page.selectOption("#account", "");
    await page.selectOption("#region", "us-east-1");
    expect(await page.textContent("#count")).toBe("40 of 50 services");
    await page.selectOption("#region", "");
    await page.selectOption("#cluster", `${OTHER_ACCOUNT}/eu-west-1 shop-fargate`);
    expect(await page.textContent("#count")).toBe("10 of 50 services");
    // A row of the other account opens its own charts.
    await page.click("#services tbody tr.row >> nth=0");
    await page.waitForSelector("tr.detail canvas");
    for (const d of await drawn(page, "tr.detail canvas")) expect(d.pixels).toBeGreaterThan(1000);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);

  it("a report with history: what changed since the last run, the trend chart drawn, first-recommended dates", async () => {
    const b = new HistoryBuilder(reportOf(week2(), "2026-12-06T00:00:00Z"), "test");
    b.add(reportOf(week1(), "2026-11-22T00:00:00Z"));
    b.add(reportOf(week2(), "2026-11-29T00:00:00Z"));
    // The last run compared with week 1, so the section has something to say.
    const report = { ...b.finish([]) };
    report.history = { ...report.history!, sinceLast: diffReports(reportOf(week1(), "2026-11-22T00:00:00Z"), report, "test") };
    const file = join(dir, "history.html");
    writeFileSync(file, renderHtml(report, { assets: { chartJs } }));
    const { page, errors, requests } = await open(file);
    const charts = await drawn(page);
    expect(charts.map((c) => c.id)).toEqual(["trend-chart", "savings-chart", "cluster-chart-0"]);
    for (const c of charts) expect(c.pixels, `${c.id} drew nothing`).toBeGreaterThan(1000);
    const main = (await page.textContent("main"))!;
    expect(main).toContain("Since the last run 2026-11-22 → 2026-12-06 (14 days)");
    expect(main).toContain("$54.06/mo realised by 1 applied recommendation");
    expect(await page.$$eval("ul.since li", (lis) => lis.map((li) => li.textContent))).toContain(
      "c1/api 1024 cpu / 2048 MiB → 256 cpu / 512 MiB, $54.06/mo realised",
    );
    expect(main).toContain("Trend 3 runs · $54.06/mo realised in all");
    await page.fill("#filter", "worker");
    await page.click("#services tbody tr.row >> nth=0");
    await page.waitForSelector("tr.detail");
    expect(await page.textContent("tr.detail .muted")).toContain("first recommended 2026-11-29");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);

  it("strings from AWS are text: a hostile service name, cluster, reason and warning run nothing", async () => {
    const base = structuredClone(demoReport()) as Report;
    const evil = `<img src=x onerror="window.__xss=1">`;
    base.services[0]!.service = `${evil}</script><script>window.__xss=2</script>`;
    base.services[0]!.cluster = `"><svg onload="window.__xss=3">`;
    base.services[0]!.reasons[0]!.message = `<b onmouseover="window.__xss=4">bold</b> & more`;
    base.clusters[0]!.cluster = `<script>window.__xss=5</script>`;
    base.warnings.push({ code: "collection-incomplete", message: `<iframe src="https://example.com"></iframe>` });
    const file = join(dir, "hostile.html");
    writeFileSync(file, renderHtml(base, { assets: { chartJs } }));
    const { page, errors, requests } = await open(file);
    await page.click("#services tbody tr.row >> nth=0");
    await page.waitForSelector("tr.detail");
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$$("#services img, #services svg, #services b, iframe")).toHaveLength(0);
    const cell = await page.textContent("#services tbody tr.row >> nth=0 >> td:nth-child(2)");
    expect(cell).toBe(`${base.services[0]!.cluster}/${base.services[0]!.service}`);
    expect(await page.textContent("tr.detail")).toContain(`<b onmouseover="window.__xss=4">bold</b> & more`);
    const warns = await page.$$eval(".warn", (els) => els.map((e) => e.textContent ?? ""));
    expect(warns.some((t) => t.includes(`<iframe src="https://example.com"></iframe>`))).toBe(true);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);
});
