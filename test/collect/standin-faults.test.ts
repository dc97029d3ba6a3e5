import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { renderPlan } from "../../src/cli/collect.js";
import { makeAws } from "../../src/collect/aws/clients.js";
import { API_QUOTAS } from "../../src/collect/aws/limits.js";
import { planCollection } from "../../src/collect/aws/collect.js";
import { UserError } from "../../src/errors.js";
import { cli } from "../helpers/cli.js";
import { DAY, FULL, NOW, standinFixture } from "../helpers/standin-run.js";
import { syntheticEstate } from "../standin/estate.js";
import { startStandin } from "../standin/server.js";

const ctx = standinFixture();
const run = ctx.run;

describe("the datapoint quota (issue #14)", () => {
  // 20 services × 5 series × 2 days of minutes = 288,000 estimated datapoints against a quota of 150,000 a
  // second (calls of up to 100,800): about a second of pacing at 90 % of it.
  it("paced on datapoints, a collection is never throttled for them and loses nothing", async () => {
    const { snapshot } = await run(20, { cloudwatchDps: 150_000 }, { cloudwatchDps: 135_000 }, 1);
    expect(ctx.standin.throttled).toBe(0);
    expect(snapshot.services.filter((s) => s.utilization)).toHaveLength(20);
  });
  it("a call that reaches AWS late does not meet the next one there over the quota (a 0.2 s delay)", async () => {
    // Calls of 100,800, 100,800 and 86,400 datapoints (35 queries × 2,880 minutes), the bucket one call: the second
    // goes 0.747 s after the first, which, 0.2 s late, left AWS's bucket 49,200 + 0.547 s × 150,000 = 131,250 ≥
    // 100,800. The limit (0.403 s late) is tested on a virtual clock in quota.test.ts: here, on the wire, the first
    // call of a run also leaves ~50 ms after its tokens were counted (a cold client) and a loaded machine adds more —
    // with 0.3 s (0.1 s to spare) a CI run was throttled once; 0.2 s leaves 0.2 s.
    const { snapshot } = await run(
      20,
      { cloudwatchDps: 150_000, delayFirst: { "cloudwatch:GetMetricData": 200 } },
      { cloudwatchDps: 135_000 },
      1,
    );
    expect(ctx.standin.throttled).toBe(0);
    expect(snapshot.services.filter((s) => s.utilization)).toHaveLength(20);
  });
  it("without that pacing the same quota throttles it (what main did)", async () => {
    // 40 services: 576,000 datapoints asked at once; only a stall of over 2.8 s between calls would let them through.
    const { snapshot } = await run(40, { cloudwatchDps: 150_000 }, { cloudwatchDps: 1e12 }, 1);
    expect(ctx.standin.throttled).toBeGreaterThan(0);
    expect(snapshot.services.filter((s) => s.utilization).length).toBeLessThan(40);
  });
});

describe("the resolution planner in a collection (issue #14)", () => {
  it("reads a coarser period when the estate would not fit the time budget, and says so", async () => {
    // 40 services × 5 series × 14 days: 1-minute data is 4,032,000 datapoints (11.3 s at 90 % of the quota),
    // 5-minute 806,400 (2.3 s); with a 1-second budget only hourly data (67,200; 0.19 s) fits.
    const { snapshot } = await run(40, {}, { ...FULL, maxDurationSeconds: 1 });
    expect(snapshot.window.periodSeconds).toBe(3600);
    expect(snapshot.services.find((s) => s.utilization)!.utilization!.periodSeconds).toBe(3600);
    expect(snapshot.issues.find((i) => i.code === "resolution-coarsened")!.message).toBe(
      "CloudWatch read at 3600-second periods, not 60: 40 services at 60 s would take about 11 s within GetMetricData's datapoint quota, over the 1 s budget (--max-duration)",
    );
  });
  it("keeps 1-minute data when it fits (the default 10-minute budget)", async () => {
    // 10 services × 14 days of minutes: 1,008,000 datapoints, under 3 s of quota (fewer than above, for time).
    const { snapshot } = await run(10, {}, FULL);
    expect(snapshot.issues.map((i) => i.code)).not.toContain("resolution-coarsened");
    expect(snapshot.services.find((s) => s.utilization)!.utilization!.sourcePeriodSeconds ?? 60).toBe(60);
  });
});

