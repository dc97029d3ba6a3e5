// Pure mappers: AWS SDK output → snapshot pieces. No I/O; tested with recorded responses.
import type {
  CapacityProvider,
  Cluster as EcsCluster,
  ContainerInstance as EcsContainerInstance,
  Service as EcsService,
  ServiceRevision,
  Task as EcsTask,
  TaskDefinition as EcsTaskDefinition,
  Resource,
} from "@aws-sdk/client-ecs";
import type { ScalableTarget, ScalingPolicy } from "@aws-sdk/client-application-auto-scaling";
import type {
  Autoscaling,
  Cluster,
  ContainerInstance,
  Deployment,
  Prices,
  Service,
  StoppedTask,
  TaskDefinition,
} from "../../model/snapshot.js";
import { parseCpuUnits, parseMemoryMiB } from "../../model/units.js";

const iso = (d: Date | string | undefined): string | undefined =>
  d === undefined ? undefined : (d instanceof Date ? d : new Date(d)).toISOString().replace(/\.000Z$/, "Z");

/** "arn:aws:ecs:…:task-definition/api:42" or "api:42" → "api:42". */
export function taskDefinitionRefOf(arnOrRef: string): string {
  const slash = arnOrRef.lastIndexOf("/");
  return arnOrRef.startsWith("arn:") && slash >= 0 ? arnOrRef.slice(slash + 1) : arnOrRef;
}

/** The last path segment of an ARN, or the name itself. */
export const nameOf = (arnOrName: string): string => arnOrName.slice(arnOrName.lastIndexOf("/") + 1);

export const accountOf = (arn: string | undefined): string | undefined => arn?.split(":")[4] || undefined;

const PROVIDER_TYPES = { FARGATE: "FARGATE", FARGATE_SPOT: "FARGATE_SPOT" } as const;

export function mapCluster(c: EcsCluster, providers: ReadonlyMap<string, CapacityProvider>): Cluster {
  return {
    name: c.clusterName ?? nameOf(c.clusterArn ?? "unknown"),
    ...(c.clusterArn ? { arn: c.clusterArn } : {}),
    capacityProviders: (c.capacityProviders ?? []).map((name) => {
      const builtin = PROVIDER_TYPES[name as keyof typeof PROVIDER_TYPES];
      if (builtin) return { name, type: builtin };
      const p = providers.get(name);
      const ms = p?.autoScalingGroupProvider?.managedScaling;
      return {
        name,
        type: "ASG" as const,
        ...(p?.autoScalingGroupProvider?.autoScalingGroupArn ? { autoScalingGroup: p.autoScalingGroupProvider.autoScalingGroupArn } : {}),
        ...(ms
          ? {
              managedScaling: {
                status: ms.status === "ENABLED" ? ("ENABLED" as const) : ("DISABLED" as const),
                ...(ms.targetCapacity !== undefined ? { targetCapacity: ms.targetCapacity } : {}),
                ...(ms.minimumScalingStepSize !== undefined ? { minimumScalingStepSize: ms.minimumScalingStepSize } : {}),
                ...(ms.maximumScalingStepSize !== undefined ? { maximumScalingStepSize: ms.maximumScalingStepSize } : {}),
                ...(ms.instanceWarmupPeriod !== undefined ? { instanceWarmupPeriod: ms.instanceWarmupPeriod } : {}),
              },
            }
          : {}),
        ...(p?.autoScalingGroupProvider?.managedTerminationProtection
          ? { managedTerminationProtection: p.autoScalingGroupProvider.managedTerminationProtection === "ENABLED" ? "ENABLED" : "DISABLED" }
          : {}),
      };
    }),
    defaultCapacityProviderStrategy: (c.defaultCapacityProviderStrategy ?? []).map((s) => ({
      capacityProvider: s.capacityProvider ?? "",
      weight: s.weight ?? 0,
      base: s.base ?? 0,
    })),
  };
}

/** Container Insights with enhanced observability: per-container metrics (aws-facts §3). */
export const containerInsightsEnhanced = (c: EcsCluster): boolean =>
  (c.settings ?? []).some((s) => s.name === "containerInsights" && s.value === "enhanced");

/** Container Insights on? (cluster setting `containerInsights` = enabled | enhanced) */
export const containerInsightsOn = (c: EcsCluster): boolean =>
  (c.settings ?? []).some((s) => s.name === "containerInsights" && (s.value === "enabled" || s.value === "enhanced"));

