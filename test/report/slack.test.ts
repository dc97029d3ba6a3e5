// Slack: the Block Kit digest within Slack's limits, checked by hand on the demo fleet, and delivery to a
// loopback receiver through the CLI (in-process) — including a webhook that refuses, fails or hangs, which is
// one clear line and exit 2, with the webhook URL in no output.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { SLACK_LIMITS, slackPayload, type SlackBlock } from "../../src/report/slack.js";
import { postToSlack, SLACK_TIMEOUT_MS } from "../../src/cli/slack-webhook.js";
import { UserError } from "../../src/errors.js";
import { cli } from "../helpers/cli.js";
import { demoReport } from "../helpers/demo-report.js";

function textsOf(b: SlackBlock): string[] {
  if (b.type === "header") return [b.text.text];
  if (b.type === "section") return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
  if (b.type === "context") return b.elements.map((e) => e.text);
  return [];
}

function expectWithinLimits(p: { text: string; blocks: SlackBlock[] }) {
  expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const b of p.blocks) {
    if (b.type === "header") expect([...b.text.text].length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === "section") {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    if (b.type === "context") expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
  }
}

describe("the Slack digest", () => {
  it("on the demo fleet: totals, the top savings, the risks, the hosts", () => {
    const p = slackPayload(demoReport());
    expectWithinLimits(p);
    // The bill now: Fargate tasks $3,665.16 + EC2 instances $2,114.08 = $5,779.24. The levers: Fargate
    // right-sizing $1,446.76 + EC2 hosts $795.70 + autoscaling $146.74 = $2,389.20, 41.34 % of it → "44%";
    // after: $5,779.24 − $2,389.20 = $3,390.04.
    expect(p.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "ecs-advisor: $2,389.20/mo to save (41%)" } });
    expect(p.text).toBe("ecs-advisor: $2,389.20/mo to save (41%) across 40 services · 4 at risk; $5,779.24 → $3,390.04 a month");
    const all = p.blocks.flatMap(textsOf).join("\n");
    expect(all).toContain("*Now*\n$5,779.24/mo");
    expect(all).toContain("*After*\n$3,390.04/mo");
    expect(all).toContain("*Savings by lever*\nFargate right-sizing $1,446.76 · EC2 hosts $795.70 · autoscaling $146.74");
    expect(all).toContain("*The bill*\n$5,779.24/mo: Fargate tasks $3,665.16 + EC2 instances $2,114.08 (idle $638.05)");
    expect(all).toContain("*At risk*\n4 services");
    // The biggest saver: pdf-render $518.83 → $244.74
    expect(all).toContain("• `shop-fargate/pdf-render` cpu 2048 → 1024, memory 8192 → 3072 — saves *$274.09/mo* (high confidence)");
    // 30 services save money; 10 are listed, the other 20 summarised with their sum, not cut.
    const savings = p.blocks.flatMap(textsOf).find((t) => t.startsWith("*Biggest savings*"))!;
    expect(savings.split("\n")).toHaveLength(12);
    // All savers (each service's own figure): $2,187.97 net + $54.06 (pricing-engine) + $9.85 (graph-service) = $2,251.88; the top ten
    // (274.09 + 248.69 + 191.39 + 147.36 + 144.81 + 144.16 + 112.14 + 108.12 + 108.12 + 94.10) = $1,572.98.
    expect(savings.split("\n").at(-1)).toBe("…and 20 more services, $678.90/mo between them");
    // OOM kills come first among the risks.
    const risks = p.blocks.flatMap(textsOf).find((t) => t.startsWith("*At risk*\n•"))!;
    expect(risks.split("\n")[1]).toBe(
      "• :warning: `shop-fargate/pricing-engine` 3 tasks were killed for running out of memory in the window (last 2026-11-14 04:48 UTC)",
    );
    expect(all).toContain(
      "• `core-ec2` hold · managed scaling targetCapacity 100 → 82 · packing onto 5 × m5a.2xlarge + 1 × m5a.large saves $795.70/mo",
    );
  });

  it("2,000 services and long messages stay within the limits, summarised by whole lines", () => {
    const base = demoReport();
    const services = Array.from({ length: 2000 }, (_, i) => {
      const s = structuredClone(base.services[i % base.services.length]!);
      s.service = `${s.service}-${i}-${"x".repeat(60)}`;
      s.reasons = s.reasons.map((r) => ({ ...r, message: `${r.message} ${"and a very long explanation ".repeat(40)}` }));
      return s;
    });
    const big: Report = {
      ...base,
      services,
      warnings: Array.from({ length: 8 }, (_, i) => ({ code: "x", message: `warning ${i} <b>&</b>` })),
    };
    const p = slackPayload(big);
    expectWithinLimits(p);
    for (const t of p.blocks.flatMap(textsOf)) for (const line of t.split("\n")) expect(line.length).toBeLessThan(SLACK_LIMITS.sectionText);
    const all = p.blocks.flatMap(textsOf).join("\n");
    expect(all).toContain("warning 0 &lt;b&gt;&amp;&lt;/b&gt;");
    expect(all).toContain("…and 5 more warnings in the report");
    expect(all).toMatch(/…and \d+ more services at risk/);
  });
});

