// Live collection: ECS → deployment history → task definitions → capacity → stopped tasks → autoscaling
// → CloudWatch → prices, into one Snapshot. Read-only: every call is a List, Describe or Get.
// Credentials, network and the calls everything depends on end the run with one clear line; any other
// API that fails degrades its part, and the snapshot's `issues` say what is missing.
import type { CapacityProvider, Task as EcsTask } from "@aws-sdk/client-ecs";
import { UserError } from "../../errors.js";
import { SNAPSHOT_SCHEMA_VERSION, type Autoscaling, type Snapshot } from "../../model/snapshot.js";
import { silentProgress, type Progress } from "../progress.js";
import { chooseStoragePeriod, DEFAULT_VALUE_BUDGET } from "../series.js";
import { ecsScaling } from "./autoscaling.js";
import { AwsCallError, makeAws, type Aws, type ClientOptions } from "./clients.js";
import {
  containerInstances,
  deploymentHistory,
  describeCapacityProviders,
  describeClusters,
  describeServices,
  describeTaskDefinitions,
  ECS_CONCURRENCY,
  listClusterArns,
  listServiceArns,
  stoppedTasks,
} from "./ecs.js";
import { fatal, type AwsFailure } from "./errors.js";
import { mapLimit } from "./limits.js";
import {
  accountOf,
  containerInsightsOn,
  mapAutoscaling,
  mapCluster,
  mapContainerInstance,
  mapService,
  mapStoppedTask,
  mapTaskDefinition,
  nameOf,
  taskDefinitionRefOf,
} from "./mappers.js";
import { fetchMetrics, fetchPeriodFor, metricWindow, type MetricTarget } from "./metrics.js";
import { fetchPrices } from "./pricing.js";

export interface CollectOptions {
  client: ClientOptions;
  /** Cluster names or ARNs; all clusters in the region when empty. */
  clusters?: readonly string[] | undefined;
  /** Service names, or "cluster/service"; all services when empty. */
  services?: readonly string[] | undefined;
  lookbackSeconds: number;
  nowMs: number;
  toolVersion: string;
  refreshPrices?: boolean | undefined;
  cacheDir?: string | undefined;
  progress?: Progress | undefined;
  cloudwatchTps?: number | undefined;
  cloudwatchConcurrency?: number | undefined;
  valueBudget?: number | undefined;
  /** Each AWS call's action, duration and outcome (--debug). */
  trace?: ((action: string, ms: number, outcome: string) => void) | undefined;
}

export interface Collected {
  snapshot: Snapshot;
  /** API calls by IAM action. */
  calls: Map<string, number>;
}

type Issue = Snapshot["issues"][number];

export async function collectSnapshot(opts: CollectOptions, given?: Aws): Promise<Collected> {
  const aws = given ?? (await makeAws(opts.client));
  aws.trace ??= opts.trace;
  try {
    return await collect(aws, opts);
  } catch (e) {
    if (e instanceof AwsCallError) throw fatal(e.failure, { region: aws.region, endpoint: aws.endpoint });
    throw e;
  } finally {
    if (!given) aws.destroy();
  }
}

