// Live collection: ECS → deployment history → task definitions → capacity → stopped tasks → autoscaling
// → CloudWatch → prices, into one Snapshot. Read-only: every call is a List, Describe or Get.
// Credentials, network and the calls everything depends on end the run with one clear line; any other
// API that fails degrades its part, and the snapshot's `issues` say what is missing.
import type { CapacityProvider, Service as EcsService, Task as EcsTask } from "@aws-sdk/client-ecs";
import { UserError } from "../../errors.js";
import {
  type Cluster,
  type ContainerInstance,
  type Prices,
  type Service,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
  type TaskDefinition,
} from "../../model/snapshot.js";
import { silentProgress, type Progress } from "../progress.js";
import { chooseStoragePeriod, DEFAULT_VALUE_BUDGET } from "../series.js";
import { ecsScaling } from "./autoscaling.js";
import { AwsCallError, makeAws, type Aws, type ClientOptions } from "./clients.js";
import {
  containerInstances,
  deploymentHistory,
  describeCapacityProviders,
  describeClusters,
  describeServiceRevisions,
  describeServices,
  ECS_CONCURRENCY,
  listClusterArns,
  listServiceArns,
  stoppedTasks,
  TaskDefinitionReader,
} from "./ecs.js";
import { fatal, isFatal, type AwsFailure } from "./errors.js";
import { apiBoundSeconds, mapLimit, quotasWith } from "./limits.js";
import {
  accountOf,
  containerInsightsEnhanced,
  containerInsightsOn,
  cpuMetricResolution,
  mapAutoscaling,
  mapCluster,
  mapContainerInstance,
  mapService,
  mapStoppedTask,
  mapTaskDefinition,
  nameOf,
  taskDefinitionRefOf,
} from "./mappers.js";
import {
  DEFAULT_MAX_DURATION_SECONDS,
  CONTAINER_FIELDS,
  FIELDS,
  fetchMetrics,
  fieldsFor,
  metricWindow,
  type MetricTarget,
  planResolution,
  quotaBoundSeconds,
  samplesPerTask,
} from "./metrics.js";
import { fetchPrices } from "./pricing.js";