describe("posting to a webhook", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections(); // a receiver that hangs keeps its connection open
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  async function receiver(
    answer: (body: string) => { status: number; text: string } | "hang",
  ): Promise<{ url: string; got: Array<{ path: string; body: string; type: string | undefined }> }> {
    const got: Array<{ path: string; body: string; type: string | undefined }> = [];
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        got.push({ path: req.url!, body, type: req.headers["content-type"] });
        const a = answer(body);
        if (a === "hang") return; // never answers
        res.writeHead(a.status, { "content-type": "text/plain" }).end(a.text);
      });
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/services/T0001/B0002/SeCrEtToKeN123`, got };
  }

  const run = (args: string[], env: Record<string, string> = {}) => cli(args, { env });

  it("posts the digest from SLACK_WEBHOOK_URL; the URL appears nowhere", async () => {
    const { url, got } = await receiver(() => ({ status: 200, text: "ok" }));
    const r = await run(["report", "--demo", "--slack-webhook"], { SLACK_WEBHOOK_URL: url });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^posted the digest to Slack \(\d+ blocks\)\n$/);
    expect(got).toHaveLength(1);
    expect(got[0]!.path).toBe("/services/T0001/B0002/SeCrEtToKeN123");
    expect(got[0]!.type).toMatch(/^application\/json/);
    const body = JSON.parse(got[0]!.body);
    expect(body).toEqual(slackPayload(demoReport()));
    expect(r.stdout + r.stderr).not.toContain("SeCrEtToKeN123");
  });

  it("--format slack prints the same payload; with --slack-webhook URL and --format table both happen", async () => {
    const { url, got } = await receiver(() => ({ status: 200, text: "ok" }));
    const printed = await run(["report", "--demo", "--format", "slack"]);
    expect(JSON.parse(printed.stdout)).toEqual(slackPayload(demoReport()));
    const both = await run(["report", "--demo", "--format", "table", "--slack-webhook", url]);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain("ALL SERVICES: 40");
    expect(got).toHaveLength(1);
    expect(both.stdout + both.stderr).not.toContain("SeCrEtToKeN123");
  });

  for (const [status, text, line] of [
    [404, "no_service", "ecs-advisor: Slack answered 404 (no_service): the webhook is gone or wrong; the digest was not posted"],
    [
      403,
      "invalid_token",
      "ecs-advisor: Slack answered 403 (invalid_token): the webhook is not allowed to post; the digest was not posted",
    ],
    [400, "invalid_blocks", "ecs-advisor: Slack answered 400 (invalid_blocks): the message was refused; the digest was not posted"],
    [500, "<html>oops SeCrEtToKeN123</html>", "ecs-advisor: Slack answered 500: Slack had an error; the digest was not posted"],
  ] as const) {
    it(`a webhook answering ${status} is one clear line and exit 2`, async () => {
      const { url } = await receiver(() => ({ status, text }));
      const r = await run(["report", "--demo", "--slack-webhook", "--debug"], { SLACK_WEBHOOK_URL: url });
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(line);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout + r.stderr).not.toContain("SeCrEtToKeN123");
    });
  }

  it("a webhook that never answers times out: one line (the CLI waits SLACK_TIMEOUT_MS, 10 s; here 0.3 s)", async () => {
    const { url, got } = await receiver(() => "hang");
    const e = await postToSlack(url, slackPayload(demoReport()), 300).catch((x: unknown) => x);
    expect(got).toHaveLength(1);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe("Slack did not answer within 0.3 s; the digest was not posted");
    expect((e as UserError).hint).toBe("try again later");
    expect(`${(e as UserError).message} ${(e as UserError).hint}`).not.toContain("SeCrEtToKeN123");
    expect(SLACK_TIMEOUT_MS).toBe(10_000);
  });

  it("no URL, or not a URL, is exit 2 before anything is sent", async () => {
    const none = await run(["report", "--demo", "--slack-webhook"]);
    expect(none.code).toBe(2);
    expect(none.stderr.split("\n")[0]).toBe("ecs-advisor: --slack-webhook has no URL and SLACK_WEBHOOK_URL is not set");
    // Said before any collection: a live run with no credentials fails on the webhook, not on AWS.
    const live = await run(["report", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "--slack-webhook"], {
      AWS_EC2_METADATA_DISABLED: "true",
      HOME: "/nonexistent",
    });
    expect(live.code).toBe(2);
    expect(live.stderr.split("\n")[0]).toBe("ecs-advisor: --slack-webhook has no URL and SLACK_WEBHOOK_URL is not set");
    const bad = await run(["report", "--demo", "--slack-webhook", "hooks.slack.com/services/SeCrEtToKeN123"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toBe("ecs-advisor: the Slack webhook URL is not a URL");
    expect(bad.stdout + bad.stderr).not.toContain("SeCrEtToKeN123");
  });
});

describe("--report-url", () => {
  it("links the full report from the Slack digest and the markdown, escaped", async () => {
    const { slackLink } = await import("../../src/report/slack.js");
    expect(slackLink("https://r.example/a|b>c", "the full <report>")).toBe("<https://r.example/a%7Cb%3Ec|the full &lt;report&gt;>");
    const url = "https://reports.example.com/ecs/2026-11-22.html";
    const p = slackPayload(demoReport(), url);
    expect(p.blocks.at(-1)).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: `Where to look next: <${url}|the full report>, with every service's reasons and charts.` }],
    });
    const { renderMarkdown } = await import("../../src/report/markdown.js");
    expect(renderMarkdown(demoReport(), { color: false, width: 100, reportUrl: url })).toContain(
      `[The full report](${url}) has every service's reasons and charts.`,
    );
  });
});