describe("collect --plan (issue #14)", () => {
  it("lists the estate and says what collecting it would take, without reading CloudWatch", async () => {
    const estate = syntheticEstate(40, NOW, "us-east-1", 20);
    ctx.standin = await startStandin(estate, {});
    const plan = await planCollection({
      client: { region: "us-east-1", endpointUrl: ctx.standin.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } },
      lookbackSeconds: 14 * DAY,
      nowMs: NOW,
      toolVersion: "test",
    });
    // 40 services × 5 series × 20,160 minutes = 4,032,000 datapoints ÷ 356,400 a second = 11.3 s; 5 queries a call → 40 calls.
    expect(plan).toMatchObject({
      services: 40,
      clusters: 2,
      fetchPeriod: 60,
      getMetricDataCalls: 40,
      datapoints: 4_032_000,
      limitedBy: "datapoints",
    });
    expect(plan.boundSeconds).toBeCloseTo(11.31, 2);
    expect(ctx.standin.calls.get("cloudwatch:GetMetricData")).toBeUndefined();
    const text = renderPlan(plan);
    expect(text).toContain("CloudWatch  60-second periods: 40 GetMetricData calls, 4,032,000 datapoints");
    expect(text).toContain("at least 12 s within GetMetricData's quotas");
    // ECS: 40 running task definitions + 4 from the 4 services deployed in the window (k % 10 = 3) = 44
    // DescribeTaskDefinition calls; 25 at once, the other 19 at 18 a second = 1.06 s.
    expect(plan.ecsLimitedBy).toBe("ecs-task-definition-read");
    expect(plan.ecsBoundSeconds).toBeCloseTo(19 / 18, 6);
    expect(text).toContain(
      "at least 2 s within ECS's request rates (18 a second for each group of actions, 90 % of 20; bound by ecs-task-definition-read)",
    );
    expect(plan.enhancedServices).toBe(0);
    expect(text).not.toContain("per-container usage");
  });

  it("says when per-container usage will add to CloudWatch's share (enhanced observability)", async () => {
    const estate = syntheticEstate(10, NOW, "us-east-1", 5); // two clusters of 5
    estate.clusters[1]!.enhancedObservability = true;
    ctx.standin = await startStandin(estate, {});
    const opts = {
      client: { region: "us-east-1", endpointUrl: ctx.standin.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } },
      lookbackSeconds: 14 * DAY,
      nowMs: NOW,
      toolVersion: "test",
    };
    const plan = await planCollection(opts);
    const inSecond = estate.clusters[1]!.services.length;
    expect(plan.enhancedServices).toBe(inSecond);
    expect(renderPlan(plan)).toContain(
      `+ per-container usage for ${inSecond} services in clusters with enhanced observability: two series a container of each task with several`,
    );
    expect((await planCollection({ ...opts, containerMetrics: false })).enhancedServices).toBe(0);
  });
});

describe("runs that never hang (issue #14)", () => {
  it("a request the server never answers times out, is retried, and nothing is lost — nor printed raw", async () => {
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    const errored = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const { snapshot } = await run(
        10,
        { stall: { "cloudwatch:GetMetricData": 1, "ecs:DescribeServices": 1 } },
        { client: { requestTimeoutMs: 300 } },
        3,
      );
      expect(snapshot.services).toHaveLength(10);
      expect(snapshot.services.filter((s) => s.utilization)).toHaveLength(10);
      expect(ctx.standin.calls.get("cloudwatch:GetMetricData")).toBeGreaterThan(1);
      expect(warned).not.toHaveBeenCalled();
      expect(errored).not.toHaveBeenCalled();
    } finally {
      warned.mockRestore();
      errored.mockRestore();
    }
  });

  it("connection resets and a burst of 500s are retried, and nothing is lost", async () => {
    const { snapshot } = await run(
      10,
      {
        reset: { "cloudwatch:GetMetricData": 1, "ecs:DescribeTaskDefinition": 2 },
        serverErrors: { "ecs:DescribeServices": 1, "application-autoscaling:DescribeScalableTargets": 2 },
      },
      {},
      3,
    );
    expect(snapshot.services.filter((s) => s.utilization)).toHaveLength(10);
    expect(snapshot.taskDefinitions).toHaveLength(10);
    expect(snapshot.issues).toEqual([]);
    expect(snapshot.autoscalingUnknown).toBeUndefined();
  });

  it("a bare 429 with a plain-text body is retried as throttling", async () => {
    const { snapshot } = await run(10, { plain429: { "ecs:DescribeServices": 1 } }, {}, 3);
    expect(snapshot.services).toHaveLength(10);
  });

  it("and when it never stops, the run ends with one line about throttling, not a JSON parse error", async () => {
    const e = await run(10, { plain429: { "ecs:DescribeServices": 99 } }, {}, 2).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe("AWS kept throttling ecs:DescribeServices after retries: HTTP 429 Too Many Requests");
  });
});

