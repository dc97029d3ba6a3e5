// The history under an S3 prefix, against moto's S3 through the real SDK (the CLI's main, with the
// environment a scheduled task has): two weekly runs stored, then `diff --since 7d` from the bucket, checked against the hand-worked
// fixture. AccessDenied on the write (moto does not enforce IAM: a loopback stand-in answers 403) is one line
// and exit 2 after the report was printed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSnapshotFile } from "../../src/collect/file.js";
import type { Diff } from "../../src/model/diff.js";
import type { Report } from "../../src/model/report.js";
import YAML from "yaml";
import { CLI, cli, ROOT, SOURCE_DATE_EPOCH, spawnProcess } from "../helpers/cli.js";
import { external } from "../helpers/external.js";
import { week1, week2 } from "../helpers/history-fixture.js";
import { CREDENTIALS, type Moto, motoAvailable, sharedMoto } from "../helpers/moto.js";

const SKIP = external("MOTO", motoAvailable(), "moto (python3 -m pip install 'moto[server]'; MOTO_PYTHON names another Python)").skip;
const BUCKET = "ecs-advisor-history-test";
const WEEK = 7 * 86_400;

describe.skipIf(SKIP)("history in S3 (moto)", () => {
  let moto: Moto;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    moto = (await sharedMoto())!;
    dir = mkdtempSync(join(tmpdir(), "ecs-advisor-s3-history-"));
    await writeSnapshotFile(join(dir, "week1.json"), week1());
    await writeSnapshotFile(join(dir, "week2.json"), week2());
    const s3 = new S3Client({ region: "eu-north-1", endpoint: moto.url, forcePathStyle: true, credentials: CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: "eu-north-1" } }));
    s3.destroy();
    env = {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: "eu-north-1",
      AWS_ENDPOINT_URL: moto.url,
    };
  });

  it("two runs stored under the prefix, then diff --since 7d from the bucket: the hand-worked changes", async () => {
    const where = `s3://${BUCKET}/weekly/prod/`;
    const run = (week: string, n: number) =>
      cli(["report", "--snapshot", join(dir, `${week}.json`), "--history", where, "--format", "json"], {
        env: { ...env, SOURCE_DATE_EPOCH: String(Number(SOURCE_DATE_EPOCH) + n * WEEK) },
      });
    const first = await run("week1", 0);
    expect(first.stderr).toMatch(/^stored the report in s3:\/\/ecs-advisor-history-test\/weekly\/prod\/ as 2026-11-22T000000Z_/);
    expect(first.code).toBe(0);
    const second = await run("week2", 1);
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as Report).history!.sinceLast!.fleet.realisedMonthlyUsd).toBe(54.06);

    const s3 = new S3Client({ region: "eu-north-1", endpoint: moto.url, forcePathStyle: true, credentials: CREDENTIALS });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "weekly/prod/" }));
    s3.destroy();
    expect(listed.Contents!.map((o) => o.Key!.replace(/_[0-9a-f]{8}\.json\.gz$/, ""))).toEqual([
      "weekly/prod/2026-11-22T000000Z_unknown_us-east-1",
      "weekly/prod/2026-11-29T000000Z_unknown_us-east-1",
    ]);

    const diff = await cli(["diff", "--since", "7d", "--history", where, "--format", "json"], { env });
    expect(diff.stderr).toBe("");
    expect(diff.code).toBe(0);
    const d = JSON.parse(diff.stdout) as Diff;
    expect([d.old.generatedAt, d.new.generatedAt]).toEqual(["2026-11-22T00:00:00Z", "2026-11-29T00:00:00Z"]);
    // api applied: (0.04937 − 0.0123425) $/task-hour × 2 tasks × 730 h = $54.06 a month.
    expect(d.applied.map((a) => [a.service, a.before, a.after, a.realisedMonthlyUsd])).toEqual([
      ["api", { cpu: 1024, memory: 2048 }, { cpu: 256, memory: 512 }, 54.06],
    ]);
    expect(d.risksAppeared.map((r) => [r.service, r.code])).toContainEqual(["worker", "oom-kills"]);
    expect(d.resolvedRecommendations.map((r) => [r.service, r.how])).toEqual([
      ["api", "applied"],
      ["batch", "no-longer-advised"],
    ]);
    expect(d.removed.map((s) => [s.service, s.monthlyUsd])).toEqual([["legacy", 18.02]]);
    expect([d.old.nowMonthlyUsd, d.new.nowMonthlyUsd]).toEqual([198.22, 126.14]);
  }, 60_000);

  it("examples/weekly-report.github-actions.yml's Report step on the second Monday: Slack gets what changed, the summary the diff", async () => {
    const workflow = YAML.parse(readFileSync(join(ROOT, "examples", "weekly-report.github-actions.yml"), "utf8")) as {
      on: { schedule: Array<{ cron: string }> };
      jobs: { report: { steps: Array<{ name?: string; run?: string; env?: Record<string, string> }> } };
    };
    expect(workflow.on.schedule[0]!.cron).toBe("0 7 * * 1");
    const step = workflow.jobs.report.steps.find((x) => x.name === "Report")!;
    const posts: string[] = [];
    const slack = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        posts.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => slack.listen(0, "127.0.0.1", r));
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "ecs-advisor"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const cwd = join(dir, "gha");
    mkdirSync(cwd, { recursive: true });
    try {
      // The live collection is tested elsewhere (test/collect/moto*.test.ts): here the two weekly snapshots
      // stand in for it, so the step's history, Slack and summary are what is checked.
      const script = step.run!.replace('--region "$REGIONS"', '--snapshot "$SNAPSHOT"');
      expect(script).not.toBe(step.run);
      // The first Monday's run, stored in-process (its first-run digest is tested with AccessDenied below).
      const history = `s3://${BUCKET}/gha/`;
      const first = await cli(["report", "--snapshot", join(dir, "week1.json"), "--history", history, "--format", "json"], { env });
      expect(first.code, first.stderr).toBe(0);
      {
        const week = 1;
        const r = await spawnProcess("bash", ["-eo", "pipefail", "-c", script], {
          cwd,
          timeoutMs: 60_000,
          env: {
            ...env,
            HOME: dir,
            PATH: `${bin}:${process.env.PATH}`,
            AWS_EC2_METADATA_DISABLED: "true",
            SNAPSHOT: join(dir, `week${week + 1}.json`),
            HISTORY: history,
            SLACK_WEBHOOK_URL: `http://127.0.0.1:${(slack.address() as { port: number }).port}/services/T/B/x`,
            GITHUB_STEP_SUMMARY: join(cwd, "summary.md"),
            SOURCE_DATE_EPOCH: String(Number(SOURCE_DATE_EPOCH) + week * WEEK),
          },
        });
        expect(r.code, r.stderr).toBe(0);
      }
      expect(existsSync(join(cwd, "report.html"))).toBe(true);
      const summary = readFileSync(join(cwd, "summary.md"), "utf8");
      expect(summary).toMatch(/^## ecs-advisor diff: 2026-11-22 → 2026-11-29 \(7 days\)\n/);
      expect(posts).toHaveLength(1);
      expect(posts[0]).toContain("*Since the last run* (2026-11-22 → 2026-11-29 (7 days))");
      expect(posts[0]).toContain("$54.06/mo realised by 1 applied recommendation");
      expect(summary).toContain("- `c1/api` 1024 cpu / 2048 MiB → 256 cpu / 512 MiB, $54.06/mo realised");
    } finally {
      await new Promise<void>((r) => slack.close(() => r()));
    }
  }, 60_000);

  describe("AccessDenied on the write", () => {
    let server: Server;
    let url: string;
    const seen: string[] = [];
    let denyList = false;
    beforeAll(async () => {
      // S3's answers for a principal that may list the prefix but not write to it.
      server = createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        req.resume();
        req.on("end", () => {
          res.setHeader("content-type", "application/xml");
          if (req.method === "GET" && !denyList) {
            res.end(
              `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix>p/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`,
            );
          } else {
            res.statusCode = 403;
            res.end(
              `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:assumed-role/reader/x is not authorized to perform: s3:PutObject</Message><RequestId>1</RequestId></Error>`,
            );
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("the report is printed, then one line naming the permission, exit 2", async () => {
      const r = await cli(["report", "--demo", "--history", `s3://${BUCKET}/p/`, "--format", "markdown"], {
        env: { ...env, AWS_ENDPOINT_URL: url },
      });
      expect(r.code).toBe(2);
      expect(r.stdout).toContain("## ecs-advisor:");
      expect(r.stdout).toContain("The first run in this history");
      expect(r.stderr).toMatch(
        /^ecs-advisor: cannot store the report in s3:\/\/ecs-advisor-history-test\/p\/: User: .* is not authorized to perform: s3:PutObject\n {2}hint: the history needs s3:ListBucket, s3:GetObject and s3:PutObject/,
      );
      expect(r.stderr.split("\n")).toHaveLength(3);
      expect(seen.some((s) => s.startsWith("PUT /ecs-advisor-history-test/p/"))).toBe(true);
    });

    it("a history that cannot even be listed: a warning, the report without its past, then the failed store, exit 2", async () => {
      denyList = true;
      try {
        const r = await cli(["report", "--demo", "--history", `s3://${BUCKET}/p/`, "--format", "json"], {
          env: { ...env, AWS_ENDPOINT_URL: url },
        });
        expect(r.code).toBe(2);
        expect((JSON.parse(r.stdout) as Report).history).toBeUndefined();
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines[0]).toMatch(
          /^warning: cannot list the history in s3:\/\/ecs-advisor-history-test\/p\/: .*: this report says nothing of earlier runs$/,
        );
        expect(lines[1]).toMatch(/^ecs-advisor: cannot store the report in s3:\/\/ecs-advisor-history-test\/p\/: /);
        expect(lines).toHaveLength(3);
      } finally {
        denyList = false;
      }
    });
  });
});
