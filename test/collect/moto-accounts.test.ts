// One run across two accounts and two regions, against moto_server: credentials from STS AssumeRole on
// arn:aws:iam::ACCOUNT:role/NAME act in ACCOUNT (../shared/docs/testing.md), so each account-region is
// seeded with its own estate through an assumed role, then collected through the role template, with the
// real SDK. Every service must land under its own account and region with its own utilization.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { CreateAccountCommand, CreateOrganizationCommand, ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adviseEstate } from "../../src/advisor/estate.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { collectEstate } from "../../src/collect/aws/estate.js";
import { readEstateFile, readEstateInputs, writeEstateFile } from "../../src/collect/file.js";
import type { Estate } from "../../src/model/snapshot.js";
import { partsOf } from "../../src/cli/source.js";
import YAML from "yaml";
import { CLI, cli, ROOT, SOURCE_DATE_EPOCH, spawnProcess } from "../helpers/cli.js";
import { external } from "../helpers/external.js";
import { CREDENTIALS, type Moto, motoAvailable, sharedMoto } from "../helpers/moto.js";

const SKIP = external("MOTO", motoAvailable(), "moto (python3 -m pip install 'moto[server]'; MOTO_PYTHON names another Python)").skip;
/** Accounts and regions no other test file uses on the shared moto_server. */
const A = "111111111111";
const B = "222222222222";
const R1 = "ap-southeast-2";
const R2 = "ca-central-1";
const ROLE = "arn:aws:iam::{account}:role/EcsAdvisorReadOnly";
const HOURS = 3;

/** Each account-region's estate: the same cluster and service names in A's two regions, on purpose. */
const ESTATES: Array<{ account: string; region: string; cluster: string; services: Array<[string, number, number]> }> = [
  // [service, CPU Maximum %, memory Maximum %]
  { account: A, region: R1, cluster: "web", services: [["api", 20, 30]] },
  {
    account: A,
    region: R2,
    cluster: "web",
    services: [
      ["api", 60, 70],
      ["cron", 10, 15],
    ],
  },
  { account: B, region: R1, cluster: "jobs", services: [["worker", 40, 50]] },
  // B has no clusters in R2.
];

async function credentialsFor(url: string, account: string) {
  const sts = new STSClient({ region: "us-east-1", endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE.replace("{account}", account), RoleSessionName: "seed" }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

async function seed(url: string, nowMs: number): Promise<void> {
  for (const e of ESTATES) {
    const cfg = { region: e.region, endpoint: url, credentials: await credentialsFor(url, e.account), maxAttempts: 1 };
    const ecs = new ECSClient(cfg);
    const cw = new CloudWatchClient({ ...cfg, disableRequestCompression: true });
    try {
      await ecs.send(new CreateClusterCommand({ clusterName: e.cluster }));
      const data: MetricDatum[] = [];
      const end = Math.floor(nowMs / 60_000) * 60_000;
      for (const [name, cpu, mem] of e.services) {
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: name,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "1024",
            memory: "2048",
            containerDefinitions: [{ name: "app", image: "app:1", essential: true }],
          }),
        );
        await ecs.send(
          new CreateServiceCommand({
            cluster: e.cluster,
            serviceName: name,
            taskDefinition: `${name}:1`,
            desiredCount: 2,
            launchType: "FARGATE",
          }),
        );
        const dims = [
          { Name: "ClusterName", Value: e.cluster },
          { Name: "ServiceName", Value: name },
        ];
        // Up to 15 minutes past now too: collections made a minute apart see the same full window.
        for (let i = HOURS * 60; i >= -15; i--) {
          const Timestamp = new Date(end - i * 60_000);
          const stat = (max: number) => ({ SampleCount: 2, Sum: max * 1.6, Minimum: max / 2, Maximum: max });
          data.push({ MetricName: "CPUUtilization", Dimensions: dims, Timestamp, Unit: "Percent", StatisticValues: stat(cpu) });
          data.push({ MetricName: "MemoryUtilization", Dimensions: dims, Timestamp, Unit: "Percent", StatisticValues: stat(mem) });
        }
      }
      for (let i = 0; i < data.length; i += 1000)
        await cw.send(new PutMetricDataCommand({ Namespace: "AWS/ECS", MetricData: data.slice(i, i + 1000) }));
    } finally {
      ecs.destroy();
      cw.destroy();
    }
  }
}

/**
 * examples/fan-out.github-actions.yml, run here: each matrix job's shell steps in a folder of its own
 * (the install step aside: `ecs-advisor` is this checkout's build on PATH), its snapshots/ handed to the
 * report job as upload-artifact and download-artifact with merge-multiple would, then the report job's
 * steps. AWS_ENDPOINT_URL sends the calls to moto (the workflow itself names no endpoint).
 */
