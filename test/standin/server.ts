// A loopback stand-in for the AWS APIs moto lacks or cannot scale to: the Price List API, pagination,
// GetMetricData's 50 TPS quota and limits, and estates of 10,000 services. It follows the wire rules of
// ../shared/docs/aws-facts.md §5: POST /, x-amz-target routing, JSON 1.1 (ECS, Pricing, Application Auto
// Scaling) and JSON 1.0 with query-compatible errors and epoch-second timestamps (CloudWatch).
import { readFileSync, readdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StandinCluster, StandinEstate, StandinService } from "./estate.js";

const PRICING_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "aws", "pricing");

export interface StandinOptions {
  /** Added to every response, uniformly between the two (ms). */
  latencyMs?: [number, number];
  /** The first request of an action is held this long before it is handled (it reaches AWS late), in ms. */
  delayFirst?: Record<string, number>;
  /**
   * Added to a GetMetricData response per 1,000 datapoints it carries (ms): transfer time grows with the
   * answer. An assumption, not a measurement of AWS (none can be made from here): the benchmark uses 0.1,
   * so a full 100,800-datapoint answer (~1.5 MB) takes ~10 ms longer than an empty one.
   */
  latencyPerThousandPoints?: number;
  /** GetMetricData calls a second before answering Throttling (AWS: 50). */
  cloudwatchTps?: number;
  /**
   * GetMetricData datapoints a second before answering Throttling (AWS: 396,000 when StartTime is over 3 h
   * ago, 180,000 within), counted as AWS does from estimated datapoints (queries × time range ÷ period).
   * Off unless given.
   */
  cloudwatchDps?: number;
  /** Largest page any List call returns, whatever maxResults asks (to exercise pagination). */
  pageCap?: number;
  /** Fail these IAM actions: "ecs:DescribeTaskDefinition" → error type (e.g. AccessDeniedException). */
  fail?: Record<string, string>;
  /** Answer Throttling to every Nth GetMetricData request, or to all, on top of the TPS quota. */
  throttleEvery?: number | "all";
  /** Answer Throttling to each distinct GetMetricData request this many times before serving it. */
  throttleTimes?: number;
  /** Never answer the first N requests of these IAM actions (the socket stays open): a stalled server. */
  stall?: Record<string, number>;
  /** Reset the connection (no answer at all) on the first N requests of these IAM actions. */
  reset?: Record<string, number>;
  /** Answer the first N requests of these IAM actions with a 500 InternalFailure. */
  serverErrors?: Record<string, number>;
  /** Answer the first N requests of these IAM actions with a bare 429 and a plain-text body, as a proxy would. */
  plain429?: Record<string, number>;
  /**
   * ECS's request throttling: a token bucket per group of actions (cluster, service, task-definition,
   * container-instance, task and deployment reads, as the ECS API reference groups them), each this size
   * and refilled at this rate; an empty bucket answers ThrottlingException "Rate exceeded". Off unless given.
   */
  ecsBuckets?: { burst: number; perSecond: number };
}

/** ECS's groups of read actions, as "Request throttling for the Amazon ECS API" names them (not the collector's table). */
export const ECS_GROUPS: Record<string, string> = {
  ListClusters: "cluster",
  DescribeClusters: "cluster",
  DescribeCapacityProviders: "capacity-provider",
  ListServices: "service",
  DescribeServices: "service",
  ListServiceDeployments: "service-deployment",
  DescribeServiceDeployments: "service-deployment",
  DescribeServiceRevisions: "service-deployment",
  DescribeTaskDefinition: "task-definition",
  ListContainerInstances: "container-instance",
  DescribeContainerInstances: "container-instance",
  ListTasks: "task",
  DescribeTasks: "task",
};

export interface Standin {
  url: string;
  /** "namespace/metric" of every GetMetricData query served. */
  metrics: Set<string>;
  /** GetMetricData queries served, by "metric statistic" ("MemoryUtilization Average" → 20). */
  statistics: Map<string, number>;
  /** Requests by IAM action. */
  calls: Map<string, number>;
  throttled: number;
  stop(): Promise<void>;
}

const SERVICES: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: "ecs",
  GraniteServiceVersion20100801: "cloudwatch",
  AWSPriceListService: "pricing",
  AnyScaleFrontendService: "application-autoscaling",
};

