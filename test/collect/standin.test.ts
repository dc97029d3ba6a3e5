// Collection against the loopback stand-in (test/standin): what moto cannot do — the Price List API,
// pagination, throttling, injected AccessDenied — with the real SDK on the wire.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { planCalls } from "../../src/collect/aws/metrics.js";
import { UserError } from "../../src/errors.js";
import { ROOT } from "../helpers/cli.js";
import { DAY, FULL, NOW, standinFixture, WEEK } from "../helpers/standin-run.js";

const ctx = standinFixture();
const run = ctx.run;
/**
 * Collections that tests only read, made once for all of them (each is seconds of the stand-in's series): the
 * stand-in a test started is stopped after it, the snapshot stays.
 */
const once = <T>(make: () => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
};
/** 50 services over three clusters, a week of minutes, every List paged 3 at a time. */
const week50 = once(() => run(50, { pageCap: 3 }, WEEK));
/** 40 services over two clusters (one of them EC2), two days of minutes. */
const days40 = once(() => run(40));

describe("a 50-service estate over three clusters, with every List paged 3 at a time", () => {
  it("finds every service, reads the values the stand-in serves, and pages everything", async () => {
    const { snapshot, calls } = await week50();
    expect(snapshot.services).toHaveLength(50);
    expect(calls.get("ecs:ListClusters")).toBe(1);
    expect(calls.get("ecs:ListServices")).toBe(7 + 7 + 4); // 20, 20 and 10 services, 3 a page
    expect(calls.get("ecs:DescribeServices")).toBe(2 + 2 + 1); // ten at a time
    expect(calls.get("ecs:DescribeTaskDefinition")).toBe(50 + 5); // each once, plus the 5 earlier revisions in the window
    expect(calls.get("cloudwatch:GetMetricData")).toBe(25); // two services' 5 × 10,080 points fill a call (100,800)
    // Autoscaling: every 7th service (k = 0, 7, …, 49: 8 of them), 3 a page → 3 pages each.
    expect(calls.get("application-autoscaling:DescribeScalableTargets")).toBe(3);
    expect(calls.get("application-autoscaling:DescribeScalingPolicies")).toBe(3);
    expect(snapshot.services.filter((s) => s.autoscaling).length).toBe(8);

    // svc-00001: CPU 6 % on average, the hottest task round(6 × 1.2) = 7 %, scaled by 0.8 at night; 2 tasks
    const u = snapshot.services.find((s) => s.name === "svc-00001")!.utilization!;
    const at2am = (Date.parse("2026-11-15T02:00:00Z") - Date.parse(u.start)) / 60_000;
    expect(u.periodSeconds).toBe(60);
    expect([u.cpuAverage[at2am], u.cpuMaximum[at2am], u.runningTasks[at2am]]).toEqual([Math.fround(4.8), Math.fround(5.6), 2]);
  });

  it("reads the deployment history of services deployed in the window, with the size before", async () => {
    const { snapshot } = await week50();
    const s = snapshot.services.find((x) => x.name === "svc-00003")!;
    expect(s.deploymentHistory).toBe("complete");
    expect(s.deployments.map((d) => d.taskDefinition)).toEqual(["svc-00003:6", "svc-00003:7"]);
    const before = snapshot.taskDefinitions.find((t) => t.family === "svc-00003" && t.revision === 6)!;
    expect([before.cpu, before.memory]).toEqual([4096, 8192]); // it was twice today's 2048/4096
    expect(snapshot.services.find((x) => x.name === "svc-00001")!.deploymentHistory).toBe("complete"); // not deployed in the window
  });

  it("reads autoscaling and the OOM-killed task", async () => {
    const { snapshot } = await week50();
    expect(snapshot.services.find((x) => x.name === "svc-00007")!.autoscaling?.policies[0]?.targetTracking?.metric).toBe(
      "ECSServiceAverageCPUUtilization",
    );
    expect(snapshot.services.find((x) => x.name === "svc-00005")!.stoppedTasks[0]?.containers[0]?.reason).toContain("OutOfMemoryError");
  });
});