export interface CollectOptions {
  client: ClientOptions;
  /** Cluster names or ARNs; all clusters in the region when empty. */
  clusters?: readonly string[] | undefined;
  /** Service names, or "cluster/service"; all services when empty. */
  services?: readonly string[] | undefined;
  lookbackSeconds: number;
  /** The time GetMetricData's quotas may take at most: a coarser period is read when needed (default 10 min). */
  maxDurationSeconds?: number | undefined;
  nowMs: number;
  toolVersion: string;
  refreshPrices?: boolean | undefined;
  cacheDir?: string | undefined;
  progress?: Progress | undefined;
  cloudwatchTps?: number | undefined;
  /** GetMetricData datapoints a second (default: 90 % of the quota for the window). */
  cloudwatchDps?: number | undefined;
  cloudwatchConcurrency?: number | undefined;
  valueBudget?: number | undefined;
  /** Read memory's Average too (default true; a live report whose policy sizes memory from maxima leaves it out). */
  memoryAverage?: boolean | undefined;
  /** Read each container's usage where Container Insights' enhanced observability has it (default true). */
  containerMetrics?: boolean | undefined;
  /** No services is an empty snapshot, not an error (a region of a many-region run that has none). */
  allowEmpty?: boolean | undefined;
  /** Decode CloudWatch's answers on the shared worker however few they are (a run of many account-regions). */
  decodeOffMainThread?: boolean | undefined;
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
  const aws =
    given ??
    (await makeAws({ ...opts.client, onWarning: opts.client.onWarning ?? ((m) => opts.progress?.note(`warning: AWS SDK: ${m}`)) }));
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

export interface CollectionPlan {
  region: string;
  services: number;
  clusters: number;
  lookbackSeconds: number;
  fetchPeriod: number;
  reason: string | undefined;
  getMetricDataCalls: number;
  datapoints: number;
  /** The least time GetMetricData's quotas allow at 90 % of them. */
  boundSeconds: number;
  limitedBy: "calls" | "datapoints";
  /** Calls the plan itself made (List and Describe of clusters and services). */
  callsMade: number;
  /** DescribeTaskDefinition calls to come: one per distinct revision running now (more for deployments in the window). */
  describeTaskDefinitionCalls: number;
  /** The least time ECS's request rates allow for the whole run's ECS calls, and the group of actions that decides it. */
  ecsBoundSeconds: number;
  ecsLimitedBy: string | undefined;
  /**
   * Services in clusters with Container Insights' enhanced observability: those whose tasks have several
   * containers add two series a container (read after the task definitions; not in the figures above).
   */
  enhancedServices: number;
}

/**
 * What a collection would ask of AWS, from the cluster and service lists alone (a few List calls): the
 * CloudWatch resolution, calls and datapoints, and the time the quotas allow at least (`collect --plan`).
 */
export async function planCollection(opts: CollectOptions, given?: Aws): Promise<CollectionPlan> {
  const aws = given ?? (await makeAws(opts.client));
  try {
    const run = startRun(aws, opts);
    const { clusters, enhanced } = await readClusters(run);
    const services = await readServices(run, clusters);
    const plan = resolutionFor(services.length, opts);
    const bound = quotaBoundSeconds({
      services: services.length,
      series: fieldsOf(opts).length,
      points: Math.ceil(opts.lookbackSeconds / plan.fetchPeriod),
      startMs: opts.nowMs - opts.lookbackSeconds * 1000,
      nowMs: opts.nowMs,
    });
    const taskDefinitions = new Set(services.map((x) => x.taskDefinition)).size;
    const deployed = services.filter((x) => x.deployments.some((d) => Date.parse(d.startedAt) > opts.nowMs - opts.lookbackSeconds * 1000));
    // The calls made so far, and those to come: task definitions, service revisions (20 a call), and three
    // deployment-history calls for each service deployed in the window.
    const ecsCalls = new Map(aws.calls);
    const add = (action: string, n: number) => ecsCalls.set(action, (ecsCalls.get(action) ?? 0) + n);
    add("ecs:DescribeTaskDefinition", taskDefinitions + deployed.length);
    add("ecs:DescribeServiceRevisions", Math.ceil(services.length / 20) + deployed.length);
    add("ecs:ListServiceDeployments", deployed.length);
    add("ecs:DescribeServiceDeployments", deployed.length);
    const ecs = apiBoundSeconds(ecsCalls);
    return {
      region: aws.region,
      services: services.length,
      clusters: clusters.length,
      lookbackSeconds: opts.lookbackSeconds,
      fetchPeriod: plan.fetchPeriod,
      reason: plan.reason,
      getMetricDataCalls: bound.calls,
      datapoints: bound.datapoints,
      boundSeconds: plan.boundSeconds,
      limitedBy: bound.limitedBy,
      callsMade: [...aws.calls.values()].reduce((a, b) => a + b, 0),
      describeTaskDefinitionCalls: taskDefinitions,
      ecsBoundSeconds: ecs.seconds,
      ecsLimitedBy: ecs.group,
      enhancedServices: opts.containerMetrics === false ? 0 : services.filter((x) => enhanced.has(x.cluster)).length,
    };
  } catch (e) {
    if (e instanceof AwsCallError) throw fatal(e.failure, { region: aws.region, endpoint: aws.endpoint });
    throw e;
  } finally {
    if (!given) aws.destroy();
  }
}

/** The series this run reads (see fieldsFor). */
const fieldsOf = (opts: CollectOptions) => fieldsFor(opts.memoryAverage ?? true);

/** The CloudWatch period for this many services within the run's time budget (see planResolution). */
const resolutionFor = (services: number, opts: CollectOptions) =>
  planResolution({
    services,
    series: fieldsOf(opts).length,
    // Every service's task definition is described at ECS's rate whatever CloudWatch's period (more for
    // deployments in the window): the least the run takes anyway.
    floorSeconds: apiBoundSeconds({ "ecs:DescribeTaskDefinition": services }, quotasWith(opts.client.quotas)).seconds,
    lookbackSeconds: opts.lookbackSeconds,
    nowMs: opts.nowMs,
    maxDurationSeconds: opts.maxDurationSeconds ?? DEFAULT_MAX_DURATION_SECONDS,
  });

function degradeMessage(what: string, f: AwsFailure): string {
  if (f.kind === "access-denied") return `${f.action} was denied, so ${what} (grant ${f.action} to include it)`;
  if (f.kind === "unsupported") return `${f.action} is not supported by this endpoint, so ${what}`;
  return `${f.action} failed (${f.message}), so ${what}`;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** What every step of one collection shares: the clients, the options, progress, and the issues so far. */
interface Run {
  aws: Aws;
  opts: CollectOptions;
  progress: Progress;
  collectedAt: string;
  issues: Issue[];
  /** Run a part that may fail alone: credentials and network still end the run. */
  degrade<T>(what: string, fn: () => Promise<T>, fallback: T, services?: string[]): Promise<T>;
  /** Record an issue and say it on the terminal. */
  warn(issue: Issue): void;
}

function startRun(aws: Aws, opts: CollectOptions): Run {
  const progress = opts.progress ?? silentProgress;
  const issues: Issue[] = [];
  const warn = (issue: Issue) => {
    issues.push(issue);
    progress.note(`warning: ${issue.message}`);
  };
  return {
    aws,
    opts,
    progress,
    collectedAt: isoSeconds(opts.nowMs),
    issues,
    warn,
    async degrade(what, fn, fallback, services) {
      try {
        return await fn();
      } catch (e) {
        if (!(e instanceof AwsCallError) || isFatal(e.failure)) throw e;
        const message = degradeMessage(what, e.failure);
        if (!issues.some((i) => i.message === message)) warn({ code: e.failure.kind, message, ...(services?.length ? { services } : {}) });
        return fallback;
      }
    },
  };
}

/** A part of the run with its own list of issues (said on the terminal as they come). */
const part = (run: Run): Run => startRun(run.aws, run.opts);

/** Run parts side by side; their issues join the run's in the order the parts are given. */
async function inOrder<T extends unknown[]>(run: Run, parts: { [K in keyof T]: (r: Run) => Promise<T[K]> }): Promise<T> {
  const runs = parts.map(() => part(run));
  try {
    return (await Promise.all(parts.map((p, i) => p(runs[i]!)))) as T;
  } finally {
    for (const r of runs) run.issues.push(...r.issues);
  }
}

async function collect(aws: Aws, opts: CollectOptions): Promise<Collected> {
  const run = startRun(aws, opts);
  const { clusters, containerInsights, enhanced } = await readClusters(run);
  const listed = await listServices(run, clusters);
  if (listed.length === 0) {
    // Only with allowEmpty: an account-region with nothing to advise on, said as such in the report.
    run.progress.done();
    return {
      snapshot: {
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
        collectedAt: run.collectedAt,
        source: sourceOf(aws, opts, clusters, "no services"),
        window: { start: isoSeconds(opts.nowMs - opts.lookbackSeconds * 1000), end: isoSeconds(opts.nowMs), periodSeconds: 60 },
        clusters,
        services: [],
        taskDefinitions: [],
        containerInstances: [],
        issues: run.issues,
      },
      calls: aws.calls,
    };
  }

  // The window: the finest period that fits the time budget within GetMetricData's quotas; its storage
  // period depends on how many services there are.
  const plan = resolutionFor(listed.length, opts);
  if (plan.reason) run.warn({ code: "resolution-coarsened", message: plan.reason });
  const fetchPeriod = plan.fetchPeriod;
  const storagePeriod = chooseStoragePeriod(
    listed.length,
    opts.lookbackSeconds,
    fetchPeriod,
    FIELDS.length,
    opts.valueBudget ?? DEFAULT_VALUE_BUDGET,
  );
  const window = metricWindow(opts.nowMs, opts.lookbackSeconds, fetchPeriod, storagePeriod);
  // CloudWatch, started now: it needs only the services' names, and runs while ECS describes them.
  const metricsRun = readMetrics(run, listed, containerInsights, window);
  const reader = new TaskDefinitionReader(aws, (done, total) => run.progress.update("describing task definitions", done, total));
  const { services, revisions } = await describeListed(run, clusters, listed, reader);

  // ECS paces each group of actions in its own bucket, so the groups are read side by side: the running
  // task definitions (the largest group), deployment history, capacity and stopped tasks, autoscaling.
  // Their warnings are kept in this order whatever order they come in.
  const [, twentySecond, instances, autoscalingKnown] = await inOrder<[unknown, Set<string>, ContainerInstance[], boolean]>(run, [
    (r) => readDeploymentHistory(r, services, window.startMs),
    (r) => readMetricResolutions(r, revisions),
    (r) => readCapacityAndStops(r, clusters, services),
    (r) => readAutoscaling(r, services),
  ]);
  const taskDefinitions = await readTaskDefinitions(run, services, reader);
  await applyMetrics(run, services, await metricsRun, twentySecond);
  if (opts.containerMetrics !== false) await readContainerMetrics(run, services, taskDefinitions, enhanced, window);
  const prices = await readPrices(run, instances);
  run.progress.done();

  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    collectedAt: run.collectedAt,
    source: sourceOf(
      aws,
      opts,
      clusters,
      `${services.length} service${services.length === 1 ? "" : "s"}`,
      `, ${Math.round(opts.lookbackSeconds / 86400)} days of CloudWatch data`,
    ),
    window: { start: isoSeconds(window.startMs), end: isoSeconds(window.endMs), periodSeconds: window.storagePeriod },
    clusters,
    services,
    taskDefinitions,
    containerInstances: instances,
    prices,
    issues: run.issues,
    ...(autoscalingKnown ? {} : { autoscalingUnknown: true }),
  };
  return { snapshot, calls: aws.calls };
}

/** The clusters asked for (or all of them) with their capacity providers, and where Container Insights is on. */
/** Where a snapshot is from: the region, the account (from a cluster's ARN) and what it holds, in a line. */
function sourceOf(aws: Aws, opts: CollectOptions, clusters: readonly Cluster[], what: string, more = ""): Snapshot["source"] {
  const accountId = accountOf(clusters[0]?.arn);
  return {
    kind: "aws",
    region: aws.region,
    ...(accountId ? { accountId } : {}),
    tool: `ecs-advisor ${opts.toolVersion}`,
    description: `${aws.region}${accountId ? ` (account ${accountId})` : ""}: ${what} on ${clusters.length} cluster${clusters.length === 1 ? "" : "s"}${more}`,
  };
}

async function readClusters({
  aws,
  opts,
  progress,
  degrade,
}: Run): Promise<{ clusters: Cluster[]; containerInsights: Set<string>; enhanced: Set<string> }> {
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
  return {
    clusters: ecsClusters.map((c) => mapCluster(c, providers)),
    containerInsights: new Set(ecsClusters.filter(containerInsightsOn).map((c) => c.clusterName ?? "")),
    enhanced: new Set(ecsClusters.filter(containerInsightsEnhanced).map((c) => c.clusterName ?? "")),
  };
}

/** Every service of those clusters that --service keeps; none at all ends the run. */
type Listed = { cluster: string; name: string; arn: string };

/** Every service's name, cluster by cluster (ListServices only): what CloudWatch needs to start. */
async function listServices({ aws, opts, progress }: Run, clusters: readonly Cluster[]): Promise<Listed[]> {
  const filter = (opts.services ?? []).map((s) => (s.includes("/") ? s : `*/${s}`));
  const keep = (cluster: string, name: string) =>
    filter.length === 0 || filter.some((f) => f === `${cluster}/${name}` || f === `*/${name}`);
  let listed = 0;
  const perCluster = await mapLimit(clusters, 4, async (c) => {
    const arns = (await listServiceArns(aws, c.name)).filter((arn) => keep(c.name, nameOf(arn)));
    progress.update("listing services", ++listed, clusters.length);
    return arns.map((arn) => ({ cluster: c.name, name: nameOf(arn), arn }));
  });
  const services = perCluster.flat();
  if (services.length === 0 && !opts.allowEmpty) {
    const where = opts.clusters?.length
      ? `cluster ${opts.clusters.join(", ")}`
      : `${clusters.length} cluster${clusters.length === 1 ? "" : "s"}`;
    throw new UserError(
      `no ECS services${filter.length ? ` matching --service ${opts.services!.join(", ")}` : ""} in ${where} in ${aws.region}`,
      "check --region, --profile, --cluster and --service",
    );
  }
  return services;
}

/** DescribeServices for what was listed, cluster by cluster, with each service's current service revisions. */
async function describeListed(
  { aws, progress }: Run,
  clusters: readonly Cluster[],
  listed: readonly Listed[],
  taskDefinitions?: TaskDefinitionReader,
): Promise<{ services: Service[]; revisions: Map<string, string[]> }> {
  let described = 0;
  const revisions = new Map<string, string[]>();
  const perCluster = await mapLimit(clusters, 4, async (c) => {
    const arns = listed.filter((l) => l.cluster === c.name).map((l) => l.arn);
    const mapped: Service[] = [];
    // Each answer's task definitions start being described at once (see TaskDefinitionReader).
    const onBatch = (batch: EcsService[]) => {
      const services = batch.map((s) => {
        const m = mapService(s, c.name);
        const current = (s.currentServiceRevisions ?? []).map((r) => r.arn).filter((a): a is string => !!a);
        if (current.length) revisions.set(`${m.cluster}/${m.name}`, current);
        return m;
      });
      mapped.push(...services);
      taskDefinitions?.add(services.map((m) => m.taskDefinition));
    };
    if (arns.length) await describeServices(aws, c.name, arns, onBatch);
    progress.update("describing services", ++described, clusters.length);
    // In the order listed, whatever order the answers came in.
    const order = new Map(arns.map((a, i) => [nameOf(a), i]));
    return mapped.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  });
  return { services: perCluster.flat(), revisions };
}

/**
 * The services that publish 20-second CPU metrics (their current service revisions' `monitoring`): their
 * task counts need correcting (see applyMetrics).
 */
async function readMetricResolutions({ aws, progress, degrade }: Run, revisions: ReadonlyMap<string, string[]>): Promise<Set<string>> {
  const all = [...revisions.values()].flat();
  if (all.length === 0) return new Set();
  progress.update("reading service revisions");
  const found = await degrade(
    "which services publish 20-second metrics is unknown, so their task counts may read up to 3 times too high",
    () => describeServiceRevisions(aws, all),
    [],
  );
  const twenty = new Set(found.filter((r) => cpuMetricResolution(r) === 20).map((r) => r.serviceRevisionArn));
  return new Set([...revisions].filter(([, arns]) => arns.some((a) => twenty.has(a))).map(([key]) => key));
}

async function readServices(run: Run, clusters: readonly Cluster[]): Promise<Service[]> {
  return (await describeListed(run, clusters, await listServices(run, clusters))).services;
}

/** CloudWatch for every service; its failure is only seen when awaited (no unhandled rejection meanwhile). */
function readMetrics(
  { aws, opts, progress }: Run,
  services: ReadonlyArray<{ cluster: string; name: string }>,
  containerInsights: ReadonlySet<string>,
  window: ReturnType<typeof metricWindow>,
) {
  const targets: MetricTarget[] = services.map((s) => ({
    key: `${s.cluster}/${s.name}`,
    cluster: s.cluster,
    service: s.name,
    containerInsights: containerInsights.has(s.cluster),
  }));
  const running = fetchMetrics(aws, targets, window, {
    tps: opts.cloudwatchTps,
    datapointsPerSecond: opts.cloudwatchDps,
    nowMs: opts.nowMs,
    concurrency: opts.cloudwatchConcurrency,
    fields: fieldsOf(opts),
    decodeOffMainThread: opts.decodeOffMainThread,
    onCall: (done, total) => progress.update("reading CloudWatch", done, total),
  });
  running.catch(() => undefined);
  return running;
}

/**
 * Each container's usage, for services with more than one container in clusters with Container Insights'
 * enhanced observability (the only source of per-container numbers), read after the task definitions name
 * the containers. A failure here costs the container-level advice only: a warning, never the run.
 */
async function readContainerMetrics(
  run: Run,
  services: readonly Service[],
  taskDefinitions: readonly TaskDefinition[],
  enhanced: ReadonlySet<string>,
  window: ReturnType<typeof metricWindow>,
): Promise<void> {
  const { aws, opts, progress } = run;
  const tds = new Map(taskDefinitions.map((td) => [`${td.family}:${td.revision}`, td]));
  const targets: MetricTarget[] = [];
  for (const s of services) {
    const td = tds.get(s.taskDefinition);
    if (!enhanced.has(s.cluster) || !s.utilization || !td || td.containers.length < 2) continue;
    for (const c of td.containers)
      targets.push({
        key: `${s.cluster}/${s.name}#${c.name}`,
        cluster: s.cluster,
        service: s.name,
        containerInsights: true,
        container: c.name,
      });
  }
  if (targets.length === 0) return;
  const metrics = await fetchMetrics(aws, targets, window, {
    tps: opts.cloudwatchTps,
    datapointsPerSecond: opts.cloudwatchDps,
    nowMs: opts.nowMs,
    concurrency: opts.cloudwatchConcurrency,
    fields: CONTAINER_FIELDS,
    decodeOffMainThread: opts.decodeOffMainThread,
    onCall: (done, total) => progress.update("reading container metrics", done, total),
  });
  for (const s of services) {
    const td = tds.get(s.taskDefinition);
    if (!s.utilization || !td) continue;
    const found = td.containers.flatMap((c) => metrics.containers.get(`${s.cluster}/${s.name}#${c.name}`) ?? []);
    const lost = td.containers.some((c) => metrics.incomplete.has(`${s.cluster}/${s.name}#${c.name}`));
    // Partial container data would make a sidecar look unmeasured: all or none.
    if (found.length && !lost) s.utilization.containers = found;
  }
  if (metrics.incomplete.size === 0) return;
  const affected = [...new Set([...metrics.incomplete].map((k) => k.slice(0, k.indexOf("#"))))];
  const what = `container-level metrics are missing for ${affected.length} service${affected.length === 1 ? "" : "s"} (their containers are scaled with the task)`;
  run.warn({
    code: metrics.failure?.kind ?? "incomplete",
    message: metrics.failure ? degradeMessage(what, metrics.failure) : what,
    services: affected,
  });
}

/** The deployments inside the window of the services deployed in it, with the task definition each ran. */
async function readDeploymentHistory(run: Run, services: readonly Service[], windowStartMs: number): Promise<void> {
  const { aws, progress } = run;
  const recent = services.filter((s) => s.deployments.some((d) => Date.parse(d.startedAt) > windowStartMs));
  const recentSet = new Set(recent);
  for (const s of services) if (!recentSet.has(s)) s.deploymentHistory = "complete";
  let failure: AwsFailure | undefined;
  let done = 0;
  await mapLimit(recent, ECS_CONCURRENCY, async (s) => {
    if (failure) return;
    try {
      const history = await deploymentHistory(aws, s.cluster, s.name, windowStartMs);
      if (history.length > 0) {
        s.deployments = history;
        s.deploymentHistory = "complete";
      }
    } catch (e) {
      if (!(e instanceof AwsCallError) || isFatal(e.failure)) throw e;
      failure = e.failure;
    } finally {
      progress.update("reading deployment history", ++done, recent.length);
    }
  });
  if (!failure) return;
  const affected = recent.filter((s) => s.deploymentHistory === "current-only").map((s) => `${s.cluster}/${s.name}`);
  const what = `${affected.length} service${affected.length === 1 ? "" : "s"} deployed in the window have only their current deployment; task sizes before it are unknown`;
  run.warn({ code: failure.kind, message: degradeMessage(what, failure) });
}

/**
 * The task definitions of every service (being described since DescribeServices answered) and those in
 * their deployment history, each described once ("family:revision" throughout: DescribeTaskDefinition takes
 * it as well as the ARN).
 */
async function readTaskDefinitions({ warn }: Run, services: readonly Service[], reader: TaskDefinitionReader): Promise<TaskDefinition[]> {
  reader.add(services.flatMap((s) => s.deployments.map((d) => d.taskDefinition).filter((x): x is string => !!x)));
  await reader.settled();
  const found = reader.found.map((td) => {
    const m = mapTaskDefinition(td);
    for (const p of m.problems)
      warn({ code: "task-definition-unreadable", message: `${m.taskDefinition.family}:${m.taskDefinition.revision}: ${p}` });
    return m.taskDefinition;
  });
  if (reader.failed.length) {
    const fatalError = reader.failed.find((f) => f.error instanceof AwsCallError && isFatal(f.error.failure));
    if (fatalError) throw fatalError.error;
    const first = reader.failed[0]!.error;
    const failedRefs = new Set(reader.failed.map((f) => taskDefinitionRefOf(f.arn)));
    const affected = services.filter((s) => failedRefs.has(s.taskDefinition)).map((s) => `${s.cluster}/${s.name}`);
    const f = first instanceof AwsCallError ? first.failure : undefined;
    // Said during the run, not only counted in the summary.
    warn({
      code: f?.kind ?? "error",
      message: f
        ? degradeMessage(`${failedRefs.size} task definition${failedRefs.size === 1 ? " is" : "s are"} missing`, f)
        : `${failedRefs.size} task definitions could not be described`,
      ...(affected.length ? { services: affected } : {}),
    });
  }
  return found;
}

/** EC2 capacity (container instances) and recently stopped tasks, per cluster; the stops go to their services. */
async function readCapacityAndStops(run: Run, clusters: readonly Cluster[], services: readonly Service[]): Promise<ContainerInstance[]> {
  const { aws, progress, degrade, collectedAt } = run;
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
  return instances;
}

/**
 * Application Auto Scaling's targets and policies, onto the services they scale. False when they could not
 * be read: then a service without them is not known not to scale.
 */
async function readAutoscaling({ aws, progress, degrade }: Run, services: readonly Service[]): Promise<boolean> {
  progress.update("reading autoscaling");
  const scaling = await degrade(
    "autoscaling settings are unknown",
    async () => {
      const { targets, policies } = await ecsScaling(aws);
      return mapAutoscaling(targets, policies);
    },
    undefined,
  );
  for (const s of services) {
    const a = scaling?.get(`${s.cluster}/${s.name}`);
    if (a) s.autoscaling = a;
  }
  return scaling !== undefined;
}

/** The utilization CloudWatch gave, onto the services; what it could not give is an issue naming them. */
async function applyMetrics(
  run: Run,
  services: readonly Service[],
  metrics: Awaited<ReturnType<typeof fetchMetrics>>,
  twentySecond: ReadonlySet<string>,
): Promise<void> {
  if (metrics.failure && isFatal(metrics.failure) && metrics.utilization.size === 0) throw new AwsCallError(metrics.failure, undefined);
  const divided: string[] = [];
  let unchecked = 0;
  for (const s of services) {
    const key = `${s.cluster}/${s.name}`;
    const u = metrics.utilization.get(key);
    if (!u) continue;
    s.utilization = u;
    // 20-second metrics: SampleCount may count three samples a task a minute (see samplesPerTask).
    if (!twentySecond.has(key) || !metrics.countedBySamples.has(key) || !u.runningTasks) continue;
    const { divisor, checked } = samplesPerTask(u.runningTasks, s.runningCount);
    if (!checked) unchecked++;
    if (divisor === 1) continue;
    u.runningTasks = u.runningTasks.map((v) => v / divisor) as typeof u.runningTasks;
    divided.push(key);
  }
  if (divided.length) {
    const n = divided.length;
    run.warn({
      code: "twenty-second-metrics",
      message: `${n} service${n === 1 ? " publishes" : "s publish"} 20-second CPU metrics: task counts are CloudWatch's SampleCount ÷ 3 (three samples a task a minute${unchecked ? `; ${unchecked} could not be checked against a running count` : ", as each service's running count confirms"})`,
      services: divided,
    });
  }
  if (metrics.incomplete.size === 0) return;
  const f = metrics.failure;
  const lost = [...metrics.incomplete];
  const what = `CloudWatch data is missing or incomplete for ${lost.length} service${lost.length === 1 ? "" : "s"}`;
  run.warn({
    code: f?.kind ?? "incomplete",
    message: f ? degradeMessage(what, f) : `CloudWatch data is incomplete for ${lost.length} service${lost.length === 1 ? "" : "s"}`,
    services: lost,
  });
}

/**
 * Fargate rates, the prices of the instance types in the clusters, and — when there are EC2 hosts — of
 * every current-generation type packing may choose from.
 */
async function readPrices(run: Run, instances: readonly ContainerInstance[]): Promise<Prices> {
  const { aws, opts } = run;
  run.progress.update("reading prices");
  const instanceTypes = [...new Set(instances.map((i) => i.instanceType).filter((t): t is string => !!t))].sort();
  const priced = await fetchPrices(aws, {
    region: aws.region,
    instanceTypes,
    catalog: instances.length > 0,
    nowMs: opts.nowMs,
    cacheDir: opts.cacheDir,
    refresh: opts.refreshPrices,
    viaEndpoint: aws.endpoint !== undefined,
  });
  for (const i of priced.issues) run.warn(i);
  return priced.prices;
}