async function fanOut(env: Record<string, string>, url: string, dir: string): Promise<string> {
  const workflow = YAML.parse(readFileSync(join(ROOT, "examples", "fan-out.github-actions.yml"), "utf8")) as {
    jobs: Record<
      string,
      { strategy?: { matrix: { account: string[] } }; steps: Array<{ name?: string; run?: string; env?: Record<string, string> }> }
    >;
  };
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "ecs-advisor"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  const expand = (text: string, matrix: Record<string, string>) =>
    text.replace(/\$\{\{\s*(matrix|secrets)\.(\w+)\s*\}\}/g, (_m, kind: string, key: string) =>
      kind === "matrix" ? (matrix[key] ?? "") : "",
    );
  const run = async (job: string, cwd: string, matrix: Record<string, string>) => {
    for (const step of workflow.jobs[job]!.steps) {
      if (!step.run || step.name === "Install ecs-advisor") continue;
      // The regions this file seeded (three hours of data) stand in for the workflow's own list and lookback.
      const script = expand(step.run, matrix).replace("--lookback 14d", "--lookback 2h");
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, k === "REGIONS" ? `${R1},${R2}` : expand(String(v), matrix)]),
      );
      const r = await spawnProcess("bash", ["-eo", "pipefail", "-c", script], {
        cwd,
        timeoutMs: 60_000,
        env: {
          ...env,
          ...stepEnv,
          PATH: `${bin}:${process.env.PATH}`,
          AWS_ENDPOINT_URL: url,
          AWS_REGION: "us-east-1",
          CI: "true",
          SOURCE_DATE_EPOCH,
          GITHUB_STEP_SUMMARY: join(cwd, "summary.md"),
        },
      });
      expect(r.code, `${job} ${step.name}: ${r.stderr}`).toBe(0);
    }
  };
  const report = join(dir, "report-job");
  mkdirSync(join(report, "snapshots"), { recursive: true });
  await Promise.all(
    workflow.jobs.collect!.strategy!.matrix.account.map(async (account, i) => {
      const cwd = join(dir, `collect-job-${i}`);
      mkdirSync(cwd, { recursive: true });
      await run("collect", cwd, { account });
      for (const f of readdirSync(join(cwd, "snapshots"))) copyFileSync(join(cwd, "snapshots", f), join(report, "snapshots", f));
    }),
  );
  await run("report", report, {});
  return report;
}

const peak = (xs: Float32Array) => Math.max(...Array.from(xs).filter((v) => !Number.isNaN(v)));