describe("filters and Container Insights", () => {
  it("--cluster and --service narrow the run (by name or cluster/name)", async () => {
    const one = await run(45, {}, { clusters: ["cluster-1"] });
    expect(new Set(one.snapshot.services.map((s) => s.cluster))).toEqual(new Set(["cluster-1"]));
    expect(one.snapshot.services).toHaveLength(20);
    await ctx.standin.stop();
    const two = await run(45, {}, { ...FULL, services: ["svc-00004", "cluster-2/svc-00041"] });
    expect(two.snapshot.services.map((s) => `${s.cluster}/${s.name}`).sort()).toEqual(["cluster-0/svc-00004", "cluster-2/svc-00041"]);
    expect(two.calls.get("cloudwatch:GetMetricData")).toBe(2);
    await ctx.standin.stop();
    const none = await run(5, {}, { services: ["nope"] }).catch((e: unknown) => e);
    expect((none as UserError).message).toBe("no ECS services matching --service nope in 1 cluster in us-east-1");
  });

  it("with Container Insights on, running tasks come from its RunningTaskCount", async () => {
    const { snapshot } = await run(25, {}, {}, 2, (e) => (e.clusters[1]!.containerInsights = true));
    expect(ctx.standin.metrics.has("ECS/ContainerInsights/RunningTaskCount")).toBe(true);
    const ci = snapshot.services.find((s) => s.name === "svc-00020")!; // in cluster-1; desired 1 + 20 % 3 = 3
    expect(ci.utilization!.runningTasks[100]).toBe(3);
    const plain = snapshot.services.find((s) => s.name === "svc-00002")!; // cluster-0: SampleCount
    expect(plain.utilization!.runningTasks[100]).toBe(3);
  });
});

describe("prices", () => {
  it("come from the recorded Price List items: Fargate rates, the clusters' types and every current-generation candidate", async () => {
    const { snapshot } = await days40();
    expect(snapshot.prices!.fargate.linuxX86).toEqual({ vcpuHour: 0.04048, gbHour: 0.004445 });
    const ec2 = snapshot.prices!.ec2;
    expect(ec2["c5.2xlarge"]).toEqual({ hourly: 0.34, vcpu: 8, memoryMiB: 16384, arch: "x86_64" });
    expect(ec2["m5.xlarge"]).toEqual({ hourly: 0.192, vcpu: 4, memoryMiB: 16384, arch: "x86_64" });
    // The candidate families beyond the cluster's own types, Graviton among them…
    expect(ec2["m7g.xlarge"]).toEqual({ hourly: 0.1632, vcpu: 4, memoryMiB: 16384, arch: "arm64" });
    expect(ec2["c6a.4xlarge"]).toMatchObject({ vcpu: 16, arch: "x86_64" });
    expect(ec2["r6g.2xlarge"]).toMatchObject({ vcpu: 8, arch: "arm64" });
    // …but not the previous generation (m4, currentGeneration No) nor burstable types (t3).
    expect(ec2["m4.large"]).toBeUndefined();
    expect(ec2["t3.large"]).toBeUndefined();
    expect(Object.keys(ec2)).toHaveLength(138); // 142 current-generation items, less the 4 t3 sizes
    expect(snapshot.prices!.source).toMatch(
      /^AWS Price List API \(GetProducts\) for us-east-1, published 2022-11-21, retrieved 2026-11-20/,
    );
    expect(snapshot.issues.map((i) => i.code)).not.toContain("pricing-candidates-bundled");
  });

  it("are cached for 7 days; --refresh-prices asks again", async () => {
    const day = { lookbackSeconds: DAY }; // prices do not depend on the window
    const first = await run(21, {}, day);
    // 21 services: a Fargate cluster and an EC2 one (on m5.xlarge). Fargate, and the three candidate families
    // (the cluster's m5.xlarge among them)
    expect(first.calls.get("pricing:GetProducts")).toBe(4);
    await ctx.standin.stop();
    // Prices an emulator served (--endpoint-url) are cached apart: a real run never reads them.
    expect(readdirSync(first.cacheDir).filter((f) => f.startsWith("prices-"))).toEqual(["prices-us-east-1-via-endpoint.json"]);
    const again = await run(21, {}, { ...day, cacheDir: first.cacheDir });
    expect(again.calls.get("pricing:GetProducts")).toBeUndefined();
    expect(again.snapshot.prices).toEqual(first.snapshot.prices);
    await ctx.standin.stop();
    expect((await run(21, {}, { ...day, cacheDir: first.cacheDir, nowMs: NOW + 8 * 86_400_000 })).calls.get("pricing:GetProducts")).toBe(4);
    await ctx.standin.stop();
    expect((await run(21, {}, { ...day, cacheDir: first.cacheDir, refreshPrices: true })).calls.get("pricing:GetProducts")).toBe(4);
  });

  it("denied: the bundled price book, and a warning that names pricing:GetProducts", async () => {
    const { snapshot } = await run(40, { fail: { "pricing:GetProducts": "AccessDeniedException" } });
    expect(snapshot.prices!.source).toContain("bundled price book");
    expect(snapshot.prices!.ec2["m5.xlarge"]!.hourly).toBe(0.192);
    expect(snapshot.issues.find((i) => i.code === "pricing-unavailable")?.message).toBe(
      "pricing:GetProducts was denied, so prices come from the bundled us-east-1 price book (2026-07-20)",
    );
    // Packing still has every candidate, from the bundled book, and says so.
    expect(snapshot.prices!.ec2["c6a.4xlarge"]).toMatchObject({ vcpu: 16 });
    expect(snapshot.issues.find((i) => i.code === "pricing-candidates-bundled")?.message).toBe(
      "packing candidates beyond the cluster's own instance types are priced from the bundled us-east-1 price book (2026-07-20)",
    );
  });

  it("a report from the collected snapshot packs onto types beyond the cluster's own, Graviton among them", async () => {
    const { snapshot } = await days40();
    const ec2Cluster = advise({
      snapshot,
      prices: snapshot.prices!,
      policy: DEFAULT_POLICY,
      generatedAt: "2026-11-20T12:00:00Z",
      sourceKind: "aws",
      toolVersion: "test",
    }).clusters.find((c) => c.packing);
    const packing = ec2Cluster!.packing!;
    const own = Object.keys(packing.current.instanceTypes);
    expect(packing.typesConsidered).toBeGreaterThan(own.length + 50);
    expect(packing.graviton).not.toBeNull();
    expect(Object.keys(packing.graviton!.instanceTypes).every((t) => snapshot.prices!.ec2[t]!.arch === "arm64")).toBe(true);
  });
});

