// Pure mappers, on SDK outputs recorded from moto (fixtures/aws/recorded, scripts/record-aws-fixtures.ts)
// and on hand-made edge cases of real API shapes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Cluster, ContainerInstance, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import type { ScalableTarget, ScalingPolicy } from "@aws-sdk/client-application-auto-scaling";
import { describe, expect, it } from "vitest";
import {
  ec2PriceFrom,
  fargateRatesFrom,
  mapAutoscaling,
  mapCluster,
  mapContainerInstance,
  mapService,
  mapStoppedTask,
  mapTaskDefinition,
  parsePriceItem,
  serviceKeyOfResourceId,
  taskDefinitionRefOf,
} from "../../src/collect/aws/mappers.js";
import { ROOT } from "../helpers/cli.js";

const recorded = <T>(name: string): T => JSON.parse(readFileSync(join(ROOT, "fixtures", "aws", "recorded", name), "utf8")) as T;
const pricing = (name: string) =>
  readFileSync(join(ROOT, "fixtures", "aws", "pricing", name), "utf8")
    .split("\n")
    .filter(Boolean);

describe("ECS mappers on recorded responses", () => {
  it("services: launch type, counts, task definition ref, current deployment", () => {
    const svc = recorded<{ services: Service[] }>("DescribeServices-web.json").services[0]!;
    const s = mapService(svc, "web");
    expect(s).toMatchObject({
      cluster: "web",
      name: "web-api",
      launchType: "FARGATE",
      taskDefinition: "web-api:1",
      desiredCount: 2,
      runningCount: 2,
      deploymentHistory: "current-only",
    });
    expect(s.deployments).toHaveLength(1);
    expect(s.deployments[0]).toMatchObject({ status: "PRIMARY", taskDefinition: "web-api:1" });
  });

  it("services: the scheduling strategy, DAEMON kept and REPLICA (the default) left out", () => {
    const svc = recorded<{ services: Service[] }>("DescribeServices-web.json").services[0]!;
    expect(mapService({ ...svc, schedulingStrategy: "DAEMON" }, "web").schedulingStrategy).toBe("DAEMON");
    expect(mapService({ ...svc, schedulingStrategy: "REPLICA" }, "web").schedulingStrategy).toBeUndefined();
  });

  it("task definitions: task-level strings as ECS accepts them, and container-level only", () => {
    const web = mapTaskDefinition(recorded<{ taskDefinition: TaskDefinition }>("DescribeTaskDefinition-web-api.json").taskDefinition);
    expect(web.problems).toEqual([]);
    expect(web.taskDefinition).toMatchObject({
      family: "web-api",
      revision: 1,
      cpu: 1024,
      memory: 2048,
      networkMode: "awsvpc",
      cpuArchitecture: "X86_64",
    });
    const worker = mapTaskDefinition(recorded<{ taskDefinition: TaskDefinition }>("DescribeTaskDefinition-worker.json").taskDefinition);
    expect(worker.taskDefinition.cpu).toBeUndefined();
    expect(worker.taskDefinition.containers).toEqual([{ name: "app", cpu: 512, memory: 1024, essential: true }]);
  });

  it("container instances: type, registered and remaining resources", () => {
    const cis = recorded<{ containerInstances: ContainerInstance[] }>("DescribeContainerInstances.json").containerInstances;
    const ci = mapContainerInstance(cis[0]!, "batch");
    expect(ci).toMatchObject({ cluster: "batch", instanceType: "m5.xlarge", status: "ACTIVE", registered: { cpu: 4096, memory: 7482 } });
    expect(ci.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("stopped tasks: the service they belong to and the OOM reason", () => {
    const t = recorded<{ tasks: Task[] }>("DescribeTasks-stopped.json").tasks[0]!;
    const m = mapStoppedTask(t, "2026-11-20T12:00:00Z")!;
    expect(m.service).toBe("worker");
    expect(m.stopped.stoppedReason).toBe("OutOfMemoryError: Container killed due to memory usage");
    expect(m.stopped.stoppedAt).toBe("2026-11-20T12:00:00Z"); // moto gives no stop time; the collection time stands in
    expect(mapStoppedTask({ ...t, group: "family:worker" }, "x")).toBeUndefined(); // a standalone task
  });

  it("clusters and their capacity providers", () => {
    const c = recorded<{ clusters: Cluster[] }>("DescribeClusters.json").clusters[0]!;
    expect(mapCluster(c, new Map())).toMatchObject({ name: c.clusterName, capacityProviders: [], defaultCapacityProviderStrategy: [] });
    const withProviders = mapCluster(
      {
        ...c,
        capacityProviders: ["FARGATE", "FARGATE_SPOT", "asg-1"],
        defaultCapacityProviderStrategy: [{ capacityProvider: "asg-1", weight: 1 }],
      },
      new Map([
        [
          "asg-1",
          {
            name: "asg-1",
            autoScalingGroupProvider: {
              autoScalingGroupArn: "arn:asg",
              managedScaling: { status: "ENABLED", targetCapacity: 90 },
              managedTerminationProtection: "ENABLED",
            },
          },
        ],
      ]),
    );
    expect(withProviders.capacityProviders).toEqual([
      { name: "FARGATE", type: "FARGATE" },
      { name: "FARGATE_SPOT", type: "FARGATE_SPOT" },
      {
        name: "asg-1",
        type: "ASG",
        autoScalingGroup: "arn:asg",
        managedScaling: { status: "ENABLED", targetCapacity: 90 },
        managedTerminationProtection: "ENABLED",
      },
    ]);
    expect(withProviders.defaultCapacityProviderStrategy).toEqual([{ capacityProvider: "asg-1", weight: 1, base: 0 }]);
  });

  it("autoscaling: targets keyed by cluster/service with their target-tracking policy", () => {
    const targets = recorded<{ ScalableTargets: ScalableTarget[] }>("DescribeScalableTargets.json").ScalableTargets;
    const policies = recorded<{ ScalingPolicies: ScalingPolicy[] }>("DescribeScalingPolicies.json").ScalingPolicies;
    const m = mapAutoscaling(targets, policies);
    expect(m.get("web/web-api")).toEqual({
      minCapacity: 2,
      maxCapacity: 6,
      policies: [
        { name: "cpu60", type: "TargetTrackingScaling", targetTracking: { metric: "ECSServiceAverageCPUUtilization", targetValue: 60 } },
      ],
    });
  });
});

describe("ECS mappers on edge cases", () => {
  it.each([
    [{ cpu: "1 vCPU", memory: "2GB" }, 1024, 2048],
    [{ cpu: "0.25 vcpu", memory: "0.5 GB" }, 256, 512],
    [{ cpu: "512", memory: "3072" }, 512, 3072],
  ])("task-level %j → %i / %i", (size, cpu, memory) => {
    const m = mapTaskDefinition({ family: "f", revision: 2, containerDefinitions: [{ name: "a" }], ...size });
    expect([m.taskDefinition.cpu, m.taskDefinition.memory]).toEqual([cpu, memory]);
  });

  it("an unreadable size is left out and said", () => {
    const m = mapTaskDefinition({ family: "f", revision: 2, cpu: "lots", containerDefinitions: [{ name: "a", memoryReservation: 256 }] });
    expect(m.taskDefinition.cpu).toBeUndefined();
    expect(m.problems).toEqual(['cpu "lots" is not a cpu value']);
  });

  it("ARM, Windows and ephemeral storage come through", () => {
    const m = mapTaskDefinition({
      family: "f",
      revision: 1,
      cpu: "1024",
      memory: "2048",
      runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
      ephemeralStorage: { sizeInGiB: 50 },
      containerDefinitions: [{ name: "a" }],
    }).taskDefinition;
    expect([m.cpuArchitecture, m.ephemeralStorageGiB]).toEqual(["ARM64", 50]);
    expect(
      mapTaskDefinition({ family: "w", revision: 1, runtimePlatform: { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" } }).taskDefinition
        .operatingSystemFamily,
    ).toBe("WINDOWS_SERVER_2022_CORE");
  });

  it("a capacity-provider service keeps its strategy; references and keys parse", () => {
    const s = mapService(
      {
        serviceName: "s",
        taskDefinition: "arn:aws:ecs:eu-west-1:1:task-definition/api:42",
        capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 3, base: 1 }],
      },
      "c",
    );
    expect(s.launchType).toBeUndefined();
    expect(s.capacityProviderStrategy).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 3, base: 1 }]);
    expect(taskDefinitionRefOf("api:42")).toBe("api:42");
    expect(serviceKeyOfResourceId("service/prod/api")).toBe("prod/api");
    expect(serviceKeyOfResourceId("table/prod")).toBeUndefined();
  });
});

describe("Price List items", () => {
  it("are read from String objects (the SDK's LazyJsonString), never assumed to be primitive strings", () => {
    const line = pricing("AmazonECS-us-east-1.jsonl")[0]!;
    // eslint-disable-next-line no-new-wrappers
    const item = parsePriceItem(new String(line));
    expect(item).toMatchObject({ usd: 0.04048, unit: "hours", publicationDate: "2022-11-21T18:21:30Z" });
    expect(item!.attributes.usagetype).toBe("USE1-Fargate-vCPU-Hours:perCPU");
  });

  it("Fargate rates of us-east-1 from the 8 recorded SKUs", () => {
    const rates = fargateRatesFrom(pricing("AmazonECS-us-east-1.jsonl").map((l) => parsePriceItem(l)!));
    expect(rates).toEqual({
      linuxX86: { vcpuHour: 0.04048, gbHour: 0.004445 },
      linuxArm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
      windowsX86: { vcpuHour: 0.09148, gbHour: 0.01005, osLicenseVcpuHour: 0.046 },
      ephemeralGbHour: 0.000111,
      publicationDate: "2022-11-21T18:21:30Z",
    });
  });

  it("another region's usage-type prefix (APS3-) is matched by suffix", () => {
    const rates = fargateRatesFrom(pricing("AmazonECS-ap-south-1.jsonl").map((l) => parsePriceItem(l)!))!;
    expect(rates.linuxX86).toEqual({ vcpuHour: 0.04256, gbHour: 0.004655 });
    expect(rates.linuxArm64).toEqual({ vcpuHour: 0.02383, gbHour: 0.00261 });
    expect(rates.windowsX86).toBeUndefined();
  });

  it("EC2: vCPU and '8 GiB' parsed, Graviton detected, and the unused-reservation trap refused", () => {
    const items = pricing("AmazonEC2-us-east-1.jsonl").map((l) => parsePriceItem(l)!);
    const prices = items.map(ec2PriceFrom);
    expect(prices[0]).toEqual({ instanceType: "m5.large", hourly: 0.096, vcpu: 2, memoryMiB: 8192, arch: "x86_64" }); // the real item
    expect(prices.find((p) => p?.instanceType === "m6g.large")?.arch).toBe("arm64");
    expect(prices.filter((p) => p?.instanceType === "m5.xlarge").map((p) => p!.hourly)).toEqual([0.192]); // not 0.468
  });

  it("a free first tier is passed over for the priced one; garbage is not a price", () => {
    const tiered = JSON.stringify({
      product: { attributes: {} },
      terms: {
        OnDemand: {
          a: {
            priceDimensions: {
              x: { beginRange: "0", unit: "hours", pricePerUnit: { USD: "0.0000000000" } },
              y: { beginRange: "2200", unit: "hours", pricePerUnit: { USD: "0.0100000000" } },
            },
          },
        },
      },
    });
    expect(parsePriceItem(tiered)?.usd).toBe(0.01);
    expect(parsePriceItem("{not json")).toBeUndefined();
  });
});
