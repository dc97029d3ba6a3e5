// The hostile-input corpus (test/hostile/README.md) through every command and format: no stack trace, no
// control character reaching a terminal, no file touched but --out, exit codes as documented.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { advise } from "../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../src/advisor/policy.js";
import { readSnapshotFile, serializeSnapshot } from "../src/collect/file.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { FORMAT_NAMES } from "../src/report/index.js";
import { toPublishedReport } from "../src/report/json.js";
import { App } from "../src/report/tui/app.js";
import { narrowDemo } from "./helpers/demo-evidence.js";
import { cli, ROOT } from "./helpers/cli.js";

/** Clears the screen, sets the window title, splits the row. */
const SERVICE = "cart\u001b[2J\u001b]0;pwned\u0007-api\nline2";
/** A right-to-left override, a C1 CSI, a Unicode line separator. */
const CLUSTER = "shop\u202efargate\u009b31m\u2028x";
const TEXT = "ok\rEVIL \u001b[31mred\u001b[0m | `code` <script>alert(1)</script> ::error::pwned %0A";

/** Anything a terminal would act on, where the text may not carry it. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const clean = (text: string, what: string) => {
  const m = UNSAFE.exec(text.replace(/\r\n/g, "\n"));
  expect(
    m,
    `${what}: raw ${JSON.stringify(m?.[0])} at ${m?.index}: …${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 20))}`,
  ).toBeNull();
};
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-hostile-"));

/**
 * Three of the demo's services (a Fargate cluster's two, an EC2 cluster's one with its hosts) with hostile names in
 * every place a snapshot can hold one.
 */
function hostileSnapshot(): Snapshot {
  const s = JSON.parse(serializeSnapshot(narrowDemo(["checkout-api", "cart-api", "orders-api"]))) as Snapshot;
  s.source.description = `demo ${TEXT}`;
  s.prices!.source = `prices \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 ${TEXT}`;
  for (const c of s.clusters) if (c.name === "shop-fargate") c.name = CLUSTER;
  for (const svc of s.services) {
    if (svc.cluster === "shop-fargate") svc.cluster = CLUSTER;
    if (svc.name === "cart-api") svc.name = SERVICE;
  }
  for (const ci of s.containerInstances) ci.id = `${ci.id}\u001b[8m`;
  s.issues.push({ code: "access-denied", message: `a warning ${TEXT}` });
  s.issues.push({ code: "throttled", message: `an issue of one service ${TEXT}`, services: [`${CLUSTER}/${SERVICE}`] });
  return s;
}

const snapshotFile = join(dir, "hostile.json");
writeFileSync(snapshotFile, JSON.stringify(hostileSnapshot()));
// The task definition, also under a file name a terminal would act on.
const taskdef = join(dir, "cart\u001b[2J\n.json");
copyFileSync(join(ROOT, "test", "hostile", "cart-taskdef.json"), taskdef);

/** Every file in the directory with its size and modification time. */
const listing = () =>
  readdirSync(dir)
    .sort()
    .map((f) => `${f} ${statSync(join(dir, f)).size} ${statSync(join(dir, f)).mtimeMs}`);

describe("report on a hostile snapshot", () => {
  it("the snapshot reads back with the names as they are", () => {
    const s = readSnapshotFile(snapshotFile);
    expect(s.services.some((x) => x.name === SERVICE && x.cluster === CLUSTER)).toBe(true);
  });

  it.each(FORMAT_NAMES)("--format %s: exit 0, nothing unsafe in the output or on stderr, only --out written", async (format) => {
    // What --out writes is what stdout would get: the same text, one run per format.
    const before = listing();
    const out = join(dir, `out.${format}`);
    const r = await cli(["report", "--snapshot", snapshotFile, "--format", format, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    clean(readFileSync(out, "utf8"), `${format} output`);
    clean(r.stderr, `${format} stderr`);
    noStack(r.stderr);
    expect(listing().filter((l) => !l.startsWith(`out.${format} `))).toEqual(before.filter((l) => !l.startsWith(`out.${format} `)));
  });

  it("the table and markdown keep the service on one row, its name shown escaped", async () => {
    const table = (await cli(["report", "--snapshot", snapshotFile, "--format", "table"])).stdout;
    expect(table).toContain("cart\\x1b[2J\\x1b]0;pw"); // the name column cuts it short, escaped
    expect(table.split("\n").some((l) => l.startsWith("line2"))).toBe(false); // the row did not split
    const md = (await cli(["report", "--snapshot", snapshotFile, "--format", "markdown"])).stdout;
    const rows = md.split("\n").filter((l) => l.includes("pwned"));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows.filter((l) => l.startsWith("|"))) expect(row.endsWith("|"), row).toBe(true);
  });

  it("with colour forced, the only escape sequences are the table's own colours", async () => {
    const r = await cli(["report", "--snapshot", snapshotFile, "--format", "table"], { env: { FORCE_COLOR: "1" } });
    clean(r.stdout.replace(/\u001b\[\d+(;\d+)*m/g, ""), "coloured table");
  });

  it("the terminal UI draws the same names escaped", async () => {
    const s = hostileSnapshot();
    const report = advise({
      snapshot: s,
      prices: s.prices!,
      policy: DEFAULT_POLICY,
      generatedAt: "2026-11-22T00:00:00Z",
      sourceKind: "snapshot",
      toolVersion: "test",
    });
    const app = render(createElement(App, { report: toPublishedReport(report), width: 120, height: 40 }));
    const frame = app.lastFrame() ?? "";
    clean(frame, "terminal UI");
    expect(frame).toContain("pwned");
    app.unmount();
  });
});

describe("check and calc", () => {
  it.each(["text", "markdown", "github", "json"])("check --format %s: a verdict, nothing unsafe, no file touched", async (format) => {
    const before = listing();
    const r = await cli(["check", taskdef, "--snapshot", snapshotFile, "--format", format]);
    expect([0, 1]).toContain(r.code);
    expect(r.code).toBe(1); // 256 cpu / 512 MiB is far below what cart-api uses
    clean(r.stdout, `check ${format} stdout`);
    clean(r.stderr, `check ${format} stderr`);
    noStack(r.stderr);
    expect(listing()).toEqual(before);
  });

  it("errors that quote what the user gave show it escaped, on one line, exit 2", async () => {
    const cases = [
      ["check", join(dir, "missing\u001b[2J.json"), "--demo"],
      ["report", "--snapshot", join(dir, "no\u001b]0;t\u0007such.json")],
      ["calc", "--cpu", "\u001b[2J", "--cpu-util", "40"],
      ["report", "--demo", "--format", "\u001b[31mtable"],
      ["report", "--\u001b[2J"],
    ];
    for (const args of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      // check reports a file it cannot read in its output too (and checks the others): escaped there as well.
      if (args[0] === "check") clean(r.stdout, args.join(" "));
      else expect(r.stdout).toBe("");
      clean(r.stderr, args.join(" "));
      expect(r.stderr).toContain("\\x1b");
      noStack(r.stderr);
    }
  });
});
