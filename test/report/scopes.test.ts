// Every format knows accounts and regions: a report of several account-regions (the demo as
// 123456789012/us-east-1, ten of its services as 210987654321/eu-west-1, and 333333333333 whose role could
// not be assumed) names each service's account-region, adds up each account, and names the gap.
import { describe, expect, it } from "vitest";
import { renderCsv } from "../../src/report/csv.js";
import { renderJson } from "../../src/report/json.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { regionCode, scopeTagger } from "../../src/report/scopes.js";
import { SLACK_LIMITS, slackPayload } from "../../src/report/slack.js";
import { renderTable } from "../../src/report/table.js";
import { demoReport } from "../helpers/demo-report.js";
import { DENIED_ACCOUNT, estateReport, OTHER_ACCOUNT } from "../helpers/estate-report.js";

const r = estateReport();
const opts = { color: false, width: 100 };

describe("accounts and regions in every format", () => {
  it("short names: the region codes ops teams write, and the account's last digits where they stay distinct", () => {
    expect(["us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-gov-west-1", "ca-central-1"].map(regionCode)).toEqual([
      "use1",
      "euw1",
      "apse2",
      "euc1",
      "usgw1",
      "cac1",
    ]);
    const tag = scopeTagger(r, { compact: true });
    expect(tag({ account: OTHER_ACCOUNT, region: "eu-west-1" })).toBe("…4321/euw1");
    expect(scopeTagger(r)({ account: OTHER_ACCOUNT, region: "eu-west-1" })).toBe(`${OTHER_ACCOUNT}/eu-west-1`);
    // One account-region: nothing added, the formats read as they always did.
    expect(scopeTagger(demoReport())({ account: "123456789012", region: "us-east-1" })).toBe("");
  });

  it("table: each service's account-region, an ACCOUNTS section with each account's totals, the gap", () => {
    const out = renderTable(r, opts);
    expect(out).toMatch(/^ {3}…4321\/euw1:…\/recommendations +4096→1024 +16384→5120 +2\.0 +340\.24 +91\.55 +248\.69 +high$/m);
    const section = out.slice(out.indexOf("\nACCOUNTS\n"), out.indexOf("\nCLUSTERS\n"));
    expect(section).toContain(`   ${OTHER_ACCOUNT}    10 services, 8 changes, $1,729.93/mo now, saves $845.19/mo (1 region)`);
    expect(section).toContain("      eu-west-1       10 services · $1,729.93/mo now · saves $845.19/mo");
    expect(section).toContain(`   ${DENIED_ACCOUNT}    not collected`);
    expect(section).toMatch(/every region {4}not collected: sts:AssumeRole on/);
    expect(out).toContain(`warning: ${DENIED_ACCOUNT} (every region) was not collected`);
    // The demo alone has no such section and no prefixes.
    expect(renderTable(demoReport(), opts)).not.toContain("ACCOUNTS");
  });

  it("csv: account and region columns at the end; the gap is a row of its own (action not-collected)", () => {
    const rows = renderCsv(r, opts).trimEnd().split("\r\n");
    const head = rows[0]!.split(",");
    expect(head.slice(-2)).toEqual(["account", "region"]);
    expect(rows.filter((l) => l.endsWith(`,${OTHER_ACCOUNT},eu-west-1`))).toHaveLength(10);
    const gap = rows.at(-1)!.split(",");
    expect(gap[head.indexOf("action")]).toBe("not-collected");
    expect(gap[head.indexOf("account")]).toBe(DENIED_ACCOUNT);
    expect(gap[head.indexOf("region")]).toBe("");
    expect(rows.at(-1)).toContain("sts:AssumeRole on arn:aws:iam::333333333333:role/EcsAdvisorReadOnly failed");
    expect(rows).toHaveLength(1 + 50 + 1);
  });

  it("markdown: a table of the accounts with their totals, the gap in it, services named with their account-region", () => {
    const out = renderMarkdown(r, opts);
    expect(out).toContain("| account | regions | services | changes | now $/mo | saves $/mo |");
    expect(out).toContain(`| \`${OTHER_ACCOUNT}\` | eu-west-1 | 10 | 8 | $1,729.93 | $845.19 |`);
    expect(out).toContain(`| \`${DENIED_ACCOUNT}\` | every region (not collected) | 0 | 0 | $0.00 | $0.00 |`);
    expect(out).toContain(`\`${OTHER_ACCOUNT}/eu-west-1 shop-fargate/recommendations\``);
    expect(renderMarkdown(demoReport(), opts)).not.toContain("| account |");
  });

  it("slack: the accounts' totals and the gap, first, within Block Kit's limits", () => {
    const p = slackPayload(r);
    const accounts = p.blocks.find((b) => b.type === "section" && b.text?.text.startsWith("*Accounts*"));
    expect(accounts).toBeDefined();
    const text = (accounts as { text: { text: string } }).text.text;
    expect(text.split("\n")[1]).toMatch(new RegExp(`^• :no_entry: \`${DENIED_ACCOUNT} \\(every region\\)\` not collected: sts:AssumeRole`));
    expect(text).toContain(`• \`${OTHER_ACCOUNT}\` 10 services, 8 changes, $1,729.93/mo now, saves $845.19/mo (1 region)`);
    expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it("slack: 300 accounts stay within the limits, the gaps listed before the rest", () => {
    const many = {
      ...r,
      scopes: Array.from({ length: 300 }, (_, i) => ({
        ...r.scopes![0]!,
        account: String(100000000000 + i),
        ...(i % 50 === 0 ? { status: "gap" as const, gap: { code: "throttled", message: "kept throttling" }, services: 0 } : {}),
      })),
    };
    const p = slackPayload(many);
    const text = (p.blocks.find((b) => b.type === "section" && b.text?.text.startsWith("*Accounts*")) as { text: { text: string } }).text
      .text;
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(
      text
        .split("\n")
        .slice(1, 7)
        .every((l) => l.includes(":no_entry:")),
    ).toBe(true);
    expect(text).toMatch(/…and \d+ more lines in the report$/);
  });

  it("json: services[].account and region, scopes with each account-region's totals and the gap", () => {
    const j = JSON.parse(renderJson(r, opts));
    expect(j.services.find((s: { service: string; account: string }) => s.account === OTHER_ACCOUNT)).toMatchObject({
      region: "eu-west-1",
    });
    expect(j.scopes.map((s: { account: string; status: string; nowMonthlyUsd: number }) => [s.account, s.status, s.nowMonthlyUsd])).toEqual(
      [
        ["123456789012", "collected", 5779.24],
        [OTHER_ACCOUNT, "collected", 1729.93],
        [DENIED_ACCOUNT, "gap", 0],
      ],
    );
  });
});

describe("a hostile gap", () => {
  // A profile name and an AWS error message are text from outside: they must stay text in every format.
  const evil = '<script>alert(1)</script>|`x`\u001b[31m=HYPERLINK("http://e")';
  const base = estateReport();
  const hostile = {
    ...base,
    scopes: [
      ...base.scopes!.filter((s) => s.status === "collected"),
      { ...base.scopes!.at(-1)!, account: null, label: `profile ${evil}`, gap: { code: "other", message: evil } },
    ],
    warnings: [...base.warnings, { code: "gap", message: evil }],
  };

  it("is escaped in HTML, Markdown, Slack and CSV, and shown without its control characters in the table", async () => {
    const { renderHtml } = await import("../../src/report/html.js");
    const html = renderHtml(hostile, { assets: { chartJs: "/* chart.js */" } });
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const md = renderMarkdown(hostile, opts);
    expect(md).not.toContain("<script>alert(1)");
    const slack = JSON.stringify(slackPayload(hostile));
    expect(slack).not.toContain("<script>");
    const csv = renderCsv(hostile, opts)
      .split("\r\n")
      .find((l) => l.includes("not-collected"))!;
    expect(csv).not.toMatch(/,=HYPERLINK/);
    for (const out of [renderTable(hostile, opts), md, csv]) expect(out).not.toContain("\u001b[31m");
  });
});
