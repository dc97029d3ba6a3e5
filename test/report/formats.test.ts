// Markdown, CSV, Slack and HTML on the demo fleet: golden files (UPDATE_GOLDEN=1 rewrites them) and the
// numbers a user reads, checked against values worked out by hand.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { csvCell, CSV_COLUMNS, renderCsv } from "../../src/report/csv.js";
import { renderHtml } from "../../src/report/html.js";
import { FORMAT_NAMES, REPORTERS } from "../../src/report/index.js";
import { renderMarkdown, MARKDOWN_MAX_ROWS } from "../../src/report/markdown.js";
import { renderSlack } from "../../src/report/slack.js";
import { cli } from "../helpers/cli.js";
import { demoReport } from "../helpers/demo-report.js";
import { expectGolden } from "../helpers/golden.js";

const opts = { color: false, width: 100 };
const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8");

describe("golden files for every format on the demo fleet", () => {
  it("markdown", () => expectGolden("report-demo.md", renderMarkdown(demoReport(), opts)));
  it("csv", () => expectGolden("report-demo.csv", renderCsv(demoReport(), opts)));
  it("slack", () => expectGolden("report-demo.slack.json", renderSlack(demoReport(), opts)));
  it("html (chart.js left out of the golden file)", async () => {
    const page = renderHtml(demoReport(), { assets: { chartJs } });
    expect(page).toContain(chartJs);
    expectGolden("report-demo.html", page.replace(chartJs, "/* chart.js */"));
  });
  it("the registry offers every format", async () => {
    expect(FORMAT_NAMES).toEqual(["table", "json", "markdown", "csv", "html", "slack"]);
    for (const f of FORMAT_NAMES) expect(typeof REPORTERS[f]).toBe("function");
  });
});

describe("markdown", () => {
  const md = renderMarkdown(demoReport(), opts);
  it("opens with a headline sentence: the levers $1,446.76 + $795.70 + $146.74 = $2,389.20, 41.34 % of the $5,779.24 bill", async () => {
    expect(md.split("\n")[0]).toBe("## ecs-advisor: $2,389.20/mo to save (41%) across 40 services · 4 at risk");
    expect(md).toContain(
      "Now $5,779.24/mo: Fargate tasks $3,665.16 + EC2 instances $2,114.08 (idle $638.05). Applying every change (32 changes, 38 of 40 with advice) takes it to $3,390.04/mo, $2,389.20/mo less (41%): Fargate right-sizing $1,446.76 + EC2 hosts $795.70 + autoscaling $146.74.",
    );
  });
  it("one row per change, with dollars: cart-api 3 × (2 × 0.04048 + 8 × 0.004445) × 730 = $255.18 → 3 × (0.5 × 0.04048 + 2 × 0.004445) × 730 = $63.79", async () => {
    expect(md).toContain("|  | `shop-fargate/cart-api` | 2048 → 512 | 8192 → 2048 | 3.0 | $255.18 | $63.79 | $191.39 | high |");
  });
  it("folds the details", async () => {
    expect(md).toContain("<details><summary>Why, service by service (34)</summary>");
    expect(md).toContain("<details><summary>EC2 hosts: scaling and packing (1 cluster)</summary>");
  });
  it("escapes names and messages from AWS, and caps the table for a PR comment", async () => {
    const base = demoReport();
    const services = Array.from({ length: 300 }, (_, i) => ({ ...base.services[i % 30]!, service: `svc|${i}<b>` }));
    const out = renderMarkdown({ ...base, services, warnings: [{ code: "x", message: "a | b <script>" }] } as Report, opts);
    expect(out).toContain("`shop-fargate/svc\\|0<b>`");
    expect(out).toContain("> ⚠️ a \\| b &lt;script&gt;");
    expect(out.split("\n").filter((l) => l.startsWith("| ") && l.includes("/svc\\|")).length).toBe(MARKDOWN_MAX_ROWS);
    expect(out).toMatch(/…and \d+ more services to change: `--format json` or `--format csv` has every one\./);
    expect(out.length).toBeLessThan(65_536);
  });
});

describe("csv", () => {
  const csv = renderCsv(demoReport(), opts);
  const rows = csv.trimEnd().split("\r\n");
  it("has a stable header and one row per service", async () => {
    expect(rows[0]).toBe(CSV_COLUMNS.map(([n]) => n).join(","));
    expect(
      rows[0]!.startsWith(
        "cluster,service,launch_type,capacity,task_definition,cpu_architecture,tasks,current_cpu,current_memory_mib,recommended_cpu,recommended_memory_mib,current_monthly_usd,recommended_monthly_usd,savings_monthly_usd,",
      ),
    ).toBe(true);
    expect(rows).toHaveLength(41);
  });
  it("cart-api's row carries the hand-worked dollars", async () => {
    const cart = rows.find((r) => r.startsWith("shop-fargate,cart-api,"))!;
    expect(
      cart.startsWith("shop-fargate,cart-api,FARGATE,FARGATE,cart-api:24,X86_64,3,2048,8192,512,2048,255.18,63.79,191.39,downsize,high,,"),
    ).toBe(true);
  });
  it("quotes by RFC 4180 and defuses spreadsheet formulas", async () => {
    expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell(-12.5)).toBe("-12.5");
    expect(csvCell(null)).toBe("");
  });
});

describe("formats through the CLI", () => {
  it("--format markdown and csv write what the reporters make", async () => {
    const md = await cli(["report", "--demo", "--format", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout.split("\n")[0]).toBe("## ecs-advisor: $2,389.20/mo to save (41%) across 40 services · 4 at risk");
    const csv = await cli(["report", "--demo", "--format", "csv"]);
    expect(csv.stdout.split("\r\n")).toHaveLength(42);
  });

  it("--out names the format by its extension when --format is not given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-ext-"));
    for (const [file, start] of [
      ["r.html", "<!doctype html>"],
      ["r.csv", "cluster,service,"],
      ["r.md", "## ecs-advisor: "],
      ["r.json", "{"],
      ["r.txt", "ecs-advisor · demo fleet"],
      ["r.out", "ecs-advisor · demo fleet"],
    ] as const) {
      expect((await cli(["report", "--demo", "--out", join(dir, file)])).code).toBe(0);
      expect(readFileSync(join(dir, file), "utf8").startsWith(start), file).toBe(true);
    }
    // An explicit --format wins.
    await cli(["report", "--demo", "--format", "csv", "--out", join(dir, "x.html")]);
    expect(readFileSync(join(dir, "x.html"), "utf8").startsWith("cluster,")).toBe(true);
    // check: .md is the PR comment.
    await cli(["check", "fixtures/taskdefs/checkout-api-unchanged.json", "--demo", "--out", join(dir, "c.md")]);
    expect(readFileSync(join(dir, "c.md"), "utf8").split("\n")[0]).toBe("<!-- ecs-advisor-check -->");
  });
});
