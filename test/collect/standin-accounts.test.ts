// Partial failure across accounts and regions, against the loopback stand-in's fleet (moto cannot refuse an
// AssumeRole or throttle one region): one account whose role cannot be assumed, one account-region whose
// ECS throttles every call. The rest is collected and reported; each gap is named; exit codes as documented.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectOptions } from "../../src/collect/aws/collect.js";
import { collectEstate } from "../../src/collect/aws/estate.js";
import { SESSION_NAME } from "../../src/collect/aws/targets.js";
import { writeEstateFile } from "../../src/collect/file.js";
import type { Estate } from "../../src/model/snapshot.js";
import { cli, spawnCli } from "../helpers/cli.js";
import { DAY, NOW, UNPACED } from "../helpers/standin-run.js";
import { syntheticEstate } from "../standin/estate.js";
import { type StandinFleet, startStandinFleet } from "../standin/server.js";

const BASE = "999999999999";
const [A, B, C] = ["111111111111", "222222222222", "333333333333"];
const ROLE = "arn:aws:iam::{account}:role/EcsAdvisorReadOnly";

/** A collection against the fleet: the SDK's own retry without its waits, no pacing, two days of data. */
const options = (url: string, dir: string, client: Partial<CollectOptions["client"]> = {}): CollectOptions => ({
  client: { endpointUrl: url, retryStrategy: new ConfiguredRetryStrategy(2, () => 1), quotas: UNPACED, ...client },
  lookbackSeconds: 2 * DAY,
  nowMs: NOW,
  toolVersion: "test",
  cacheDir: join(dir, "cache"),
  cloudwatchTps: 100_000,
  cloudwatchDps: 1e12,
});

const estate = (account: string, region: string, services: number) => ({
  ...syntheticEstate(services, NOW, region, 10),
  accountId: account,
});

