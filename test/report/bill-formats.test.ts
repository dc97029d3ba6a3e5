// The bill and the levers, stated the same way in every format: now $5,779.24 = Fargate tasks $3,665.16
// + EC2 instances $2,114.08 (idle $638.05); $2,389.20 to save = Fargate right-sizing $1,446.76 + EC2 hosts
// $795.70 + autoscaling $146.74 — and a cluster's money the same in the table, the TUI and the HTML.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { render } from "ink-testing-library";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { renderCsv } from "../../src/report/csv.js";
import { renderHtml } from "../../src/report/html.js";
import { toPublishedReport } from "../../src/report/json.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { slackPayload } from "../../src/report/slack.js";
import { renderTable } from "../../src/report/table.js";
import { App } from "../../src/report/tui/app.js";
import { demoReport } from "../helpers/demo-report.js";

const opts = { color: false, width: 100 };
const BILL = "now $5,779.24/mo: Fargate tasks $3,665.16 + EC2 instances $2,114.08 (idle $638.05)";
const LEVERS = "$2,389.20/mo less (41%): Fargate right-sizing $1,446.76 + EC2 hosts $795.70 + autoscaling $146.74";
const CLUSTER = "12 instances $2,114.08/mo = services $1,476.03 + idle $638.05";
const flat = (s: string) => s.replace(/\s+/g, " ");

describe("one bill, one headline, in every format", () => {
  const r = demoReport();

  it("table", () => {
    const t = flat(renderTable(r, opts));
    expect(t).toContain(BILL);
    expect(t).toContain(LEVERS);
    expect(t).toContain(CLUSTER);
  });

  it("markdown", () => {
    const md = renderMarkdown(r, opts);
    expect(md).toContain(`N${BILL.slice(1)}`);
    expect(md).toContain(LEVERS);
  });

  it("html", () => {
    const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8");
    const page = renderHtml(r, { assets: { chartJs } });
    expect(page).toContain(`<span class="muted">now</span><b class="">$5,779.24/mo</b>`);
    expect(page).toContain(`<span class="muted">after</span><b class="">$3,390.04/mo</b>`);
    expect(page).toContain(`<span class="muted">savings</span><b class="good">$2,389.20/mo (41%)</b>`);
    expect(page).toContain(`${BILL} · ${LEVERS}`);
    expect(page).toContain(CLUSTER);
  });

  it("slack", () => {
    const p = slackPayload(r);
    expect(p.text).toContain("$2,389.20/mo to save (41%)");
    expect(p.text).toContain("$5,779.24 → $3,390.04 a month");
  });

  it("the terminal UI's summary and its cluster view", async () => {
    const app = render(createElement(App, { report: toPublishedReport(r), width: 120, height: 40 }));
    expect(app.lastFrame()!.split("\n")[0]).toBe("ecs-advisor $5,779.24/mo → $3,390.04/mo saves $2,389.20/mo (41%) · 4 risks");
    const before = app.frames.length;
    app.stdin.write("c");
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const poll = () =>
        app.frames.length > before ? resolve() : Date.now() - t0 > 5_000 ? reject(new Error("no frame")) : setImmediate(poll);
      poll();
    });
    const view = flat(app.lastFrame()!);
    expect(view).toContain(BILL);
    expect(view).toContain(LEVERS);
    expect(view).toContain(CLUSTER);
    app.unmount();
  });

  it("csv: each service says which lever its saving belongs to", () => {
    const rows = renderCsv(r, opts).trimEnd().split("\r\n");
    const lever = rows[0]!.split(",").indexOf("lever");
    // Added after the columns that were there first (account and region came later still).
    expect(rows[0]!.split(",").slice(lever)).toEqual(["lever", "account", "region"]);
    expect(rows.find((l) => l.startsWith("shop-fargate,cart-api,"))!.endsWith(",fargate-rightsizing,123456789012,us-east-1")).toBe(true);
    expect(rows.find((l) => l.startsWith("core-ec2,ledger-worker,"))!.endsWith(",ec2-hosts,123456789012,us-east-1")).toBe(true);
  });
});
