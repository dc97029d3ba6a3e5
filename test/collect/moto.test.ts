// Integration: the real AWS SDK against moto (an independent AWS emulator), in-process and through the built
// CLI. Skipped, and said so, where moto is not installed (required in CI).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { collectSnapshot } from "../../src/collect/aws/collect.js";
import { readSnapshotFile } from "../../src/collect/file.js";
import type { Report } from "../../src/model/report.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { cli, spawnCli } from "../helpers/cli.js";
import { external } from "../helpers/external.js";
import { type Fault, startFaultProxy } from "../helpers/fault-proxy.js";
import { CREDENTIALS, SEED, motoAvailable, seedEstate, sharedMoto, type Moto } from "../helpers/moto.js";

const SKIP = external("MOTO", motoAvailable(), "moto (python3 -m pip install 'moto[server]'; MOTO_PYTHON names another Python)").skip;

describe.skipIf(SKIP)("collect against moto_server", () => {
  let moto: Moto;
  let dir: string;
  let env: Record<string, string>;
  let snapshot: Snapshot;
  const now = Date.now();

  beforeAll(async () => {
    moto = (await sharedMoto())!; // us-east-1 is this file's region
    await seedEstate(moto.url, now);
    dir = mkdtempSync(join(tmpdir(), "ecs-advisor-moto-"));
    env = {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: "true",
      HOME: dir,
      ECS_ADVISOR_CACHE_DIR: join(dir, "cache"),
    };
    snapshot = (
      await collectSnapshot({
        client: { region: "us-east-1", endpointUrl: moto.url, credentials: CREDENTIALS, maxAttempts: 1 },
        lookbackSeconds: 30 * 3600,
        nowMs: now,
        toolVersion: "test",
        cacheDir: join(dir, "cache"),
      })
    ).snapshot;
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  const svc = (name: string) => snapshot.services.find((s) => s.name === name)!;

  it("finds both clusters and both services with their task definitions", async () => {
    expect(snapshot.clusters.map((c) => c.name).sort()).toEqual(["batch", "web"]);
    expect(snapshot.services.map((s) => `${s.cluster}/${s.name}`).sort()).toEqual(["batch/worker", "web/web-api"]);
    const web = snapshot.taskDefinitions.find((t) => t.family === "web-api")!;
    expect([web.cpu, web.memory]).toEqual([1024, 2048]); // registered as "1024" and "2 GB"
    const worker = snapshot.taskDefinitions.find((t) => t.family === "worker")!;
    expect(worker.cpu).toBeUndefined();
    expect(worker.containers[0]).toMatchObject({ cpu: 512, memory: 1024 });
    expect(snapshot.taskDefinitions).toHaveLength(2); // each described once
  });

  it("reads the utilization that was put, minute by minute, with the task count from SampleCount", async () => {
    const u = svc("web-api").utilization!;
    expect(u.periodSeconds).toBe(60);
    const last = u.cpuMaximum.length - 1;
    expect([u.cpuAverage[last], u.cpuMaximum[last], u.memoryAverage[last], u.memoryMaximum[last], u.runningTasks[last]]).toEqual([
      SEED.web.cpuAvg,
      SEED.web.cpuMax,
      SEED.web.memAvg,
      SEED.web.memMax,
      SEED.web.tasks,
    ]);
    const present = [...u.cpuMaximum].filter((v) => !Number.isNaN(v)).length;
    expect(present).toBeGreaterThanOrEqual(SEED.hours * 60 - 2);
    expect(svc("worker").utilization!.runningTasks[last]).toBe(SEED.worker.tasks);
  });

  it("reads autoscaling, EC2 capacity and the OOM-killed task", async () => {
    expect(svc("web-api").autoscaling).toEqual({
      minCapacity: 2,
      maxCapacity: 6,
      policies: [
        { name: "cpu60", type: "TargetTrackingScaling", targetTracking: { metric: "ECSServiceAverageCPUUtilization", targetValue: 60 } },
      ],
    });
    const hosts = snapshot.containerInstances.filter((c) => c.cluster === "batch");
    expect(hosts).toHaveLength(2);
    expect(hosts.every((h) => h.instanceType === "m5.xlarge" && h.registered.cpu === 4096)).toBe(true);
    expect(svc("worker").stoppedTasks.map((t) => t.stoppedReason)).toEqual(["OutOfMemoryError: Container killed due to memory usage"]);
  });

  it("says what moto could not give (deployment history, prices) instead of failing", async () => {
    const codes = snapshot.issues.map((i) => i.code);
    expect(codes).toContain("pricing-unavailable");
    expect(snapshot.prices?.source).toContain("bundled price book");
    expect(snapshot.issues.find((i) => i.message.includes("ecs:ListServiceDeployments"))?.message).toContain(
      "not supported by this endpoint",
    );
  });

  it("the built CLI: collect → report --snapshot shows every service with the utilization put; live report gives the same numbers", async () => {
    const out = join(dir, "s.json.gz");
    const collect = await spawnCli(["collect", "--endpoint-url", moto.url, "--region", "us-east-1", "--lookback", "30h", "--out", out], {
      env,
    });
    expect(collect.code, collect.stderr).toBe(0);
    expect(collect.stderr).toMatch(/^wrote .*s\.json\.gz: 2 services \(2 with metrics\) on 2 clusters/m);
    expect(readSnapshotFile(out).services).toHaveLength(2);

    const fromFile = await cli(["report", "--snapshot", out, "--format", "json"]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const report = JSON.parse(fromFile.stdout) as Report;
    const web = report.services.find((s) => s.service === "web-api")!;
    // the hottest task's CPU was put at 30 % every minute: p95 = 30 % of 1024 units
    expect(web.evidence.cpu.observedPercent).toBe(SEED.web.cpuMax);
    expect(web.evidence.memory.observedPercent).toBe(SEED.web.memMax);
    expect(web.current).toMatchObject({ cpu: 1024, memory: 2048, tasks: 2 });
    const worker = report.services.find((s) => s.service === "worker")!;
    expect(worker.evidence.cpu.observedPercent).toBe(SEED.worker.cpuMax);
    expect(worker.reasons.map((r) => r.code)).toContain("oom-kills");

    // export from that snapshot: the changed service's task definition described from AWS (moto), patched,
    // and accepted by ECS as the next revision. The worker was OOM-killed: its memory goes up.
    const changes = join(dir, "changes");
    const exported = await spawnCli(["export", "--snapshot", out, "--endpoint-url", moto.url, "--out", changes], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const workerTd = JSON.parse(readFileSync(join(changes, "batch", "worker", "task-definition.json"), "utf8"));
    expect(workerTd.containerDefinitions[0].image).toBe("busybox"); // as registered, not made up
    expect(workerTd.containerDefinitions[0].memory).toBe(worker.containers!.containers[0]!.recommended.memory);
    // Container-level only: the container's limit is the task's memory, 1024 → 1248 (OOM bump, 32 MiB steps).
    expect(worker.recommended!.memory).toBe(1248);
    expect(workerTd.containerDefinitions[0].memory).toBe(1248);
    const ecs = new ECSClient({ region: "us-east-1", endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const registered = await ecs.send(new RegisterTaskDefinitionCommand(workerTd));
      expect(registered.taskDefinition!.revision).toBe(2);
    } finally {
      ecs.destroy();
    }

    const live = await spawnCli(["report", "--endpoint-url", moto.url, "--region", "us-east-1", "--lookback", "30h", "--format", "json"], {
      env,
    });
    expect(live.code, live.stderr).toBe(0);
    const liveReport = JSON.parse(live.stdout) as Report;
    for (const s of report.services) {
      const l = liveReport.services.find((x) => x.service === s.service)!;
      expect([l.evidence.cpu.observedPercent, l.evidence.memory.observedPercent, l.current]).toEqual([
        s.evidence.cpu.observedPercent,
        s.evidence.memory.observedPercent,
        s.current,
      ]);
    }
  }, 180_000);

  it("collect will not overwrite a file without --force", async () => {
    const out = join(dir, "keep.json");
    writeFileSync(out, "precious");
    const r = await cli(["collect", "--endpoint-url", moto.url, "--region", "us-east-1", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("already exists");
    expect(readFileSync(out, "utf8")).toBe("precious");
  });

  it("through 30 % throttling (as AWS answers it and as bare 429s), 500s, resets and a stalled request: the same snapshot (issue #14)", async () => {
    // Per IAM action, requests 2, 5, 8, 12, … (3 in 10) are throttled, alternately as ThrottlingException and
    // as a bare HTTP 429 with a text body; the first two DescribeServices are answered 500; the first
    // ListServices, DescribeScalableTargets and GetMetricData lose their connection; the first
    // DescribeTaskDefinition is never answered (the request times out at 2 s and is asked again: long enough that
    // moto answering slowly on a loaded machine is not a timeout too — with 0.5 s it failed once with 3 workers).
    const plan = (action: string, n: number): Fault | undefined => {
      if (action === "ecs:DescribeTaskDefinition" && n === 1) return "stall";
      if (["ecs:ListServices", "application-autoscaling:DescribeScalableTargets", "cloudwatch:GetMetricData"].includes(action) && n === 1)
        return "reset";
      if (action === "ecs:DescribeServices" && n <= 2) return "server-error";
      if (!/^(ecs|cloudwatch|application-autoscaling):/.test(action) || ![2, 5, 8].includes(n % 10)) return undefined;
      return n % 2 === 0 ? "throttle-429" : "throttle-json";
    };
    const proxy = await startFaultProxy(moto.url, plan);
    try {
      const faulty = (
        await collectSnapshot({
          client: {
            region: "us-east-1",
            endpointUrl: proxy.url,
            credentials: CREDENTIALS,
            // The SDK's retries without their back-off waits (what is retried is the point, not when).
            retryStrategy: new ConfiguredRetryStrategy(8, () => 1),
            requestTimeoutMs: 2000,
          },
          lookbackSeconds: 30 * 3600,
          nowMs: now,
          toolVersion: "test",
          cacheDir: join(dir, "cache"),
        })
      ).snapshot;
      expect(Object.fromEntries(proxy.injected)).toMatchObject({ stall: 1, reset: 3, "server-error": 2 });
      expect((proxy.injected.get("throttle-json") ?? 0) + (proxy.injected.get("throttle-429") ?? 0)).toBeGreaterThanOrEqual(5);
      const byFamily = (s: Snapshot) => [...s.taskDefinitions].sort((a, b) => a.family.localeCompare(b.family));
      expect(faulty.services).toEqual(snapshot.services);
      expect(byFamily(faulty)).toEqual(byFamily(snapshot));
      expect(faulty.containerInstances).toEqual(snapshot.containerInstances);
      expect(faulty.issues).toEqual(snapshot.issues);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it("an unknown --cluster is one clear line", async () => {
    const r = await spawnCli(["report", "--endpoint-url", moto.url, "--region", "us-east-1", "--cluster", "nope"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("ecs-advisor: no ECS cluster nope in us-east-1");
  });
});

describe("live errors: one line and exit 2", () => {
  const base = { HOME: mkdtempSync(join(tmpdir(), "ecs-advisor-home-")), AWS_EC2_METADATA_DISABLED: "true" };
  it.each([
    [
      "no credentials",
      ["report", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"],
      {},
      "ecs-advisor: no AWS credentials found (looked in the environment, ~/.aws/config and credentials, SSO and the instance role)",
    ],
    [
      "a bad region",
      ["report", "--region", "mars-1"],
      { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
      "ecs-advisor: --region mars-1 is not an AWS region name",
    ],
    [
      "no region at all",
      ["report"],
      { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
      "ecs-advisor: no AWS region: none given and none in the environment or AWS config",
    ],
    [
      "an endpoint that refuses",
      ["report", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"],
      { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
      "ecs-advisor: cannot reach AWS at http://127.0.0.1:9 (ecs:ListClusters): connect ECONNREFUSED 127.0.0.1:9",
    ],
    [
      "live options with --demo",
      ["report", "--demo", "--region", "us-east-1"],
      {},
      "ecs-advisor: --region reads from AWS, but --demo was given too",
    ],
  ])("%s", async (_what, args, extra, line) => {
    const r = await spawnCli(args, { env: { ...base, ...extra } });
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(line);
    expect(lines).toHaveLength(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