export function mapDeployments(s: EcsService): Deployment[] {
  return (s.deployments ?? [])
    .filter((d) => d.createdAt)
    .map((d) => ({
      ...(d.id ? { id: d.id } : {}),
      ...(d.status ? { status: d.status } : {}),
      ...(d.taskDefinition ? { taskDefinition: taskDefinitionRefOf(d.taskDefinition) } : {}),
      startedAt: iso(d.createdAt)!,
      ...(d.rolloutState === "COMPLETED" && d.updatedAt ? { finishedAt: iso(d.updatedAt)! } : {}),
    }))
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

/**
 * The resolution ECS publishes the service's CPUUtilization at (`monitoring`, 20 or 60 s; 60 when not set).
 * At 20 s each task gives three samples a minute (UNVERIFIED: see countsFromSamples).
 */
export function cpuMetricResolution(s: ServiceRevision): number {
  const c = (s.monitoring?.metricConfigurations ?? []).find((m) => m.metricNames?.includes("CPUUtilization"));
  return c?.resolutionSeconds === 20 ? 20 : 60;
}

/** GPUs a container reserves (resourceRequirements of type GPU; the value is a count as a string). */
function gpuOf(reqs: ReadonlyArray<{ type?: string | undefined; value?: string | undefined }> | undefined): { gpu?: number } {
  const n = Number(reqs?.find((r) => r.type === "GPU")?.value);
  return Number.isInteger(n) && n > 0 ? { gpu: n } : {};
}

export function mapService(s: EcsService, clusterName: string): Service {
  const lt = s.launchType;
  return {
    cluster: clusterName,
    name: s.serviceName ?? nameOf(s.serviceArn ?? "unknown"),
    ...(s.serviceArn ? { arn: s.serviceArn } : {}),
    ...(lt === "FARGATE" || lt === "EC2" || lt === "EXTERNAL" ? { launchType: lt } : {}),
    ...(s.capacityProviderStrategy?.length
      ? {
          capacityProviderStrategy: s.capacityProviderStrategy.map((i) => ({
            capacityProvider: i.capacityProvider ?? "",
            weight: i.weight ?? 0,
            base: i.base ?? 0,
          })),
        }
      : {}),
    ...(s.platformVersion ? { platformVersion: s.platformVersion } : {}),
    ...(s.schedulingStrategy === "DAEMON" ? { schedulingStrategy: "DAEMON" as const } : {}),
    taskDefinition: taskDefinitionRefOf(s.taskDefinition ?? "unknown"),
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    ...(s.createdAt ? { createdAt: iso(s.createdAt)! } : {}),
    ...(s.deploymentConfiguration
      ? {
          deploymentConfiguration: {
            ...(s.deploymentConfiguration.maximumPercent !== undefined ? { maximumPercent: s.deploymentConfiguration.maximumPercent } : {}),
            ...(s.deploymentConfiguration.minimumHealthyPercent !== undefined
              ? { minimumHealthyPercent: s.deploymentConfiguration.minimumHealthyPercent }
              : {}),
          },
        }
      : {}),
    deployments: mapDeployments(s),
    deploymentHistory: "current-only",
    stoppedTasks: [],
  };
}

export interface MappedTaskDefinition {
  taskDefinition: TaskDefinition;
  /** Fields ECS returned that could not be read (kept out of the snapshot). */
  problems: string[];
}

export function mapTaskDefinition(td: EcsTaskDefinition): MappedTaskDefinition {
  const problems: string[] = [];
  const cpu = td.cpu === undefined || td.cpu === null || td.cpu === "" ? undefined : parseCpuUnits(td.cpu);
  if (td.cpu && cpu === undefined) problems.push(`cpu ${JSON.stringify(td.cpu)} is not a cpu value`);
  const memory = td.memory === undefined || td.memory === null || td.memory === "" ? undefined : parseMemoryMiB(td.memory);
  if (td.memory && memory === undefined) problems.push(`memory ${JSON.stringify(td.memory)} is not a memory value`);
  const arch = td.runtimePlatform?.cpuArchitecture === "ARM64" ? "ARM64" : "X86_64";
  const nm = td.networkMode;
  return {
    taskDefinition: {
      ...(td.taskDefinitionArn ? { arn: td.taskDefinitionArn } : {}),
      family: td.family ?? "unknown",
      revision: td.revision ?? 1,
      ...(cpu !== undefined ? { cpu } : {}),
      ...(memory !== undefined ? { memory } : {}),
      ...(nm === "awsvpc" || nm === "bridge" || nm === "host" || nm === "none" ? { networkMode: nm } : {}),
      ...(td.requiresCompatibilities?.length ? { requiresCompatibilities: [...td.requiresCompatibilities] } : {}),
      cpuArchitecture: arch,
      operatingSystemFamily: td.runtimePlatform?.operatingSystemFamily ?? "LINUX",
      ...(td.ephemeralStorage?.sizeInGiB ? { ephemeralStorageGiB: td.ephemeralStorage.sizeInGiB } : {}),
      containers: (td.containerDefinitions ?? []).map((c) => ({
        name: c.name ?? "container",
        ...(c.cpu !== undefined && c.cpu > 0 ? { cpu: c.cpu } : {}),
        ...(c.memory !== undefined && c.memory > 0 ? { memory: c.memory } : {}),
        ...(c.memoryReservation !== undefined && c.memoryReservation > 0 ? { memoryReservation: c.memoryReservation } : {}),
        ...(c.essential !== undefined ? { essential: c.essential } : {}),
        ...gpuOf(c.resourceRequirements),
      })),
    },
    problems,
  };
}

const resource = (list: Resource[] | undefined, name: string): number => list?.find((r) => r.name === name)?.integerValue ?? 0;

export function mapContainerInstance(ci: EcsContainerInstance, clusterName: string): ContainerInstance {
  const attr = (name: string) => ci.attributes?.find((a) => a.name === name)?.value;
  const arch = attr("ecs.cpu-architecture");
  const id = nameOf(ci.containerInstanceArn ?? "unknown");
  return {
    cluster: clusterName,
    id,
    ...(ci.containerInstanceArn ? { arn: ci.containerInstanceArn } : {}),
    ...(ci.ec2InstanceId ? { ec2InstanceId: ci.ec2InstanceId } : {}),
    ...(attr("ecs.instance-type") ? { instanceType: attr("ecs.instance-type")! } : {}),
    status: ci.status ?? "ACTIVE",
    agentConnected: ci.agentConnected ?? true,
    registered: { cpu: resource(ci.registeredResources, "CPU"), memory: resource(ci.registeredResources, "MEMORY") },
    remaining: { cpu: resource(ci.remainingResources, "CPU"), memory: resource(ci.remainingResources, "MEMORY") },
    runningTasks: ci.runningTasksCount ?? 0,
    pendingTasks: ci.pendingTasksCount ?? 0,
    ...(ci.capacityProviderName ? { capacityProvider: ci.capacityProviderName } : {}),
    ...(arch ? { cpuArchitecture: arch === "arm64" ? ("ARM64" as const) : ("X86_64" as const) } : {}),
    ...(attr("ecs.availability-zone") ? { availabilityZone: attr("ecs.availability-zone")! } : {}),
  };
}

/**
 * A stopped task of a service ("service:<name>" group) → the service name and what stopped it. ECS keeps
 * stopped tasks about an hour, so when no stop time is given the collection time (`fallback`) is close.
 */
export function mapStoppedTask(t: EcsTask, fallback: string): { service: string; stopped: StoppedTask } | undefined {
  if (!t.group?.startsWith("service:")) return undefined;
  const stoppedAt = iso(t.stoppedAt ?? t.executionStoppedAt ?? t.stoppingAt) ?? fallback;
  return {
    service: t.group.slice("service:".length),
    stopped: {
      ...(t.taskArn ? { taskArn: t.taskArn } : {}),
      ...(t.taskDefinitionArn ? { taskDefinition: taskDefinitionRefOf(t.taskDefinitionArn) } : {}),
      stoppedAt,
      ...(t.stopCode ? { stopCode: t.stopCode } : {}),
      ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
      containers: (t.containers ?? []).map((c) => ({
        name: c.name ?? "container",
        ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
      })),
    },
  };
}

/** "service/<cluster>/<service>" → "cluster/service" */
export function serviceKeyOfResourceId(resourceId: string | undefined): string | undefined {
  const m = /^service\/([^/]+)\/([^/]+)$/.exec(resourceId ?? "");
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function mapAutoscaling(targets: ScalableTarget[], policies: ScalingPolicy[]): Map<string, Autoscaling> {
  const out = new Map<string, Autoscaling>();
  for (const t of targets) {
    if (t.ScalableDimension !== "ecs:service:DesiredCount") continue;
    const key = serviceKeyOfResourceId(t.ResourceId);
    if (!key) continue;
    out.set(key, { minCapacity: t.MinCapacity ?? 0, maxCapacity: t.MaxCapacity ?? 0, policies: [] });
  }
  for (const p of policies) {
    const key = serviceKeyOfResourceId(p.ResourceId);
    const target = key ? out.get(key) : undefined;
    if (!target || p.ScalableDimension !== "ecs:service:DesiredCount") continue;
    const type = p.PolicyType;
    if (type !== "TargetTrackingScaling" && type !== "StepScaling" && type !== "PredictiveScaling") continue;
    const tt = p.TargetTrackingScalingPolicyConfiguration;
    const custom = tt?.CustomizedMetricSpecification;
    const metric =
      tt?.PredefinedMetricSpecification?.PredefinedMetricType ??
      custom?.MetricName ??
      custom?.Metrics?.find((m) => m.ReturnData !== false)?.MetricStat?.Metric?.MetricName ??
      "custom";
    target.policies.push({
      name: p.PolicyName ?? "policy",
      type,
      ...(tt && tt.TargetValue !== undefined
        ? {
            targetTracking: {
              metric,
              targetValue: tt.TargetValue,
              ...(tt.ScaleInCooldown !== undefined ? { scaleInCooldown: tt.ScaleInCooldown } : {}),
              ...(tt.ScaleOutCooldown !== undefined ? { scaleOutCooldown: tt.ScaleOutCooldown } : {}),
              ...(tt.DisableScaleIn !== undefined ? { disableScaleIn: tt.DisableScaleIn } : {}),
            },
          }
        : {}),
    });
  }
  return out;
}

// ---- Price List ----

export interface PriceItem {
  attributes: Record<string, string>;
  /** On-Demand USD per unit; undefined when the item has no On-Demand USD price. */
  usd: number | undefined;
  unit: string | undefined;
  publicationDate: string | undefined;
}

/**
 * One `PriceList` element. The SDK hands these over as `String` objects (LazyJsonString), not primitive
 * strings (aws-facts §5), so they are read with String(item), never by `typeof item === "string"`.
 */
export function parsePriceItem(item: unknown): PriceItem | undefined {
  let doc: {
    product?: { attributes?: Record<string, string> };
    terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }> };
    publicationDate?: string;
  };
  try {
    doc = typeof item === "object" && item !== null && !(item instanceof String) ? (item as typeof doc) : JSON.parse(String(item));
  } catch {
    return undefined;
  }
  const attributes = doc.product?.attributes ?? {};
  // The dimension starting at 0, unless that tier is free and a priced one follows (aws-facts §6).
  let usd: number | undefined;
  let unit: string | undefined;
  const term = Object.values(doc.terms?.OnDemand ?? {})[0];
  const dims = Object.values(term?.priceDimensions ?? {})
    .map((d) => ({ usd: Number(d.pricePerUnit?.USD), unit: d.unit, begin: Number((d as { beginRange?: string }).beginRange ?? 0) }))
    .filter((d) => Number.isFinite(d.usd))
    .sort((a, b) => a.begin - b.begin);
  const chosen = dims.find((d) => d.usd > 0) ?? dims[0];
  if (chosen) {
    usd = chosen.usd;
    unit = chosen.unit;
  }
  return { attributes, usd, unit, publicationDate: doc.publicationDate };
}