describe.skipIf(SKIP)("many accounts and regions against moto_server", () => {
  let moto: Moto;
  let dir: string;
  let estate: Estate;
  const now = Date.now();
  const options = () => ({
    client: { endpointUrl: moto.url, credentials: CREDENTIALS, maxAttempts: 1 },
    lookbackSeconds: 2 * 3600,
    nowMs: now,
    toolVersion: "test",
    cacheDir: join(dir, "cache"),
  });

  beforeAll(async () => {
    moto = (await sharedMoto())!;
    dir = mkdtempSync(join(tmpdir(), "ecs-advisor-moto-accounts-"));
    await seed(moto.url, now);
    estate = (await collectEstate(options(), { roleArn: ROLE, accounts: [A, B], regions: [R1, R2] })).estate;
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  it("every service lands under its own account and region, with its own utilization", () => {
    const found = estate.parts.flatMap((p) =>
      p.services.map((s) => [
        p.source.accountId,
        p.source.region,
        s.cluster,
        s.name,
        peak(s.utilization!.cpuMaximum),
        peak(s.utilization!.memoryMaximum),
      ]),
    );
    expect(found.sort()).toEqual(
      [
        [A, R1, "web", "api", 20, 30],
        [A, R2, "web", "api", 60, 70],
        [A, R2, "web", "cron", 10, 15],
        [B, R1, "jobs", "worker", 40, 50],
      ].sort(),
    );
    // B's R2 was read and is empty: a part with no services, not a gap.
    expect(estate.parts.map((p) => `${p.source.accountId}/${p.source.region}`).sort()).toEqual([
      `${A}/${R1}`,
      `${A}/${R2}`,
      `${B}/${R1}`,
      `${B}/${R2}`,
    ]);
    expect(estate.gaps).toEqual([]);
  });

  it("--region all finds the regions where each account has clusters, and only those", async () => {
    // One account (each one more is 33 more ListClusters): A has clusters in R1 and R2, none elsewhere.
    const all = (await collectEstate(options(), { roleArn: ROLE, accounts: [A], regions: "all", concurrency: 8 })).estate;
    expect(all.parts.map((p) => `${p.source.accountId}/${p.source.region}`).sort()).toEqual([`${A}/${R1}`, `${A}/${R2}`]);
  });

  it("--organization: the role assumed in every ACTIVE account organizations:ListAccounts gives", async () => {
    // The organization is made in moto's default account (its management account); moto picks new accounts' ids.
    const org = new OrganizationsClient({ region: "us-east-1", endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
      await org.send(new CreateAccountCommand({ AccountName: "member", Email: "member@example.com" }));
      const listed = (await org.send(new ListAccountsCommand({}))).Accounts!;
      const active = listed.filter((a) => (a.State ?? a.Status) === "ACTIVE").map((a) => a.Id!);
      expect(active.length).toBeGreaterThanOrEqual(2);
      const e = (await collectEstate(options(), { roleArn: ROLE, organization: true, regions: [R1] })).estate;
      expect(e.gaps).toEqual([]);
      expect(e.parts.map((p) => p.source.accountId).sort()).toEqual([...active].sort());
    } finally {
      org.destroy();
    }
  });

  it("one report: the two `web/api` services apart, totals the sum of the account-regions', per-scope totals", () => {
    const policy = { ...DEFAULT_POLICY, minDataHours: 1, mediumConfidenceHours: 1.5, highConfidenceHours: 1.9 };
    const report = adviseEstate({
      parts: partsOf(estate),
      gaps: [],
      policy,
      generatedAt: new Date(now).toISOString(),
      sourceKind: "aws",
      toolVersion: "test",
    });
    const api = report.services.filter((s) => s.service === "api").map((s) => [s.account, s.region, s.recommended?.cpu]);
    // CPU p95 of per-period Maximum ÷ 0.8 target: 20 % of 1024 = 204.8 → 256; 60 % = 614.4 → 768 → Fargate 1024.
    expect(api.sort()).toEqual(
      [
        [A, R1, 256],
        [A, R2, 1024],
      ].sort(),
    );
    expect(report.source.accounts).toEqual([A, B]);
    expect(report.source.regions).toEqual([R1, R2]);
    expect(report.scopes!.map((s) => [s.account, s.region, s.services])).toEqual([
      [A, R1, 1],
      [A, R2, 2],
      [B, R1, 1],
      [B, R2, 0],
    ]);
    const sum = report.scopes!.reduce((a, s) => a + s.nowMonthlyUsd, 0);
    expect(report.totals.nowMonthlyUsd).toBeCloseTo(sum, 6);
    expect(report.totals.services).toBe(4);
  });

  it("the fan-out example's jobs (`collect --role-arn … --accounts A --region …,…` each), merged by its report job: the report of one collection", async () => {
    const env = {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      HOME: dir,
      ECS_ADVISOR_CACHE_DIR: join(dir, "cache"),
    };
    // The four account-regions collected together, now (after the seeding, as the jobs are: the services'
    // deployments are in both windows), as one version 2 snapshot.
    const both = join(dir, "both.json.gz");
    const together = (await collectEstate({ ...options(), nowMs: Date.now() }, { roleArn: ROLE, accounts: [A, B], regions: [R1, R2] }))
      .estate;
    await writeEstateFile(both, together, new Date().toISOString());
    const raw = JSON.parse(gunzipSync(readFileSync(both)).toString("utf8")) as { schemaVersion: number; parts: unknown[] };
    expect([raw.schemaVersion, raw.parts.length]).toEqual([2, 4]);
    expect(readEstateFile(both).parts.map((p) => p.source.accountId)).toEqual([A, A, B, B]);

    // The same accounts collected separately, as the fan-out example's matrix jobs do, then merged by its report job.
    const jobs = await fanOut(env, moto.url, dir);
    // Each job's collect wrote one version 2 snapshot of its account's two regions, and said so.
    expect(readEstateFile(join(jobs, "snapshots", `${A}.json.gz`)).parts.map((p) => p.source.region)).toEqual([R1, R2]);
    const report = (paths: string[]) => cli(["report", ...paths.flatMap((p) => ["--snapshot", p]), "--format", "json"]);
    const one = await report([both]);
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    const strip = (text: string) => {
      const r = JSON.parse(text);
      // Collected seconds apart: the collection times and windows differ; nothing else may.
      r.source.collectedAt = "-";
      r.source.window = "-";
      for (const s of r.scopes) s.collectedAt = "-";
      // A minute boundary may pass between the two: each series' window starts a minute apart, same values.
      for (const s of r.services) if (s.usage) s.usage.start = "-";
      return r;
    };
    expect(strip(readFileSync(join(jobs, "report.json"), "utf8"))).toEqual(strip(one.stdout));
    expect(readFileSync(join(jobs, "summary.md"), "utf8")).toContain(`| \`${A}\` | ${R1}, ${R2} | 3 |`);
    expect(readFileSync(join(jobs, "report.html"), "utf8")).toContain('<table id="accounts">');
    // The snapshots folder, as the report job has it: the same report again.
    const folder = join(jobs, "snapshots");
    expect(readEstateInputs([folder], (p) => p).inputs.map((p) => p.replace(/^.*\//, ""))).toEqual([`${A}.json.gz`, `${B}.json.gz`]);
    // The same cluster twice would be counted twice: one line, exit 2.
    const overlap = await report([both, folder]);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/both\.json\.gz and .*111111111111\.json\.gz both hold 111111111111\/ap-southeast-2 cluster web/);
  }, 120_000);
});