describe("many account-regions, some of which fail", () => {
  let fleet: StandinFleet;
  let dir: string;
  let collected: Estate;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ecs-advisor-accounts-"));
    fleet = await startStandinFleet(
      [
        { estate: estate(A, "eu-west-1", 12) },
        // Every ECS call in A's us-east-1 is throttled: its buckets hold nothing.
        { estate: estate(A, "us-east-1", 8), opts: { ecsBuckets: { burst: 0, perSecond: 0 } } },
        { estate: estate(C, "eu-west-1", 6) },
        { estate: estate(C, "us-east-1", 4) },
      ],
      { baseAccount: BASE, denyAssume: [B] },
    );
    collected = (
      await collectEstate(options(fleet.url, dir, { credentials: { accessKeyId: "base", secretAccessKey: "b" } }), {
        roleArn: ROLE,
        accounts: [A, B, C],
        regions: ["eu-west-1", "us-east-1"],
        externalId: "ext-42",
        concurrency: 3,
      })
    ).estate;
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it("collects the rest: every service under its own account and region", () => {
    expect(collected.parts.map((p) => [p.source.accountId, p.source.region, p.services.length])).toEqual([
      [A, "eu-west-1", 12],
      [C, "eu-west-1", 6],
      [C, "us-east-1", 4],
    ]);
    // Each account-region's requests went to its own stand-in (its own quotas).
    expect(fleet.estates.get(`${C}/us-east-1`)!.calls.get("ecs:DescribeServices")).toBeGreaterThan(0);
    expect(fleet.estates.get(`${A}/us-east-1`)!.state.throttled).toBeGreaterThan(0);
  });

  it("names each gap: the role that could not be assumed, the account-region that kept throttling", () => {
    const gaps = [...collected.gaps].sort((x, y) => (x.account! < y.account! ? -1 : 1));
    expect(gaps.map((g) => [g.account, g.region, g.code])).toEqual([
      [A, "us-east-1", "throttled"],
      [B, null, "access-denied"],
    ]);
    expect(gaps[0]!.message).toMatch(/^AWS kept throttling ecs:ListClusters after retries/);
    expect(gaps[1]!.message).toMatch(
      /^sts:AssumeRole on arn:aws:iam::222222222222:role\/EcsAdvisorReadOnly failed \(User: .* is not authorized to perform: sts:AssumeRole/,
    );
    expect(gaps[1]!.message).toContain("with the same external id");
  });

  it("assumes each account's role once, with the external id and a session name that says what it is", () => {
    expect(fleet.assumed.map((a) => a.roleArn).sort()).toEqual([A, B, C].map((a) => ROLE.replace("{account}", a)));
    // Asked in the first region named (a GovCloud or China partition's STS is in its own regions).
    for (const a of fleet.assumed) expect([a.sessionName, a.externalId, a.region]).toEqual([SESSION_NAME, "ext-42", "eu-west-1"]);
    expect(SESSION_NAME).toBe("ecs-advisor-read-only");
  });

  it("the report is complete for the rest, and names both gaps in every format", async () => {
    const file = join(dir, "estate.json.gz");
    await writeEstateFile(file, collected, new Date(NOW).toISOString());
    const json = JSON.parse((await cli(["report", "--snapshot", file, "--format", "json"])).stdout);
    expect(json.totals.services).toBe(22);
    expect(json.scopes.map((s: { account: string; region: string | null; status: string }) => [s.account, s.region, s.status])).toEqual([
      [A, "eu-west-1", "collected"],
      [A, "us-east-1", "gap"],
      [B, null, "gap"],
      [C, "eu-west-1", "collected"],
      [C, "us-east-1", "collected"],
    ]);
    for (const format of ["table", "markdown", "slack", "csv", "html"]) {
      const r = await cli(["report", "--snapshot", file, "--format", format]);
      expect(r.code, format).toBe(0);
      // CSV has the account and region in columns of their own (a not-collected row).
      expect(r.stdout, format).toContain(format === "csv" ? `,${A},us-east-1` : `${A}/us-east-1`);
      expect(r.stdout, format).toContain(B);
      expect(r.stdout, format).toMatch(/kept throttling/);
    }
  });

  it("collect: exit 0 with the gaps named on stderr; exit 2 with one line when no account-region could be collected", async () => {
    const env = { AWS_ACCESS_KEY_ID: "base", AWS_SECRET_ACCESS_KEY: "b", ECS_ADVISOR_CACHE_DIR: join(dir, "cache") };
    const args = ["collect", "--endpoint-url", fleet.url, "--role-arn", ROLE, "--region", "eu-west-1", "--lookback", "2d"];
    const some = await spawnCli([...args, "--accounts", `${C},${B}`, "--out", join(dir, "some.json.gz")], { env, timeoutMs: 60_000 });
    expect(some.stderr).toMatch(
      /in 1 account-region, .*; 1 not collected \(named in the snapshot and the report\): 222222222222 \(every region\)/,
    );
    expect(some.code).toBe(0);
    const none = await spawnCli([...args, "--accounts", B, "--out", join(dir, "none.json.gz")], { env, timeoutMs: 60_000 });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^ecs-advisor: no account-region could be collected: 222222222222 \(every region\): sts:AssumeRole on .* failed/,
    );
    expect(none.stderr).toMatch(/\n {2}hint: /);
    expect(none.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});

describe("many profiles", () => {
  it("one account each (from sts:GetCallerIdentity), the same account read once, a broken profile a named gap", async () => {
    const fleet = await startStandinFleet([{ estate: estate(A, "eu-west-1", 3) }, { estate: estate(C, "eu-west-1", 2) }], {
      baseAccount: BASE,
    });
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-profiles-"));
    // The fleet reads the account from the access key: ASIA + the account id.
    writeFileSync(
      join(dir, "credentials"),
      [
        `[prod]\naws_access_key_id = ASIA${A}\naws_secret_access_key = s`,
        `[prod-again]\naws_access_key_id = ASIA${A}\naws_secret_access_key = s`,
        `[data]\naws_access_key_id = ASIA${C}\naws_secret_access_key = s`,
      ].join("\n"),
    );
    writeFileSync(join(dir, "config"), "");
    // The SDK reads profiles from the files these name; restored after (tests in a worker run one at a time).
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_CONFIG_FILE: join(dir, "config") });
    const notes: string[] = [];
    try {
      const { estate: got } = await collectEstate(
        // No credentials of the test's own: each profile's come from the files.
        { ...options(fleet.url, dir), progress: { update() {}, note: (l) => void notes.push(l), done() {} } },
        { profiles: ["prod", "prod-again", "data", "missing"], regions: ["eu-west-1"] },
      );
      expect(got.parts.map((p) => [p.source.accountId, p.services.length])).toEqual([
        [A, 3],
        [C, 2],
      ]);
      expect(notes).toContain(`profile prod-again is account ${A}, as profile prod is: read once`);
      expect(got.gaps).toEqual([expect.objectContaining({ account: null, region: null, label: "profile missing" })]);
      expect(got.gaps[0]!.message).toMatch(/^profile missing could not be used/);
    } finally {
      for (const k of ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"]) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
      await fleet.stop();
    }
  });
});