const FARGATE_USAGE: Record<string, (r: FargateRates, usd: number) => void> = {
  "Fargate-vCPU-Hours:perCPU": (r, v) => (r.linuxX86.vcpuHour = v),
  "Fargate-GB-Hours": (r, v) => (r.linuxX86.gbHour = v),
  "Fargate-ARM-vCPU-Hours:perCPU": (r, v) => (r.linuxArm64.vcpuHour = v),
  "Fargate-ARM-GB-Hours": (r, v) => (r.linuxArm64.gbHour = v),
  "Fargate-Windows-vCPU-Hours:perCPU": (r, v) => (r.windows.vcpuHour = v),
  "Fargate-Windows-GB-Hours": (r, v) => (r.windows.gbHour = v),
  "Fargate-Windows-OS-Hours:perCPU": (r, v) => (r.windows.osLicenseVcpuHour = v),
  "Fargate-EphemeralStorage-GB-Hours": (r, v) => (r.ephemeralGbHour = v),
  // Spot: the usage types Cost and Usage Reports use; whether GetProducts lists them is UNVERIFIED (aws-facts §1.2).
  "SpotUsage-Fargate-vCPU-Hours:perCPU": (r, v) => (r.linuxX86Spot.vcpuHour = v),
  "SpotUsage-Fargate-GB-Hours": (r, v) => (r.linuxX86Spot.gbHour = v),
  "SpotUsage-Fargate-ARM-vCPU-Hours:perCPU": (r, v) => (r.linuxArm64Spot.vcpuHour = v),
  "SpotUsage-Fargate-ARM-GB-Hours": (r, v) => (r.linuxArm64Spot.gbHour = v),
};