function degradeMessage(what: string, f: AwsFailure): string {
  if (f.kind === "access-denied") return `${f.action} was denied, so ${what} (grant ${f.action} to include it)`;
  if (f.kind === "unsupported") return `${f.action} is not supported by this endpoint, so ${what}`;
  return `${f.action} failed (${f.message}), so ${what}`;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

async function collect(aws: Aws, opts: CollectOptions): Promise<Collected> {
  const progress = opts.progress ?? silentProgress;
  const collectedAt = isoSeconds(opts.nowMs);
  const issues: Issue[] = [];
  /** Run a part that may fail alone: credentials and network still end the run. */
  const degrade = async <T>(what: string, fn: () => Promise<T>, fallback: T, services?: string[]): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof AwsCallError)) throw e;
      if (e.failure.kind === "credentials" || e.failure.kind === "network") throw e;
      const message = degradeMessage(what, e.failure);
      if (!issues.some((i) => i.message === message)) {
        issues.push({ code: e.failure.kind, message, ...(services?.length ? { services } : {}) });
        progress.note(`warning: ${message}`);
      }
      return fallback;
    }
  };

  // Clusters.
  progress.update("listing clusters");
  const wanted = opts.clusters?.length ? [...opts.clusters] : (await listClusterArns(aws)).map(nameOf);
  const { clusters: ecsClusters, missing } = wanted.length ? await describeClusters(aws, wanted) : { clusters: [], missing: [] };
  if (opts.clusters?.length && missing.length) {
    throw new UserError(
      `no ECS cluster ${missing.map(nameOf).join(", ")} in ${aws.region}`,
      "check the --cluster names and --region (ecs-advisor lists clusters when --cluster is left out)",
    );
  }
  const providerNames = [...new Set(ecsClusters.flatMap((c) => c.capacityProviders ?? []))].filter(
    (p) => p !== "FARGATE" && p !== "FARGATE_SPOT",
  );
  const providers = providerNames.length
    ? await degrade(
        "capacity provider settings are unknown",
        () => describeCapacityProviders(aws, providerNames),
        new Map<string, CapacityProvider>(),
      )
    : new Map<string, CapacityProvider>();
  const clusters = ecsClusters.map((c) => mapCluster(c, providers));
  const ciOn = new Set(ecsClusters.filter(containerInsightsOn).map((c) => c.clusterName ?? ""));

  // Services.
  const filter = (opts.services ?? []).map((s) => (s.includes("/") ? s : `*/${s}`));
  const keep = (cluster: string, name: string) =>
    filter.length === 0 || filter.some((f) => f === `${cluster}/${name}` || f === `*/${name}`);
  let described = 0;
  const perCluster = await mapLimit(clusters, 4, async (c) => {
    progress.update("listing services", described, clusters.length);
    const arns = (await listServiceArns(aws, c.name)).filter((arn) => keep(c.name, nameOf(arn)));
    const services = await describeServices(aws, c.name, arns);
    progress.update("describing services", ++described, clusters.length);
    return services.map((s) => mapService(s, c.name));
  });
  const services = perCluster.flat();
  if (services.length === 0) {
    const where = opts.clusters?.length
      ? `cluster ${opts.clusters.join(", ")}`
      : `${clusters.length} cluster${clusters.length === 1 ? "" : "s"}`;
    throw new UserError(
      `no ECS services${filter.length ? ` matching --service ${opts.services!.join(", ")}` : ""} in ${where} in ${aws.region}`,
      "check --region, --profile, --cluster and --service",
    );
  }

  // The window (its storage period depends on how many services there are).
  const fetchPeriod = fetchPeriodFor(opts.lookbackSeconds);
  const storagePeriod = chooseStoragePeriod(
    services.length,
    opts.lookbackSeconds,
    fetchPeriod,
    5,
    opts.valueBudget ?? DEFAULT_VALUE_BUDGET,
  );
  const window = metricWindow(opts.nowMs, opts.lookbackSeconds, fetchPeriod, storagePeriod);

  // CloudWatch, started now: it needs only the service list, and runs while ECS discovery goes on.
  const targets: MetricTarget[] = services.map((s) => ({
    key: `${s.cluster}/${s.name}`,
    cluster: s.cluster,
    service: s.name,
    containerInsights: ciOn.has(s.cluster),
  }));
  const metricsRun = fetchMetrics(aws, targets, window, {
    tps: opts.cloudwatchTps,
    concurrency: opts.cloudwatchConcurrency,
    onCall: (done, total) => progress.update("reading CloudWatch", done, total),
  });
  // Surface an early failure only when it is awaited below (no unhandled rejection meanwhile).
  metricsRun.catch(() => undefined);

  // Deployment history, for the services deployed inside the window.
  const recent = services.filter((s) => s.deployments.some((d) => Date.parse(d.startedAt) > window.startMs));
  const recentSet = new Set(recent);
  for (const s of services) if (!recentSet.has(s)) s.deploymentHistory = "complete";
  let historyFailure: AwsFailure | undefined;
  let historyDone = 0;
  await mapLimit(recent, ECS_CONCURRENCY, async (s) => {
    if (historyFailure) return;
    try {
      const history = await deploymentHistory(aws, s.cluster, s.name, window.startMs);
      if (history.length > 0) {
        s.deployments = history;
        s.deploymentHistory = "complete";
      }
    } catch (e) {
      if (!(e instanceof AwsCallError) || e.failure.kind === "credentials" || e.failure.kind === "network") throw e;
      historyFailure = e.failure;
    } finally {
      progress.update("reading deployment history", ++historyDone, recent.length);
    }
  });
  if (historyFailure) {
    const affected = recent.filter((s) => s.deploymentHistory === "current-only").map((s) => `${s.cluster}/${s.name}`);
    const message = degradeMessage(
      `${affected.length} service${affected.length === 1 ? "" : "s"} deployed in the window have only their current deployment; task sizes before it are unknown`,
      historyFailure,
    );
    issues.push({ code: historyFailure.kind, message });
    progress.note(`warning: ${message}`);
  }

  // Task definitions: the current one of every service and those in its deployment history, each once.
  // ("family:revision" throughout: DescribeTaskDefinition takes it as well as the ARN.)
  const tdRefs = [
    ...new Set(
      services.flatMap((service) => [
        service.taskDefinition,
        ...service.deployments.map((d) => d.taskDefinition).filter((x): x is string => !!x),
      ]),
    ),
  ];
  let tdDone = 0;
  const tds = await describeTaskDefinitions(aws, tdRefs, () => progress.update("describing task definitions", ++tdDone, tdRefs.length));
  const taskDefinitions = tds.found.map((td) => {
    const m = mapTaskDefinition(td);
    for (const p of m.problems)
      issues.push({ code: "task-definition-unreadable", message: `${m.taskDefinition.family}:${m.taskDefinition.revision}: ${p}` });
    return m.taskDefinition;
  });
  if (tds.failed.length) {
    const first = tds.failed[0]!.error;
    if (first instanceof AwsCallError && (first.failure.kind === "credentials" || first.failure.kind === "network")) throw first;
    const refs = new Set(tds.failed.map((f) => taskDefinitionRefOf(f.arn)));
    const affected = services.filter((s) => refs.has(s.taskDefinition)).map((s) => `${s.cluster}/${s.name}`);
    const f = first instanceof AwsCallError ? first.failure : undefined;
    issues.push({
      code: f?.kind ?? "error",
      message: f
        ? degradeMessage(`${refs.size} task definition${refs.size === 1 ? " is" : "s are"} missing`, f)
        : `${refs.size} task definitions could not be described`,
      ...(affected.length ? { services: affected } : {}),
    });
  }

  // EC2 capacity and recently stopped tasks, per cluster.
  const stoppedByService = new Map<string, EcsTask[]>();
  const instances = (
    await mapLimit(clusters, 4, async (c) => {
      progress.update(`reading cluster ${c.name}`);
      const cis = await degrade("EC2 capacity (container instances) is unknown", () => containerInstances(aws, c.name), []);
      const stopped = await degrade("recently stopped tasks (OOM kills) are unknown", () => stoppedTasks(aws, c.name), [] as EcsTask[]);
      for (const t of stopped) {
        const m = mapStoppedTask(t, collectedAt);
        if (!m) continue;
        const key = `${c.name}/${m.service}`;
        stoppedByService.set(key, [...(stoppedByService.get(key) ?? []), t]);
      }
      return cis.map((ci) => mapContainerInstance(ci, c.name));
    })
  ).flat();
  for (const s of services) {
    s.stoppedTasks = (stoppedByService.get(`${s.cluster}/${s.name}`) ?? []).map((t) => mapStoppedTask(t, collectedAt)!.stopped);
  }

  // Application Auto Scaling.
  progress.update("reading autoscaling");
  const scaling = await degrade(
    "autoscaling settings are unknown",
    async () => {
      const { targets, policies } = await ecsScaling(aws);
      return mapAutoscaling(targets, policies);
    },
    new Map<string, Autoscaling>(),
  );
  for (const s of services) {
    const a = scaling.get(`${s.cluster}/${s.name}`);
    if (a) s.autoscaling = a;
  }

  const metrics = await metricsRun;
  if (metrics.failure && (metrics.failure.kind === "credentials" || metrics.failure.kind === "network") && metrics.utilization.size === 0) {
    throw new AwsCallError(metrics.failure, undefined);
  }
  for (const s of services) {
    const u = metrics.utilization.get(`${s.cluster}/${s.name}`);
    if (u) s.utilization = u;
  }
  if (metrics.incomplete.size > 0) {
    const f = metrics.failure;
    const lost = [...metrics.incomplete];
    const message = f
      ? degradeMessage(`CloudWatch data is missing or incomplete for ${lost.length} service${lost.length === 1 ? "" : "s"}`, f)
      : `CloudWatch data is incomplete for ${lost.length} service${lost.length === 1 ? "" : "s"}`;
    issues.push({ code: f?.kind ?? "incomplete", message, services: lost });
    progress.note(`warning: ${message}`);
  }

  // Prices.
  progress.update("reading prices");
  const instanceTypes = [...new Set(instances.map((i) => i.instanceType).filter((t): t is string => !!t))].sort();
  const priced = await fetchPrices(aws, {
    region: aws.region,
    instanceTypes,
    nowMs: opts.nowMs,
    cacheDir: opts.cacheDir,
    refresh: opts.refreshPrices,
  });
  for (const i of priced.issues) {
    issues.push(i);
    progress.note(`warning: ${i.message}`);
  }
  progress.done();

  const iso = isoSeconds;
  const accountId = accountOf(clusters[0]?.arn);
  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    collectedAt,
    source: {
      kind: "aws",
      region: aws.region,
      ...(accountId ? { accountId } : {}),
      tool: `ecs-advisor ${opts.toolVersion}`,
      description: `${aws.region}${accountId ? ` (account ${accountId})` : ""}: ${services.length} service${services.length === 1 ? "" : "s"} on ${clusters.length} cluster${clusters.length === 1 ? "" : "s"}, ${Math.round(opts.lookbackSeconds / 86400)} days of CloudWatch data`,
    },
    window: { start: iso(window.startMs), end: iso(window.endMs), periodSeconds: window.storagePeriod },
    clusters,
    services,
    taskDefinitions,
    containerInstances: instances,
    prices: priced.prices,
    issues,
  };
  return { snapshot, calls: aws.calls };
}
