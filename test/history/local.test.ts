// The history in a local folder, through the CLI: two weekly runs stored, the second report knowing what
// changed, `diff --since 7d` against the folder; broken and newer entries skipped (named, kept); retention;
// concurrent writers.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { writeSnapshotFile } from "../../src/collect/file.js";
import { storeReport, withHistory } from "../../src/history/history.js";
import { localStore, parseEntryName } from "../../src/history/store.js";
import type { Diff } from "../../src/model/diff.js";
import type { Report } from "../../src/model/report.js";
import { cli, SOURCE_DATE_EPOCH } from "../helpers/cli.js";
import { reportOf, week1, week2 } from "../helpers/history-fixture.js";

const WEEK = 7 * 86_400;
const at = (weeks: number) => ({ SOURCE_DATE_EPOCH: String(Number(SOURCE_DATE_EPOCH) + weeks * WEEK) });

describe("history in a folder", () => {
  let dir: string;
  let w1: string;
  let w2: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-advisor-history-"));
    w1 = join(dir, "week1.json");
    w2 = join(dir, "week2.json");
    await writeSnapshotFile(w1, week1());
    await writeSnapshotFile(w2, week2());
  });

  it("two runs stored; the second knows its past in JSON, Markdown, Slack and the table; diff --since 7d", async () => {
    const h = join(dir, "h1");
    const first = await cli(["report", "--snapshot", w1, "--history", h, "--format", "json"], { env: at(0) });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^stored the report in .*h1 as 2026-11-22T000000Z_unknown_us-east-1_[0-9a-f]{8}\.json\.gz\n$/);
    const r1 = JSON.parse(first.stdout) as Report;
    expect(r1.history).toMatchObject({ runs: 0, sinceLast: null, skipped: [] });

    const second = await cli(["report", "--snapshot", w2, "--history", h, "--format", "json"], { env: at(1) });
    expect(second.code).toBe(0);
    const r2 = JSON.parse(second.stdout) as Report;
    expect(r2.history!.runs).toBe(1);
    expect(r2.history!.sinceLast!.fleet.realisedMonthlyUsd).toBe(54.06);
    expect(r2.history!.trend.map((p) => p.realisedMonthlyUsd)).toEqual([0, 54.06]);
    expect(r2.services.find((s) => s.service === "worker")!.firstRecommendedAt).toBe("2026-11-29T00:00:00Z");
    const files = readdirSync(h).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => parseEntryName(f))).toBe(true);

    // Each stored entry is the Report JSON the run printed: render shows it.
    const rendered = await cli(["render", join(h, files[1]!), "--format", "json"]);
    expect(JSON.parse(rendered.stdout)).toEqual(r2);

    const entry = join(h, files[1]!);
    const md = await cli(["render", entry, "--format", "markdown"]);
    expect(md.stdout).toContain("### Since the last run (2026-11-22 → 2026-11-29 (7 days))");
    expect(md.stdout).toContain("- `c1/api` 1024 cpu / 2048 MiB → 256 cpu / 512 MiB, $54.06/mo realised");
    expect(md.stdout).toContain("**`c1/worker`** · FARGATE · low confidence · first recommended 2026-11-29 ·");
    const slack = JSON.parse((await cli(["render", entry, "--format", "slack"])).stdout) as { blocks: Array<{ text?: { text: string } }> };
    expect(slack.blocks.map((b) => b.text?.text ?? "").join("\n")).toContain("*Since the last run* (2026-11-22 → 2026-11-29 (7 days))");
    const table = await cli(["render", entry]);
    expect(table.stdout).toContain("SINCE THE LAST RUN 2026-11-22 → 2026-11-29 (7 days)");
    expect(table.stdout).toContain("   2 runs since 2026-11-22: the bill $198.22/mo → $126.14/mo, $54.06/mo realised by applied");

    const diff = await cli(["diff", "--since", "7d", "--history", h, "--format", "json"], { env: at(1) });
    expect(diff.code).toBe(0);
    const d = JSON.parse(diff.stdout) as Diff;
    expect(d.old.generatedAt).toBe("2026-11-22T00:00:00Z");
    expect(d.applied.map((a) => [a.service, a.realisedMonthlyUsd])).toEqual([["api", 54.06]]);
    expect(d.removed.map((s) => s.service)).toEqual(["legacy"]);
  });

  it("diff OLD NEW of two saved reports: the table", async () => {
    const a = join(dir, "a.json");
    const b = join(dir, "b.json");
    writeFileSync(a, (await cli(["report", "--snapshot", w1, "--format", "json"], { env: at(0) })).stdout);
    writeFileSync(b, (await cli(["report", "--snapshot", w2, "--format", "json"], { env: at(1) })).stdout);
    const r = await cli(["diff", a, b]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 5)).toEqual([
      "ecs-advisor diff: 2026-11-22 → 2026-11-29 (7 days)",
      "$54.06/mo realised by 1 applied recommendation · bill $198.22/mo → $126.14/mo (-$72.08)",
      "recommended fleet $90.10/mo → $132.63/mo · to save $108.12/mo → -$6.49/mo · at risk 0 → 1",
      "",
      "APPLIED (1)",
    ]);
    const swapped = await cli(["diff", b, a]);
    expect(swapped.stderr).toContain("warning: the first report (2026-11-29 00:00 UTC) is newer than the second");
  });

  it("a broken entry and one from a newer ecs-advisor are skipped with a warning naming them, and left in place", async () => {
    const h = join(dir, "h2");
    mkdirSync(h);
    const broken = "2026-11-20T000000Z_unknown_us-east-1_00000001.json.gz";
    const newer = "2026-11-21T000000Z_unknown_us-east-1_00000002.json.gz";
    writeFileSync(join(h, broken), "not gzip, not json");
    const future = { ...reportOf(week1(), "2026-11-21T00:00:00Z"), schemaVersion: 2 };
    writeFileSync(join(h, newer), gzipSync(JSON.stringify(future)));
    const r = await cli(["report", "--snapshot", w1, "--history", h, "--format", "json"], { env: at(0) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: history entry ${broken} in ${h} skipped (`);
    expect(r.stderr).toContain(`warning: history entry ${newer} in ${h} skipped (written by a newer ecs-advisor)`);
    expect((JSON.parse(r.stdout) as Report).history).toMatchObject({ runs: 0, skipped: [broken, newer] });
    expect(existsSync(join(h, broken)) && existsSync(join(h, newer))).toBe(true);
  });

  it("retention forgets runs older than it (removed from the folder); other account-regions' runs are not compared", async () => {
    const h = join(dir, "h3");
    mkdirSync(h);
    const store = localStore(h);
    await storeReport(store, reportOf(week1(), "2026-01-01T00:00:00Z")); // older than 180 days
    await storeReport(store, {
      ...reportOf(week1(), "2026-11-20T00:00:00Z"),
      source: { ...reportOf(week1(), W0).source, region: "eu-west-1" },
    });
    const r = await cli(["report", "--snapshot", w1, "--history", h, "--history-retention", "180d", "--format", "json"], { env: at(0) });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Report).history!.runs).toBe(0);
    const left = readdirSync(h).sort();
    expect(left).toHaveLength(2); // the eu-west-1 run and this one; the January run is gone
    expect(left.some((f) => f.startsWith("2026-01-01"))).toBe(false);
  });

  it("concurrent writers: twenty stores at once, twenty whole entries, no temporary file left", async () => {
    const h = join(dir, "h4");
    const report = reportOf(week1(), W0);
    await Promise.all(Array.from({ length: 20 }, () => storeReport(localStore(h), report)));
    const files = readdirSync(h);
    expect(files).toHaveLength(20);
    const back = await withHistory(localStore(h), reportOf(week1(), "2026-12-01T00:00:00Z"), {
      nowMs: Date.parse("2026-12-01T00:00:00Z"),
      toolVersion: "test",
      warn: (m) => {
        throw new Error(m);
      },
    });
    expect(back.history!.runs).toBe(20);
    expect(readFileSync(join(h, files[0]!)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("bad use: one line each, exit 2", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const asFile = await cli(["report", "--snapshot", w1, "--history", file, "--format", "json"]);
    expect(asFile).toMatchObject({ code: 2, stdout: "" });
    expect(asFile.stderr).toContain(`--history ${file} is a file, not a folder`);
    const empty = await cli(["diff", "--since", "7d", "--history", join(dir, "nothing-here")]);
    expect(empty).toMatchObject({ code: 2 });
    expect(empty.stderr).toMatch(/^ecs-advisor: the history .*nothing-here holds no runs\n {2}hint: /);
    const one = await cli(["diff", w1]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("diff needs two reports, or --since with a history");
    const scheme = await cli(["report", "--demo", "--history", "gs://bucket/x", "--format", "json"]);
    expect(scheme.stderr).toContain("--history gs://bucket/x: only a folder or an s3:// location");
    const bucket = await cli(["report", "--demo", "--history", "s3://Not_A_Bucket/x/", "--format", "json"]);
    expect(bucket).toMatchObject({ code: 2, stdout: "" });
    expect(bucket.stderr).toBe(
      "ecs-advisor: --history s3://Not_A_Bucket/x/ is not an S3 location\n  hint: e.g. --history s3://my-bucket/ecs-advisor/history/\n",
    );
  });

  it("--history with no value: the user's data directory (XDG_DATA_HOME)", async () => {
    const data = join(dir, "xdg");
    const r = await cli(["report", "--demo", "--history", "--format", "json"], { env: { XDG_DATA_HOME: data } });
    expect(r.code).toBe(0);
    expect(readdirSync(join(data, "ecs-advisor", "history"))).toHaveLength(1);
  });
});

const W0 = "2026-11-22T00:00:00Z";
