// Per-container usage from Container Insights (enhanced observability), collected with the real SDK against
// moto_server, and the container-level advice made from it — worked by hand.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { collectSnapshot } from "../../src/collect/aws/collect.js";
import { describeDefinitions } from "../../src/collect/aws/definitions.js";
import { buildExport } from "../../src/report/export.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { external } from "../helpers/external.js";
import { CREDENTIALS, type Moto, motoAvailable, sharedMoto } from "../helpers/moto.js";

const SKIP = external("MOTO", motoAvailable(), "moto (python3 -m pip install 'moto[server]'; MOTO_PYTHON names another Python)").skip;
const HOURS = 4;
/** This file's region on the shared moto_server. */
const REGION = "eu-west-1";

/**
 * One Fargate service, 1024 / 2048, in a cluster with enhanced observability: app, envoy and log-router.
 * Task: CPU Maximum 25 %, memory Maximum 40 %. Containers: app 200 cpu units / 600 MiB, envoy 40 / 100 MiB;
 * log-router publishes nothing (a sidecar without metrics of its own).
 */
async function seed(url: string, nowMs: number): Promise<void> {
  const cfg = { region: REGION, endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 };
  const ecs = new ECSClient(cfg);
  const cw = new CloudWatchClient({ ...cfg, disableRequestCompression: true });
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: "mesh", settings: [{ name: "containerInsights", value: "enhanced" }] }));
    await ecs.send(new CreateClusterCommand({ clusterName: "plain", settings: [{ name: "containerInsights", value: "enabled" }] }));
    const containers = [
      { name: "app", image: "app:1", cpu: 768, memory: 1536, memoryReservation: 1024, essential: true },
      { name: "envoy", image: "envoy:1", cpu: 128, memoryReservation: 256, essential: true },
      { name: "log-router", image: "fluent-bit:1", cpu: 128, memoryReservation: 128, essential: false },
    ];
    for (const family of ["shop", "other"]) {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          requiresCompatibilities: ["FARGATE"],
          networkMode: "awsvpc",
          cpu: "1024",
          memory: "2048",
          containerDefinitions: containers,
          tags: [{ key: "team", value: "shop" }],
        }),
      );
    }
    await ecs.send(
      new CreateServiceCommand({ cluster: "mesh", serviceName: "shop", taskDefinition: "shop:1", desiredCount: 2, launchType: "FARGATE" }),
    );
    // The same task in a cluster without enhanced observability: no container metrics are asked for.
    await ecs.send(
      new CreateServiceCommand({
        cluster: "plain",
        serviceName: "other",
        taskDefinition: "other:1",
        desiredCount: 2,
        launchType: "FARGATE",
      }),
    );

    const end = Math.floor(nowMs / 60_000) * 60_000;
    const put = async (namespace: string, data: MetricDatum[]) => {
      for (let i = 0; i < data.length; i += 1000)
        await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 1000) }));
    };
    for (const [cluster, service] of [
      ["mesh", "shop"],
      ["plain", "other"],
    ] as const) {
      const dims = [
        { Name: "ClusterName", Value: cluster },
        { Name: "ServiceName", Value: service },
      ];
      const ecsData: MetricDatum[] = [];
      const ciData: MetricDatum[] = [];
      for (let i = HOURS * 60; i >= 1; i--) {
        const Timestamp = new Date(end - i * 60_000);
        const stat = (avg: number, max: number) => ({ SampleCount: 2, Sum: avg * 2, Minimum: avg / 2, Maximum: max });
        ecsData.push({ MetricName: "CPUUtilization", Dimensions: dims, Timestamp, Unit: "Percent", StatisticValues: stat(20, 25) });
        ecsData.push({ MetricName: "MemoryUtilization", Dimensions: dims, Timestamp, Unit: "Percent", StatisticValues: stat(35, 40) });
        ciData.push({ MetricName: "RunningTaskCount", Dimensions: dims, Timestamp, Unit: "Count", Value: 2 });
        for (const [container, cpu, mem] of [
          ["app", 200, 600],
          ["envoy", 40, 100],
        ] as const) {
          const cdims = [...dims, { Name: "ContainerName", Value: container }];
          ciData.push({
            MetricName: "ContainerCpuUtilized",
            Dimensions: cdims,
            Timestamp,
            Unit: "None",
            StatisticValues: stat(cpu * 0.8, cpu),
          });
          ciData.push({
            MetricName: "ContainerMemoryUtilized",
            Dimensions: cdims,
            Timestamp,
            Unit: "Megabytes",
            StatisticValues: stat(mem * 0.9, mem),
          });
        }
      }
      await put("AWS/ECS", ecsData);
      await put("ECS/ContainerInsights", ciData);
    }
  } finally {
    ecs.destroy();
    cw.destroy();
  }
}

