// `render`: a saved Report JSON in every other format, byte for byte what `report` printed from the same
// advice, with no AWS access; anything that is not a report is one line and exit 2.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { writeEstateFile } from "../../src/collect/file.js";
import { cli } from "../helpers/cli.js";
import { demoEstate } from "../helpers/estate-report.js";

describe("render", () => {
  const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-render-"));
  const saved = join(dir, "report.json");
  beforeAll(async () => {
    const r = await cli(["report", "--demo", "--format", "json", "--out", saved]);
    expect(r.code).toBe(0);
  });

  it.each(["table", "markdown", "csv", "slack", "json", "html"])("--format %s: what report printed, byte for byte", async (format) => {
    const [fromReport, rendered] = await Promise.all([
      cli(["report", "--demo", "--format", format]),
      cli(["render", saved, "--format", format]),
    ]);
    expect(rendered.stderr).toBe("");
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toBe(fromReport.stdout);
  });

  it("a report of several account-regions, gzipped; --out's extension picks the format", async () => {
    const estate = join(dir, "estate.json.gz");
    await writeEstateFile(estate, demoEstate(), "2026-11-16T00:05:00Z");
    const json = await cli(["report", "--snapshot", estate, "--format", "json"]);
    writeFileSync(join(dir, "estate-report.json.gz"), gzipSync(json.stdout));
    const md = join(dir, "estate.md");
    const r = await cli(["render", join(dir, "estate-report.json.gz"), "--out", md]);
    expect(r.code).toBe(0);
    expect(readFileSync(md, "utf8")).toBe((await cli(["report", "--snapshot", estate, "--format", "markdown"])).stdout);
    expect(readFileSync(md, "utf8")).toContain("| account | regions |");
  });

  const cases: Array<[string, () => string | Buffer, string]> = [
    ["missing.json", () => "", "report file not found: missing.json"],
    ["bad.json", () => "{ nope", "bad.json is not valid JSON"],
    [
      "snapshot.json",
      () => readFileSync("assets/demo/demo-snapshot.json.gz"),
      "snapshot.json is not an ecs-advisor report: it is a snapshot",
    ],
    [
      "newer.json",
      () => JSON.stringify({ schemaVersion: 2, tool: { name: "ecs-advisor" } }),
      "newer.json is a version 2 report, newer than this ecs-advisor reads (version 1)",
    ],
    ["check.json", () => JSON.stringify({ schemaVersion: 1, verdict: "pass" }), "check.json is not an ecs-advisor report"],
  ];
  it.each(cases)("%s: one line of what is wrong, a hint, exit 2", async (name, content, line) => {
    const file = join(dir, name);
    const body = content();
    if (body !== "") writeFileSync(file, body);
    const r = await cli(["render", name === "missing.json" ? name : file, "--format", "markdown"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toContain(line.replace(/^(\w+\.json)/, ""));
    expect(r.stderr).toContain("hint:");
  });

  it("a report with a field of the wrong kind names it; its own file is never the output", async () => {
    const broken = JSON.parse(readFileSync(saved, "utf8"));
    broken.totals.services = "forty";
    writeFileSync(join(dir, "broken.json"), JSON.stringify(broken));
    const r = await cli(["render", join(dir, "broken.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(/broken\.json: totals\.services: expected number, got the string "forty"$/);
    const same = await cli(["render", saved, "--format", "json", "--out", saved]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("is also an input of this run");
  });
});