describe("retries through --endpoint-url (issue #14)", () => {
  it("throttling gets 8 attempts with an endpoint too (it had 3, and lost data under heavy throttling)", async () => {
    const aws = await makeAws({
      region: "us-east-1",
      endpointUrl: "http://127.0.0.1:9",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    try {
      expect(await aws.cloudwatch.config.maxAttempts()).toBe(8);
    } finally {
      aws.destroy();
    }
  });
  it("a call throttled 4 times in a row is still answered", async () => {
    const { snapshot } = await run(10, { throttleTimes: 4 }, {}, 8);
    expect(ctx.standin.throttled).toBeGreaterThanOrEqual(4);
    expect(snapshot.services.filter((s) => s.utilization)).toHaveLength(10);
  });
  it("but an emulator's server error is given up after 3 attempts, not 8", async () => {
    await run(10, { serverErrors: { "application-autoscaling:DescribeScalableTargets": 99 } }, {}, 8);
    expect(ctx.standin.calls.get("application-autoscaling:DescribeScalableTargets")).toBe(3);
  });
});

describe("running tasks when Container Insights has none (issue #14)", () => {
  it("fall back to CPUUtilization's SampleCount for the services whose RunningTaskCount is empty", async () => {
    const { snapshot } = await run(25, {}, {}, 2, (e) => {
      e.clusters[1]!.containerInsights = true;
      e.clusters[1]!.runningTaskCountMissing = true;
    });
    const ci = snapshot.services.find((s) => s.name === "svc-00020")!; // cluster-1; desired 1 + 20 % 3 = 3
    expect(ci.utilization!.runningTasks[100]).toBe(3);
    expect(snapshot.services.filter((s) => s.utilization).every((s) => !Number.isNaN(s.utilization!.runningTasks[100]!))).toBe(true);
  });
});

describe("ECS's request buckets (issue #14)", () => {
  // The stand-in throttles each ECS group of read actions at 50 burst, 100 a second (ECS: 50 burst, 20 a
  // second for cluster reads; the rate scaled so the test takes half a second). 60 services: ~66
  // DescribeTaskDefinition calls, 6 DescribeServices, 3 DescribeServiceRevisions…, asked 16 at a time. The
  // collector takes half a bucket at once, so up to 25 requests held back and let through together (16 at
  // most are in flight) never empty it.
  const buckets = { burst: 50, perSecond: 100 };
  const scaled = Object.fromEntries(Object.keys(API_QUOTAS).map((g) => [g, buckets]));
  // Six hours of CloudWatch data: the stand-in shares this process, and minutes of metrics to build and decode
  // would hold ECS requests back and let them through in a bunch (an artefact of the test, not of pacing).
  const light = { lookbackSeconds: 6 * 3600 };
  it("paced on each group's bucket, a collection is never throttled by ECS and loses nothing", async () => {
    const { snapshot, calls } = await run(60, { ecsBuckets: buckets }, { ...light, client: { quotas: scaled } }, 1);
    expect(ctx.standin.throttled).toBe(0);
    expect(calls.get("ecs:DescribeTaskDefinition")).toBe(60 + snapshot.services.filter((s) => s.deployments.length > 1).length);
    expect(snapshot.taskDefinitions.length).toBe(calls.get("ecs:DescribeTaskDefinition"));
    expect(snapshot.issues).toEqual([]);
  });
  it("without that pacing the same buckets throttle it (what main did)", async () => {
    // A smaller bucket (10), so that 16 calls at once empty it. With no retries the run ends at the first
    // throttled DescribeServices, or loses task definitions.
    const outcome = await run(60, { ecsBuckets: { burst: 10, perSecond: 100 } }, light, 1).then(
      (r) => r.snapshot.issues.map((i) => i.code).join(","),
      (e: Error) => e.message,
    );
    expect(ctx.standin.throttled).toBeGreaterThan(0);
    expect(outcome).toMatch(/throttl/);
  });
});

describe("task counts under 20-second metrics (issue #14)", () => {
  it("are SampleCount ÷ 3 for the services that publish them, checked against their running count, and said so", async () => {
    const { snapshot } = await run(25, {}, {}, 2, (e) => {
      for (const s of e.clusters[0]!.services.slice(0, 2)) s.twentySecondMetrics = true;
    });
    const counts = (name: string) => snapshot.services.find((s) => s.name === name)!.utilization!.runningTasks;
    // svc-00000: desired 1 (1 + 0 % 3), svc-00001: 2 — not 3 and 6; svc-00002 (60-second metrics): 3.
    expect(counts("svc-00000")[100]).toBe(1);
    expect(counts("svc-00001")[100]).toBe(2);
    expect(counts("svc-00002")[100]).toBe(3);
    const w = snapshot.issues.find((i) => i.code === "twenty-second-metrics")!;
    expect(w.message).toBe(
      "2 services publish 20-second CPU metrics: task counts are CloudWatch's SampleCount ÷ 3 (three samples a task a minute, as each service's running count confirms)",
    );
    expect(w.services).toEqual(["cluster-0/svc-00000", "cluster-0/svc-00001"]);
  });
  it("with Container Insights, RunningTaskCount counts tasks already: nothing is divided", async () => {
    const { snapshot } = await run(5, {}, {}, 2, (e) => {
      e.clusters[0]!.containerInsights = true;
      for (const s of e.clusters[0]!.services) s.twentySecondMetrics = true;
    });
    expect(snapshot.services.find((s) => s.name === "svc-00001")!.utilization!.runningTasks[100]).toBe(2);
    expect(snapshot.issues.map((i) => i.code)).not.toContain("twenty-second-metrics");
  });
  it("when the revisions cannot be read, the run says task counts may read high", async () => {
    const { snapshot } = await run(5, { fail: { "ecs:DescribeServiceRevisions": "AccessDeniedException" } });
    expect(snapshot.issues.find((i) => i.message.includes("ecs:DescribeServiceRevisions"))!.message).toBe(
      "ecs:DescribeServiceRevisions was denied, so which services publish 20-second metrics is unknown, so their task counts may read up to 3 times too high (grant ecs:DescribeServiceRevisions to include it)",
    );
  });
});

describe("only the statistics the advice uses (issue #14)", () => {
  it("a live report under a policy that sizes memory from maxima does not read memory's Average", async () => {
    const { snapshot } = await run(20, {}, { memoryAverage: false });
    expect(Object.fromEntries(ctx.standin.statistics)).toEqual({
      "CPUUtilization Average": 20,
      "CPUUtilization Maximum": 20,
      "CPUUtilization SampleCount": 20,
      "MemoryUtilization Maximum": 20,
    });
    const u = snapshot.services[0]!.utilization!;
    expect([...u.memoryAverage].every(Number.isNaN)).toBe(true);
    expect(u.memoryMaximum[100]).toBeGreaterThan(0);
  });
  it("a snapshot (collect) reads all five, for any policy later", async () => {
    await run(20);
    expect(ctx.standin.statistics.get("MemoryUtilization Average")).toBe(20);
  });
});

describe("the CLI asks for what its policy uses (issue #14)", () => {
  it("report (live, default policy) reads four statistics; collect reads five", async () => {
    ctx.standin = await startStandin(syntheticEstate(4, Date.now(), "us-east-1", 20), { cloudwatchTps: 100_000 });
    // The SDK reads credentials from the process environment, whatever the CLI's own environment says.
    vi.stubEnv("AWS_ACCESS_KEY_ID", "a");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "b");
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const env = {
      AWS_ACCESS_KEY_ID: "a",
      AWS_SECRET_ACCESS_KEY: "b",
      AWS_EC2_METADATA_DISABLED: "true",
      ECS_ADVISOR_CACHE_DIR: mkdtempSync(join(tmpdir(), "ecs-advisor-prices-")),
    };
    const live = ["--endpoint-url", ctx.standin.url, "--region", "us-east-1", "--lookback", "6h"];
    const r = await cli(["report", ...live, "--format", "json"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(ctx.standin.statistics.get("MemoryUtilization Average")).toBeUndefined();
    expect(ctx.standin.statistics.get("MemoryUtilization Maximum")).toBe(4);
    const c = await cli(["collect", ...live, "--out", join(env.ECS_ADVISOR_CACHE_DIR, "s.json")], { env });
    expect(c.code, c.stderr).toBe(0);
    expect(ctx.standin.statistics.get("MemoryUtilization Average")).toBe(4);
  });
});