// biome-ignore lint/suspicious/noExplicitAny: a request body is whatever the SDK sent; each handler reads its own fields
type Wire = any;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const epoch = (ms: number) => ms / 1000;

function loadPriceItems(): Array<{ serviceCode: string; attributes: Record<string, string>; productFamily: string; text: string }> {
  const out: Array<{ serviceCode: string; attributes: Record<string, string>; productFamily: string; text: string }> = [];
  for (const f of readdirSync(PRICING_DIR).filter((n) => n.endsWith(".jsonl"))) {
    for (const line of readFileSync(join(PRICING_DIR, f), "utf8").split("\n").filter(Boolean)) {
      const doc = JSON.parse(line) as { serviceCode: string; product: { productFamily: string; attributes: Record<string, string> } };
      out.push({ serviceCode: doc.serviceCode, attributes: doc.product.attributes, productFamily: doc.product.productFamily, text: line });
    }
  }
  return out;
}

/** One estate's request handler (the stand-in's whole API), for a server of its own or a fleet's router. */
export function standinHandler(estate: StandinEstate, opts: StandinOptions = {}) {
  const calls = new Map<string, number>();
  const state = { throttled: 0 };
  const arn = (kind: string, rest: string) => `arn:aws:ecs:${estate.region}:${estate.accountId}:${kind}/${rest}`;
  const clusters = new Map(estate.clusters.map((c) => [c.name, c]));
  const services = new Map<string, { cluster: StandinCluster; service: StandinService }>();
  const byFamily = new Map<string, StandinService>();
  for (const c of estate.clusters) {
    for (const s of c.services) {
      services.set(`${c.name}/${s.name}`, { cluster: c, service: s });
      byFamily.set(s.family, s);
    }
  }
  const priceItems = loadPriceItems();
  const page = <T>(items: readonly T[], maxResults: number | undefined, token: string | undefined, dflt = 100) => {
    const size = Math.min(maxResults ?? dflt, opts.pageCap ?? Number.POSITIVE_INFINITY);
    const start = token ? Number(token) : 0;
    const next = start + size < items.length ? String(start + size) : undefined;
    return { items: items.slice(start, start + size), next };
  };
  const clusterOf = (ref: string | undefined) => {
    const c = clusters.get((ref ?? "default").replace(/^.*\//, ""));
    if (!c) throw new ApiError("ClusterNotFoundException", "Cluster not found.");
    return c;
  };
  const tdArn = (s: StandinService, revision = s.revision) => arn("task-definition", `${s.family}:${revision}`);
  const serviceJson = (c: StandinCluster, s: StandinService) => ({
    serviceArn: arn("service", `${c.name}/${s.name}`),
    serviceName: s.name,
    clusterArn: arn("cluster", c.name),
    status: "ACTIVE",
    desiredCount: s.desired,
    runningCount: s.desired,
    pendingCount: 0,
    launchType: s.launchType,
    ...(s.launchType === "FARGATE" ? { platformVersion: "1.4.0" } : {}),
    taskDefinition: tdArn(s),
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
    deployments: [
      {
        id: `ecs-svc/${s.name}`,
        status: "PRIMARY",
        taskDefinition: tdArn(s),
        desiredCount: s.desired,
        runningCount: s.desired,
        createdAt: epoch(s.deployedAtMs),
        updatedAt: epoch(s.deployedAtMs + 600_000),
        rolloutState: "COMPLETED",
      },
    ],
    createdAt: epoch(estate.nowMs - 90 * 86_400_000),
    currentServiceRevisions: [
      { arn: arn("service-revision", `${c.name}/${s.name}/r${s.revision}`), requestedTaskCount: s.desired, runningTaskCount: s.desired },
    ],
  });
  const taskDefJson = (s: StandinService, revision: number) => {
    const size =
      revision === s.revision || !s.previous ? { cpu: s.cpu, memory: s.memory } : { cpu: s.previous.cpu, memory: s.previous.memory };
    const fargate = s.launchType === "FARGATE";
    return {
      taskDefinitionArn: tdArn(s, revision),
      family: s.family,
      revision,
      status: "ACTIVE",
      networkMode: fargate ? "awsvpc" : "bridge",
      requiresCompatibilities: [s.launchType],
      ...(fargate ? { cpu: String(size.cpu), memory: String(size.memory) } : {}),
      containerDefinitions: [
        { name: "app", image: "app:latest", essential: true, ...(fargate ? {} : { cpu: size.cpu, memory: size.memory }) },
      ],
    };
  };

  // Metric values: a daily shape scaled per service, with JSON text cached per level (10,000 services
  // share a few hundred distinct series, and the stand-in must not be the bottleneck it measures).
  const textCache = new Map<string, string>();
  const cached = (key: string, make: () => string) => {
    let t = textCache.get(key);
    if (t === undefined) {
      t = make();
      textCache.set(key, t);
    }
    return t;
  };
  const shape = (startMs: number, period: number, n: number) =>
    cached(`shape:${startMs}:${period}:${n}`, () => {
      const xs: number[] = [];
      for (let i = 0; i < n; i++) {
        const h = ((startMs + i * period * 1000) / 3_600_000) % 24;
        xs.push(0.8 + 0.4 * Math.max(0, Math.sin((Math.PI * (h - 6)) / 16)));
      }
      return JSON.stringify(xs);
    });
  const seriesText = (level: number, startMs: number, period: number, n: number) =>
    cached(`v:${level}:${startMs}:${period}:${n}`, () => {
      const xs = JSON.parse(shape(startMs, period, n)) as number[];
      return `[${xs.map((x) => Math.round(level * x * 100) / 100).join(",")}]`;
    });
  const constantText = (value: number, n: number) => cached(`c:${value}:${n}`, () => `[${new Array(n).fill(value).join(",")}]`);
  const timestampsText = (startMs: number, period: number, n: number) =>
    cached(`t:${startMs}:${period}:${n}`, () => `[${Array.from({ length: n }, (_, i) => epoch(startMs + i * period * 1000)).join(",")}]`);

  /** When the request being handled reached AWS (its arrival, plus the delay it was given on the way). */
  let reachedAt = performance.now();
  let bucket = { tokens: opts.cloudwatchTps ?? 50, at: performance.now() };
  const takeToken = () => {
    const tps = opts.cloudwatchTps ?? 50;
    const now = Math.max(bucket.at, reachedAt);
    bucket = { tokens: Math.min(tps, bucket.tokens + ((now - bucket.at) / 1000) * tps), at: now };
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  let points = { tokens: opts.cloudwatchDps ?? 0, at: performance.now() };
  const takePoints = (n: number) => {
    const dps = opts.cloudwatchDps;
    if (dps === undefined) return true;
    const now = Math.max(points.at, reachedAt);
    points = { tokens: Math.min(dps, points.tokens + ((now - points.at) / 1000) * dps), at: now };
    if (points.tokens < n) return false;
    points.tokens -= n;
    return true;
  };

  const ecsBuckets = new Map<string, { tokens: number; at: number }>();
  const takeEcsToken = (op: string) => {
    const q = opts.ecsBuckets;
    const group = ECS_GROUPS[op];
    if (!q || !group) return true;
    const now = performance.now();
    const b = ecsBuckets.get(group) ?? { tokens: q.burst, at: now };
    b.tokens = Math.min(q.burst, b.tokens + ((now - b.at) / 1000) * q.perSecond);
    b.at = now;
    ecsBuckets.set(group, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  type Handler = (input: Record<string, Wire>) => unknown;
  const ecs: Record<string, Handler> = {
    ListClusters: (i) => {
      const p = page(
        estate.clusters.map((c) => arn("cluster", c.name)),
        i.maxResults,
        i.nextToken,
      );
      return { clusterArns: p.items, nextToken: p.next };
    },
    DescribeClusters: (i) => {
      const names: string[] = i.clusters ?? [];
      if (names.length > 100) throw new ApiError("InvalidParameterException", "clusters can have at most 100 items");
      const found = names.map((n) => clusters.get(n.replace(/^.*\//, "")));
      return {
        clusters: found
          .filter((c): c is StandinCluster => !!c)
          .map((c) => ({
            clusterArn: arn("cluster", c.name),
            clusterName: c.name,
            status: "ACTIVE",
            capacityProviders: c.fargate ? ["FARGATE", "FARGATE_SPOT"] : [`${c.name}-asg`],
            defaultCapacityProviderStrategy: [],
            settings: [
              { name: "containerInsights", value: c.enhancedObservability ? "enhanced" : c.containerInsights ? "enabled" : "disabled" },
            ],
          })),
        failures: names.filter((_, k) => !found[k]).map((n) => ({ arn: n, reason: "MISSING" })),
      };
    },
    DescribeCapacityProviders: (i) => ({
      capacityProviders: (i.capacityProviders ?? []).map((name: string) => ({
        name,
        status: "ACTIVE",
        autoScalingGroupProvider: {
          autoScalingGroupArn: `arn:aws:autoscaling:${estate.region}:${estate.accountId}:autoScalingGroup:x:autoScalingGroupName/${name}`,
          managedScaling: {
            status: "ENABLED",
            targetCapacity: 100,
            minimumScalingStepSize: 1,
            maximumScalingStepSize: 10,
            instanceWarmupPeriod: 300,
          },
          managedTerminationProtection: "DISABLED",
        },
      })),
    }),
    ListServices: (i) => {
      const c = clusterOf(i.cluster);
      const p = page(
        c.services.map((s) => arn("service", `${c.name}/${s.name}`)),
        i.maxResults,
        i.nextToken,
        10,
      );
      return { serviceArns: p.items, nextToken: p.next };
    },
    DescribeServices: (i) => {
      const c = clusterOf(i.cluster);
      const names: string[] = i.services ?? [];
      if (names.length > 10) throw new ApiError("InvalidParameterException", "services can have at most 10 items");
      return {
        services: names
          .map((n) => services.get(`${c.name}/${n.replace(/^.*\//, "")}`))
          .filter(Boolean)
          .map((x) => serviceJson(x!.cluster, x!.service)),
        failures: [],
      };
    },
    DescribeTaskDefinition: (i) => {
      const ref = String(i.taskDefinition).replace(/^.*\//, "");
      const [family, rev] = ref.split(":");
      const s = byFamily.get(family!);
      const revision = Number(rev ?? s?.revision);
      if (!s || (revision !== s.revision && revision !== s.previous?.revision))
        throw new ApiError("ClientException", "Unable to describe task definition.");
      return { taskDefinition: taskDefJson(s, revision) };
    },
    ListServiceDeployments: (i) => {
      const c = clusterOf(i.cluster);
      const x = services.get(`${c.name}/${String(i.service).replace(/^.*\//, "")}`);
      if (!x) throw new ApiError("ServiceNotFoundException", "Service not found.");
      const s = x.service;
      const after = i.createdAt?.after ? i.createdAt.after * 1000 : 0;
      const list =
        s.previous && s.deployedAtMs > after
          ? [
              {
                serviceDeploymentArn: arn("service-deployment", `${c.name}/${s.name}/d1`),
                serviceArn: arn("service", `${c.name}/${s.name}`),
                clusterArn: arn("cluster", c.name),
                createdAt: epoch(s.deployedAtMs),
                startedAt: epoch(s.deployedAtMs),
                finishedAt: epoch(s.deployedAtMs + 600_000),
                targetServiceRevisionArn: arn("service-revision", `${c.name}/${s.name}/r${s.revision}`),
                status: "SUCCESSFUL",
              },
            ]
          : [];
      return { serviceDeployments: list };
    },
    DescribeServiceDeployments: (i) => ({
      serviceDeployments: (i.serviceDeploymentArns ?? []).map((a: string) => {
        const [, cluster, service] = /service-deployment\/([^/]+)\/([^/]+)\//.exec(a) ?? [];
        const s = services.get(`${cluster}/${service}`)!.service;
        return {
          serviceDeploymentArn: a,
          sourceServiceRevisions: [{ arn: arn("service-revision", `${cluster}/${service}/r${s.previous!.revision}`) }],
          targetServiceRevision: { arn: arn("service-revision", `${cluster}/${service}/r${s.revision}`) },
        };
      }),
    }),
    DescribeServiceRevisions: (i) => {
      if ((i.serviceRevisionArns ?? []).length > 20) throw new ApiError("InvalidParameterException", "at most 20 revisions");
      return {
        serviceRevisions: (i.serviceRevisionArns ?? []).map((a: string) => {
          const [, cluster, service, rev] = /service-revision\/([^/]+)\/([^/]+)\/r(\d+)/.exec(a) ?? [];
          const s = services.get(`${cluster}/${service}`)!.service;
          return {
            serviceRevisionArn: a,
            taskDefinition: tdArn(s, Number(rev)),
            ...(s.twentySecondMetrics
              ? { monitoring: { metricConfigurations: [{ metricNames: ["CPUUtilization", "MemoryUtilization"], resolutionSeconds: 20 }] } }
              : {}),
          };
        }),
      };
    },
    ListContainerInstances: (i) => {
      const c = clusterOf(i.cluster);
      const p = page(
        c.instances.map((_, k) => arn("container-instance", `${c.name}/ci${k}`)),
        i.maxResults,
        i.nextToken,
      );
      return { containerInstanceArns: p.items, nextToken: p.next };
    },
    DescribeContainerInstances: (i) => {
      const c = clusterOf(i.cluster);
      if ((i.containerInstances ?? []).length > 100) throw new ApiError("InvalidParameterException", "at most 100");
      return {
        containerInstances: (i.containerInstances as string[]).map((a) => {
          const k = Number(/ci(\d+)$/.exec(a)?.[1]);
          const type = c.instances[k]!;
          const reg = type === "m5.xlarge" ? { cpu: 4096, memory: 15_464 } : { cpu: 8192, memory: 15_206 };
          const res = (cpu: number, memory: number) => [
            { name: "CPU", type: "INTEGER", integerValue: cpu },
            { name: "MEMORY", type: "INTEGER", integerValue: memory },
          ];
          return {
            containerInstanceArn: a,
            ec2InstanceId: `i-0${k.toString(16).padStart(16, "0")}`,
            status: "ACTIVE",
            agentConnected: true,
            runningTasksCount: 4,
            pendingTasksCount: 0,
            registeredResources: res(reg.cpu, reg.memory),
            remainingResources: res(reg.cpu / 4, Math.round(reg.memory / 3)),
            attributes: [
              { name: "ecs.instance-type", value: type },
              { name: "ecs.cpu-architecture", value: "x86_64" },
            ],
          };
        }),
      };
    },
    ListTasks: (i) => {
      const c = clusterOf(i.cluster);
      const stopped = i.desiredStatus === "STOPPED" ? c.services.filter((s) => s.oomStopped) : [];
      const p = page(
        stopped.map((s) => arn("task", `${c.name}/${s.name}-stopped`)),
        i.maxResults,
        i.nextToken,
      );
      return { taskArns: p.items, nextToken: p.next };
    },
    DescribeTasks: (i) => {
      const c = clusterOf(i.cluster);
      return {
        tasks: (i.tasks as string[]).map((a) => {
          const name = /\/([^/]+)-stopped$/.exec(a)![1]!;
          const s = services.get(`${c.name}/${name}`)!.service;
          return {
            taskArn: a,
            group: `service:${name}`,
            taskDefinitionArn: tdArn(s),
            lastStatus: "STOPPED",
            desiredStatus: "STOPPED",
            stopCode: "EssentialContainerExited",
            stoppedReason: "Essential container in task exited",
            stoppedAt: epoch(estate.nowMs - 20 * 60_000),
            containers: [{ name: "app", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }],
          };
        }),
        failures: [],
      };
    },
  };
  const autoscaled = estate.clusters.flatMap((c) => c.services.filter((s) => s.autoscaled).map((s) => ({ c, s })));
  const aas: Record<string, Handler> = {
    DescribeScalableTargets: (i) => {
      const p = page(autoscaled, i.MaxResults, i.NextToken, 50);
      return {
        ScalableTargets: p.items.map(({ c, s }) => ({
          ServiceNamespace: "ecs",
          ResourceId: `service/${c.name}/${s.name}`,
          ScalableDimension: "ecs:service:DesiredCount",
          MinCapacity: 1,
          MaxCapacity: 10,
          RoleARN: "arn:aws:iam::111122223333:role/aws-service-role",
          CreationTime: epoch(estate.nowMs - 100 * 86_400_000),
        })),
        NextToken: p.next,
      };
    },
    DescribeScalingPolicies: (i) => {
      const p = page(autoscaled, i.MaxResults, i.NextToken, 50);
      return {
        ScalingPolicies: p.items.map(({ c, s }) => ({
          PolicyARN: `arn:aws:autoscaling:${estate.region}:${estate.accountId}:scalingPolicy:x:resource/ecs/service/${c.name}/${s.name}:policyName/cpu60`,
          PolicyName: "cpu60",
          ServiceNamespace: "ecs",
          ResourceId: `service/${c.name}/${s.name}`,
          ScalableDimension: "ecs:service:DesiredCount",
          PolicyType: "TargetTrackingScaling",
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 60,
            PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
          },
          CreationTime: epoch(estate.nowMs - 100 * 86_400_000),
        })),
        NextToken: p.next,
      };
    },
  };
  const pricing: Record<string, Handler> = {
    GetProducts: (i) => {
      const filters: Array<{ Type: string; Field: string; Value: string }> = i.Filters ?? [];
      const matches = priceItems.filter(
        (p) =>
          p.serviceCode === i.ServiceCode &&
          filters.every((f) => (f.Field === "productFamily" ? p.productFamily === f.Value : p.attributes[f.Field] === f.Value)),
      );
      const pg = page(matches, i.MaxResults, i.NextToken);
      return { FormatVersion: "aws_v1", PriceList: pg.items.map((p) => p.text), NextToken: pg.next };
    },
  };

  let metricRequests = 0;
  let lastPoints = 0; // datapoints in the GetMetricData answer just made
  const throttledBodies = new Map<string, number>();
  const namespaces = new Set<string>();
  const statistics = new Map<string, number>();
  const getMetricData = (i: Record<string, Wire>): string => {
    metricRequests++;
    if (opts.throttleEvery === "all" || (opts.throttleEvery && metricRequests % opts.throttleEvery === 0)) {
      throw new ApiError("Throttling", "Rate exceeded");
    }
    if (!takeToken()) throw new ApiError("Throttling", "Rate exceeded");
    if (opts.throttleTimes) {
      const key = JSON.stringify(i);
      const seen = throttledBodies.get(key) ?? 0;
      if (seen < opts.throttleTimes) {
        throttledBodies.set(key, seen + 1);
        throw new ApiError("Throttling", "Rate exceeded");
      }
    }
    const queries: Wire[] = i.MetricDataQueries ?? [];
    const estimated = queries.reduce(
      (a: number, q: Wire) => a + Math.floor((Number(i.EndTime) - Number(i.StartTime)) / (q.MetricStat?.Period ?? 60)),
      0,
    );
    if (!takePoints(estimated)) throw new ApiError("Throttling", "Rate exceeded");
    if (queries.length > 500) throw new ApiError("InvalidParameterValue", "MetricDataQueries may have at most 500 items");
    const startMs = Number(i.StartTime) * 1000;
    const endMs = Number(i.EndTime) * 1000;
    const from = i.NextToken ? Number(i.NextToken) : 0;
    const parts: string[] = [];
    let points = 0;
    lastPoints = 0;
    let k = from;
    for (; k < queries.length; k++) {
      const q = queries[k];
      const ms = q.MetricStat;
      const period = ms.Period as number;
      const n = Math.floor((endMs - startMs) / (period * 1000));
      if (points + n > (i.MaxDatapoints ?? 100_800) && k > from) break;
      points += n;
      lastPoints = points;
      const dims = Object.fromEntries((ms.Metric.Dimensions as Array<{ Name: string; Value: string }>).map((d) => [d.Name, d.Value]));
      const x = services.get(`${dims.ClusterName}/${dims.ServiceName}`);
      let values = "[]";
      let ts = "[]";
      if (x) {
        const s = x.service;
        ts = timestampsText(startMs, period, n);
        const name = ms.Metric.MetricName as string;
        namespaces.add(`${ms.Metric.Namespace}/${name}`);
        const stat = `${name} ${ms.Stat}`;
        statistics.set(stat, (statistics.get(stat) ?? 0) + 1);
        if (name === "RunningTaskCount")
          values = x.cluster.containerInsights && !x.cluster.runningTaskCountMissing ? constantText(s.desired, n) : "[]";
        else if (ms.Stat === "SampleCount") values = constantText(s.desired * (period / 60) * (s.twentySecondMetrics ? 3 : 1), n);
        else {
          const level = name === "CPUUtilization" ? s.cpuPercent : s.memoryPercent;
          values = seriesText(ms.Stat === "Maximum" ? Math.round(level * 1.2) : level, startMs, period, n);
        }
      }
      parts.push(
        `{"Id":${JSON.stringify(q.Id)},"Label":${JSON.stringify(ms.Metric.MetricName)},"StatusCode":"Complete","Timestamps":${ts},"Values":${values}}`,
      );
    }
    const next = k < queries.length ? `,"NextToken":"${k}"` : "";
    return `{"MetricDataResults":[${parts.join(",")}],"Messages":[]${next}}`;
  };

  const stalled: ServerResponse[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && req.url === "/__standin/calls") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ calls: Object.fromEntries(calls), throttled: state.throttled }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers["x-amz-target"] ?? "");
    const [prefix, op] = target.split(".");
    const service = SERVICES[prefix ?? ""];
    const action = `${service}:${op}`;
    calls.set(action, (calls.get(action) ?? 0) + 1);
    const [lo, hi] = opts.latencyMs ?? [0, 0];
    const nth = calls.get(action)!;
    const late = nth === 1 ? (opts.delayFirst?.[action] ?? 0) : 0;
    const arrived = performance.now();
    if (hi > 0 || late > 0) await new Promise((r) => setTimeout(r, late + lo + Math.random() * (hi - lo)));
    // A request held on the way reaches AWS exactly `late` after it arrived here, however late the timer fired on a
    // busy machine: its quota is charged then (nothing is awaited between here and the handler that charges it).
    reachedAt = late > 0 ? arrived + late : performance.now();
    if (nth <= (opts.reset?.[action] ?? 0)) {
      req.socket.destroy();
      return;
    }
    if (nth <= (opts.stall?.[action] ?? 0)) {
      stalled.push(res); // answered never; closed when the stand-in stops
      return;
    }
    if (nth <= (opts.plain429?.[action] ?? 0)) {
      state.throttled++;
      res.writeHead(429, { "content-type": "text/plain" });
      res.end("Too Many Requests");
      return;
    }
    const json10 = service === "cloudwatch";
    const contentType = json10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
    try {
      if (!service || !op) throw new ApiError("UnknownOperationException", `unknown target ${target}`);
      if (nth <= (opts.serverErrors?.[action] ?? 0)) throw new ApiError("InternalFailure", "injected server error", 500);
      const injected = opts.fail?.[action];
      if (injected)
        throw new ApiError(injected, `User: arn:aws:iam::${estate.accountId}:user/test is not authorized to perform: ${action}`);
      const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, Wire>;
      let body: string;
      if (service === "cloudwatch" && op === "GetMetricData") {
        body = getMetricData(input);
        const per = opts.latencyPerThousandPoints ?? 0;
        if (per > 0) await new Promise((r) => setTimeout(r, (lastPoints / 1000) * per));
      } else {
        if (service === "ecs" && !takeEcsToken(op)) throw new ApiError("ThrottlingException", "Rate exceeded");
        const table = service === "ecs" ? ecs : service === "pricing" ? pricing : service === "application-autoscaling" ? aas : {};
        const h = table[op];
        if (!h) throw new ApiError("UnknownOperationException", `${action} is not implemented by the stand-in`);
        body = JSON.stringify(h(input));
      }
      res.writeHead(200, { "content-type": contentType, "x-amzn-requestid": "standin" });
      res.end(body);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError("InternalFailure", String(e), 500);
      if (err.type === "Throttling" || err.type === "ThrottlingException") state.throttled++;
      const headers: Record<string, string> = { "content-type": contentType, "x-amzn-errortype": err.type };
      if (json10) headers["x-amzn-query-error"] = `${err.type};${err.status >= 500 ? "Receiver" : "Sender"}`;
      res.writeHead(err.status, headers);
      res.end(JSON.stringify({ __type: json10 ? `com.amazonaws.cloudwatch#${err.type}` : err.type, message: err.message }));
    }
  };

  return {
    handle,
    calls,
    statistics,
    namespaces,
    state,
    stalled,
  };
}

export async function startStandin(estate: StandinEstate, opts: StandinOptions = {}): Promise<Standin> {
  const { handle, calls, statistics, namespaces, state } = standinHandler(estate, opts);
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    metrics: namespaces,
    statistics,
    calls,
    get throttled() {
      return state.throttled;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface StandinFleet {
  url: string;
  /** Each account-region's stand-in, by "account/region". */
  estates: Map<string, { calls: Map<string, number>; state: { throttled: number } }>;
  /** sts:AssumeRole requests: the role, its session name and external id. */
  assumed: Array<{ roleArn: string; sessionName: string; externalId: string | undefined; region: string }>;
  stop(): Promise<void>;
}

/**
 * Many accounts and regions behind one endpoint, for what moto cannot do at scale or cannot fail: each
 * request goes to its account-region's stand-in (each with its own quotas), found from SigV4's credential
 * scope (the region) and the access key (the account: the base key acts in `baseAccount`; keys from
 * sts:AssumeRole are "ASIA" + the role's account). STS (AssumeRole, GetCallerIdentity) is answered here, in
 * its query protocol and XML; a role in a `denyAssume` account is refused with AccessDenied, as AWS does
 * when the role is missing or does not trust the caller.
 */
export async function startStandinFleet(
  members: ReadonlyArray<{ estate: StandinEstate; opts?: StandinOptions }>,
  fleet: { baseAccount: string; denyAssume?: readonly string[] },
): Promise<StandinFleet> {
  const handlers = new Map(members.map((m) => [`${m.estate.accountId}/${m.estate.region}`, standinHandler(m.estate, m.opts)]));
  const assumed: StandinFleet["assumed"] = [];
  const accountOfKey = (key: string) => (key.startsWith("ASIA") ? key.slice(4) : fleet.baseAccount);
  const xml = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "text/xml" });
    res.end(body);
  };
  const NS = 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"';
  const sts = async (req: IncomingMessage, res: ServerResponse, account: string, region: string) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const action = form.get("Action");
    if (action === "GetCallerIdentity")
      return xml(
        res,
        200,
        `<GetCallerIdentityResponse ${NS}><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/ops</Arn><UserId>AIDA${account}</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    if (action === "AssumeRole") {
      const roleArn = form.get("RoleArn") ?? "";
      const sessionName = form.get("RoleSessionName") ?? "";
      assumed.push({ roleArn, sessionName, externalId: form.get("ExternalId") ?? undefined, region });
      const target = roleArn.split(":")[4] ?? "";
      if (fleet.denyAssume?.includes(target))
        return xml(
          res,
          403,
          `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::${account}:user/ops is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
        );
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      return xml(
        res,
        200,
        `<AssumeRoleResponse ${NS}><AssumeRoleResult><Credentials><AccessKeyId>ASIA${target}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${expires}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA${target}:${sessionName}</AssumedRoleId><Arn>arn:aws:sts::${target}:assumed-role/role/${sessionName}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    }
    return xml(
      res,
      400,
      `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${action}</Message></Error></ErrorResponse>`,
    );
  };
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/__fleet/calls") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          Object.fromEntries([...handlers].map(([k, h]) => [k, { calls: Object.fromEntries(h.calls), throttled: h.state.throttled }])),
        ),
      );
      return;
    }
    const auth = String(req.headers.authorization ?? "");
    const m = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(auth);
    const account = accountOfKey(m?.[1] ?? "");
    const [region, service] = [m?.[2] ?? "", m?.[3] ?? ""];
    if (service === "sts") {
      sts(req, res, account, region).catch(() => xml(res, 500, ""));
      return;
    }
    // The Price List is global: any stand-in answers it.
    const h = service === "pricing" ? handlers.values().next().value : handlers.get(`${account}/${region}`);
    if (!h) {
      // A region the account has no estate in: ECS answers with no clusters; anything else is not there.
      const empty = String(req.headers["x-amz-target"] ?? "").endsWith(".ListClusters");
      res.writeHead(empty ? 200 : 400, { "content-type": "application/x-amz-json-1.1" });
      res.end(empty ? '{"clusterArns":[]}' : JSON.stringify({ __type: "ClusterNotFoundException", message: "Cluster not found." }));
      return;
    }
    h.handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    estates: new Map([...handlers].map(([k, h]) => [k, { calls: h.calls, state: h.state }])),
    assumed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