describe("AccessDenied on one API degrades that part, with the missing permission named", () => {
  it.each([
    [
      "ecs:DescribeContainerInstances",
      "ecs:DescribeContainerInstances was denied, so EC2 capacity (container instances) is unknown (grant ecs:DescribeContainerInstances to include it)",
    ],
    [
      "application-autoscaling:DescribeScalableTargets",
      "application-autoscaling:DescribeScalableTargets was denied, so autoscaling settings are unknown (grant application-autoscaling:DescribeScalableTargets to include it)",
    ],
    ["ecs:ListTasks", "ecs:ListTasks was denied, so recently stopped tasks (OOM kills) are unknown (grant ecs:ListTasks to include it)"],
  ])("%s", async (action, message) => {
    // 21 services: a Fargate cluster and an EC2 one, so every part of the collection has something to read.
    const { snapshot } = await run(21, { fail: { [action]: "AccessDeniedException" } });
    expect(snapshot.services).toHaveLength(21);
    expect(snapshot.issues.map((i) => i.message)).toContain(message);
  });

  it("application-autoscaling denied: the snapshot says autoscaling is unknown (not that no service scales)", async () => {
    const denied = await run(10, { fail: { "application-autoscaling:DescribeScalableTargets": "AccessDeniedException" } });
    expect(denied.snapshot.autoscalingUnknown).toBe(true);
    const fine = await run(10);
    expect(fine.snapshot.autoscalingUnknown).toBeUndefined();
  });

  it("ecs:ListServiceDeployments: services deployed in the window keep only their current deployment", async () => {
    const { snapshot } = await run(40, { fail: { "ecs:ListServiceDeployments": "AccessDeniedException" } }, WEEK);
    expect(snapshot.services.find((x) => x.name === "svc-00003")!.deploymentHistory).toBe("current-only");
    expect(snapshot.issues.some((i) => i.message.startsWith("ecs:ListServiceDeployments was denied"))).toBe(true);
  });

  it("ecs:DescribeTaskDefinition: the affected services are named, and the run says so as it happens", async () => {
    const notes: string[] = [];
    const progress = { update: () => {}, note: (m: string) => notes.push(m), done: () => {} };
    const { snapshot } = await run(10, { fail: { "ecs:DescribeTaskDefinition": "AccessDeniedException" } }, { progress });
    const issue = snapshot.issues.find((i) => i.message.startsWith("ecs:DescribeTaskDefinition was denied"))!;
    expect(issue.services).toHaveLength(10);
    expect(notes).toContain(`warning: ${issue.message}`);
  });

  it("cloudwatch:GetMetricData: no metrics, and every service is listed as incomplete", async () => {
    const { snapshot } = await run(10, { fail: { "cloudwatch:GetMetricData": "AccessDeniedException" } });
    expect(snapshot.services.every((s) => s.utilization === undefined)).toBe(true);
    const issue = snapshot.issues.find((i) => i.message.startsWith("cloudwatch:GetMetricData was denied"))!;
    expect(issue.services).toHaveLength(10);
  });

  it("ecs:ListClusters: nothing to do, so one clear error", async () => {
    const e = await run(10, { fail: { "ecs:ListClusters": "AccessDeniedException" } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(/^permission denied: ecs:ListClusters \(/);
    expect((e as UserError).hint).toContain("IAM policy");
  });
});

describe("throttling", () => {
  it("throttled calls are retried with back-off and no data is lost", async () => {
    // every 4th request is throttled: 20 calls → at least 5 throttles, each retried
    const { snapshot } = await run(20, { throttleEvery: 4 }, FULL, 6);
    expect(ctx.standin.throttled).toBeGreaterThanOrEqual(5);
    expect(snapshot.services.filter((s) => s.utilization).length).toBe(20);
    expect(snapshot.issues.filter((i) => i.code === "throttled")).toEqual([]);
  }, 90_000);

  it("a run that still loses data says which services are incomplete", async () => {
    const { snapshot } = await run(4, { throttleEvery: "all" });
    const issue = snapshot.issues.find((i) => i.code === "throttled")!;
    expect(issue.message).toMatch(
      /^cloudwatch:GetMetricData failed \(Rate exceeded\), so CloudWatch data is missing or incomplete for 4 services/,
    );
    expect(issue.services!.sort()).toEqual(["cluster-0/svc-00000", "cluster-0/svc-00001", "cluster-0/svc-00002", "cluster-0/svc-00003"]);
    expect(snapshot.services.every((s) => s.utilization === undefined)).toBe(true);
  });
});

describe("read-only", () => {
  const READ_ONLY = /^(ecs|cloudwatch|pricing|application-autoscaling):(List|Describe|Get)[A-Za-z]+$/;

  it("every request a full collection sends is a List, Describe or Get", async () => {
    await run(45, { pageCap: 7 });
    const actions = [...ctx.standin.calls.keys()];
    expect(actions.length).toBeGreaterThan(10);
    for (const a of actions) expect(a).toMatch(READ_ONLY);
  });

  const source = readdirSync(join(ROOT, "src", "collect", "aws"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(join(ROOT, "src", "collect", "aws", f), "utf8"))
    .join("\n");

  it("the collector's code can send nothing else: every SDK command it imports is List/Describe/Get (or AssumeRole)", () => {
    const commands = [...source.matchAll(/\b([A-Z][A-Za-z]+)Command\b/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(10);
    // sts:AssumeRole only hands out temporary credentials for the read-only role: it changes no resource.
    for (const c of new Set(commands)) expect(c).toMatch(/^(List|Describe|Get|AssumeRole$)/);
    // Paginators (Organizations' accounts) are List calls too.
    for (const p of source.matchAll(/\bpaginate([A-Z][A-Za-z]+)\b/g)) expect(p[1]).toMatch(/^(List|Describe|Get)/);
  });

  it("anywhere in the tool, the one command that writes is s3 PutObject of a report, in the opt-in history store", () => {
    const writers: string[] = [];
    for (const f of readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" }).filter((x) => /\.tsx?$/.test(x))) {
      const text = readFileSync(join(ROOT, "src", f), "utf8");
      for (const m of text.matchAll(/\b([A-Z][A-Za-z]+)Command\b/g))
        if (!/^(List|Describe|Get|AssumeRole$)/.test(m[1]!)) writers.push(`${f}: ${m[1]}`);
    }
    expect([...new Set(writers)]).toEqual(["history/store.ts: PutObject"]);
  });

  it("the README's IAM policy lists exactly the actions the collector calls", () => {
    const called = new Set([...source.matchAll(/aws\.call\("([a-z-]+:[A-Za-z]+)"/g)].map((m) => m[1]!));
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const policy = JSON.parse(/```json\n(\{\s*"Version"[\s\S]*?)```/.exec(readme)![1]!) as { Statement: Array<{ Action: string[] }> };
    const listed = new Set(policy.Statement.flatMap((s) => s.Action));
    expect([...listed].sort()).toEqual([...called].sort());
    for (const a of called) expect(a).toMatch(READ_ONLY);
  });
});

describe("GetMetricData packing", () => {
  it.each([
    [20_160, 3, 3, 5], // 14 days at 60 s: 5 queries (one service) fill 100,800 datapoints
    [4_032, 10, 2, 25], // 14 days at 300 s: 25 queries (5 services) a call
    [1_440, 100, 8, 70], // a day at 60 s: 70 queries
    [24, 300, 3, 500], // a day at 3600 s: the 500-query limit
  ])("%i points a query, %i services → %i calls of up to %i queries", (points, services, calls, perCall) => {
    const plan = planCalls(services, points);
    expect(plan).toHaveLength(calls);
    expect(plan[0]).toHaveLength(Math.min(perCall, services * 5));
    expect(plan.flat()).toHaveLength(services * 5);
  });
});