describe.skipIf(SKIP)("per-container usage against moto_server", () => {
  let moto: Moto;
  let withContainers: Snapshot;
  let without: Snapshot;
  const now = Date.now();

  beforeAll(async () => {
    moto = (await sharedMoto())!;
    await seed(moto.url, now);
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-moto-containers-"));
    const opts = {
      client: { region: REGION, endpointUrl: moto.url, credentials: CREDENTIALS, maxAttempts: 1 },
      lookbackSeconds: 3 * 3600,
      nowMs: now,
      toolVersion: "test",
      cacheDir: join(dir, "cache"),
    };
    withContainers = (await collectSnapshot(opts)).snapshot;
    without = (await collectSnapshot({ ...opts, containerMetrics: false })).snapshot;
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  // Three hours of one-minute data (kept short to keep the suite fast): the policy asks for advice from 2
  // hours and medium confidence from 2.5, as a team may; the default would give no advice at all.
  const adviseShort = () =>
    advise({
      snapshot: withContainers,
      prices: withContainers.prices!,
      policy: { ...DEFAULT_POLICY, minDataHours: 2, mediumConfidenceHours: 2.5, highConfidenceHours: 2.9 },
      generatedAt: new Date(now).toISOString(),
      sourceKind: "aws",
      toolVersion: "test",
    });
  const svc = (s: Snapshot, name: string) => s.services.find((x) => x.name === name)!;

  it("reads ContainerCpuUtilized and ContainerMemoryUtilized by ContainerName where observability is enhanced", () => {
    const u = svc(withContainers, "shop").utilization!;
    expect(u.containers!.map((c) => c.name)).toEqual(["app", "envoy"]); // log-router published nothing
    const app = u.containers![0]!;
    expect(app.cpuMaximum.length).toBe(u.cpuMaximum.length);
    expect(Math.max(...app.cpuMaximum.filter((v) => !Number.isNaN(v)))).toBe(200);
    expect(Math.max(...app.memoryMaximum.filter((v) => !Number.isNaN(v)))).toBe(600);
    expect(svc(withContainers, "other").utilization!.containers).toBeUndefined(); // "enabled", not "enhanced"
    expect(svc(without, "shop").utilization!.containers).toBeUndefined(); // --no-container-metrics
  });

  it("the advice: task 512 / 1024; app 250 cpu, 750 MiB limit, 500 reserved; envoy 50 / 125; log-router kept", () => {
    // Task: CPU p95 25 % of 1024 = 256 ÷ 0.8 = 320; memory peak 40 % of 2048 = 819.2 ÷ 0.8 = 1024 → Fargate 512 / 1024.
    // app: cpu 200 ÷ 0.8 = 250; limit 600 ÷ 0.8 = 750; reservation 750 × 1024/1536 = 500. envoy: 40 ÷ 0.8 = 50, 100 ÷ 0.8 = 125.
    // log-router keeps 128 / 128. Together 428 cpu ≤ 512 and 753 MiB reserved ≤ 1024; no limit above the task.
    const r = adviseShort();
    const f = r.services.find((s) => s.service === "shop")!;
    expect(f.recommended).toMatchObject({ cpu: 512, memory: 1024 });
    expect(f.containers!.basis).toBe("container-metrics");
    expect(f.containers!.containers.map((c) => [c.name, c.basis, c.recommended])).toEqual([
      ["app", "measured", { cpu: 250, memory: 750, memoryReservation: 500 }],
      ["envoy", "measured", { cpu: 50, memory: null, memoryReservation: 125 }],
      ["log-router", "unmeasured", { cpu: 128, memory: null, memoryReservation: 128 }],
    ]);
    const other = r.services.find((s) => s.service === "other")!;
    expect(other.containers!.basis).toBe("scaled-with-task");
  });

  it("export: the current revision described (tags too), patched, and registered again as revision 2", async () => {
    const client = { region: REGION, endpointUrl: moto.url, credentials: CREDENTIALS, maxAttempts: 1 };
    const got = await describeDefinitions(client, ["shop:1"]);
    expect(got.failed).toEqual([]);
    const current = got.definitions.get("shop:1")!;
    expect(current.tags).toEqual([{ key: "team", value: "shop" }]);
    expect(current).not.toHaveProperty("revision");
    expect(current).not.toHaveProperty("taskDefinitionArn");
    const report = adviseShort();
    const plan = buildExport({ report, snapshot: withContainers, definitions: got.definitions });
    const file = plan.files.find((f) => f.path === "mesh/shop/task-definition.json")!;
    const ecs = new ECSClient({ region: REGION, endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const r = await ecs.send(new RegisterTaskDefinitionCommand(JSON.parse(file.content)));
      expect(r.taskDefinition!.revision).toBe(2);
      expect([r.taskDefinition!.cpu, r.taskDefinition!.memory]).toEqual(["512", "1024"]);
      expect(r.taskDefinition!.containerDefinitions!.map((c) => [c.name, c.image, c.cpu, c.memory, c.memoryReservation])).toEqual([
        ["app", "app:1", 250, 750, 500],
        ["envoy", "envoy:1", 50, undefined, 125],
        ["log-router", "fluent-bit:1", 128, undefined, 128],
      ]);
    } finally {
      ecs.destroy();
    }
  });

  it("with data enough for advice but low confidence, the task and every container keep their sizes", () => {
    const r = advise({
      snapshot: withContainers,
      prices: withContainers.prices!,
      policy: { ...DEFAULT_POLICY, minDataHours: 2 },
      generatedAt: new Date(now).toISOString(),
      sourceKind: "aws",
      toolVersion: "test",
    });
    const f = r.services.find((s) => s.service === "shop")!;
    expect(f.confidence).toBe("low");
    expect(f.containers!.containers.every((c) => !c.changed)).toBe(true);
    expect(f.containers!.message).toMatch(/nothing may be made smaller \(see the reasons\), so no container's cpu and memory goes down$/);
  });
});