interface FargateRates {
  linuxX86: { vcpuHour: number; gbHour: number };
  linuxArm64: { vcpuHour: number; gbHour: number };
  windows: { vcpuHour: number; gbHour: number; osLicenseVcpuHour: number };
  linuxX86Spot: { vcpuHour: number; gbHour: number };
  linuxArm64Spot: { vcpuHour: number; gbHour: number };
  ephemeralGbHour: number;
}

/**
 * Fargate rates from AmazonECS price items of one region. Usage types carry a region prefix
 * ("USE1-Fargate-GB-Hours"), matched by suffix. Returns undefined unless both x86 rates were found.
 */
export function fargateRatesFrom(items: readonly PriceItem[]): (Prices["fargate"] & { publicationDate?: string }) | undefined {
  const r: FargateRates = {
    linuxX86: { vcpuHour: Number.NaN, gbHour: Number.NaN },
    linuxArm64: { vcpuHour: Number.NaN, gbHour: Number.NaN },
    windows: { vcpuHour: Number.NaN, gbHour: Number.NaN, osLicenseVcpuHour: Number.NaN },
    linuxX86Spot: { vcpuHour: Number.NaN, gbHour: Number.NaN },
    linuxArm64Spot: { vcpuHour: Number.NaN, gbHour: Number.NaN },
    ephemeralGbHour: Number.NaN,
  };
  let publicationDate: string | undefined;
  for (const item of items) {
    const usage = item.attributes.usagetype ?? "";
    if (item.usd === undefined) continue;
    const suffix = usage.replace(/^[A-Z]{2,4}\d-/, "");
    const set = FARGATE_USAGE[suffix];
    if (!set) continue;
    set(r, item.usd);
    if (item.publicationDate && (!publicationDate || item.publicationDate > publicationDate)) publicationDate = item.publicationDate;
  }
  if (Number.isNaN(r.linuxX86.vcpuHour) || Number.isNaN(r.linuxX86.gbHour)) return undefined;
  const ok = (x: { vcpuHour: number; gbHour: number }) => !Number.isNaN(x.vcpuHour) && !Number.isNaN(x.gbHour);
  return {
    linuxX86: r.linuxX86,
    // A region without Graviton Fargate prices falls back to x86 rates rather than pricing ARM at zero.
    linuxArm64: ok(r.linuxArm64) ? r.linuxArm64 : { ...r.linuxX86 },
    ...(ok(r.windows) && !Number.isNaN(r.windows.osLicenseVcpuHour) ? { windowsX86: r.windows } : {}),
    ...(ok(r.linuxX86Spot) ? { linuxX86Spot: r.linuxX86Spot } : {}),
    ...(ok(r.linuxArm64Spot) ? { linuxArm64Spot: r.linuxArm64Spot } : {}),
    ephemeralGbHour: Number.isNaN(r.ephemeralGbHour) ? 0 : r.ephemeralGbHour,
    ...(publicationDate ? { publicationDate } : {}),
  };
}

/** vCPU "2" and memory "8 GiB" → numbers; undefined when the item is not a usable On-Demand Linux price. */
export function ec2PriceFrom(
  item: PriceItem,
): { instanceType: string; hourly: number; vcpu: number; memoryMiB: number; arch: "x86_64" | "arm64" } | undefined {
  const a = item.attributes;
  if (item.usd === undefined || a.capacitystatus !== "Used" || a.tenancy !== "Shared" || a.operatingSystem !== "Linux") return undefined;
  if (a.preInstalledSw !== undefined && a.preInstalledSw !== "NA") return undefined;
  const vcpu = Number(a.vcpu);
  const mem = /^([\d.,]+)\s*GiB$/i.exec(a.memory ?? "");
  if (!a.instanceType || !(vcpu > 0) || !mem) return undefined;
  const memoryMiB = Math.round(Number(mem[1]!.replace(/,/g, "")) * 1024);
  const arch = /graviton|arm/i.test(`${a.physicalProcessor ?? ""} ${a.processorArchitecture ?? ""}`) ? "arm64" : "x86_64";
  return { instanceType: a.instanceType, hourly: item.usd, vcpu, memoryMiB, arch };
}
