// CloudWatch utilization for every service, in as few GetMetricData calls as the limits allow
// (aws-facts §4.1): ≤ 500 queries and ≤ 100,800 datapoints a call, NextToken followed, paced under the
// 50 TPS quota. Each service is reduced (summarised, folded) the moment its five series are complete, so
// memory holds only the stored resolution plus the calls in flight.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { ContainerUsage, Utilization } from "../../model/snapshot.js";
import { fold, summarize } from "../series.js";
import { AwsCallError, type Aws } from "./clients.js";
import { decodeMetricPage, type DecodedPage } from "./decode.js";
import type { AwsFailure } from "./errors.js";
import { RateLimiter, mapLimit } from "./limits.js";

export { DEFAULT_MAX_DURATION_SECONDS } from "./limits.js";

export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;
/** GetMetricData's quota is 50 TPS per region; stay at 90 % of it, leaving room for dashboards and alarms. */
export const DEFAULT_CLOUDWATCH_TPS = 45;
/**
 * GetMetricData's datapoint quota per region: 396,000 a second when StartTime is more than 3 hours ago,
 * 180,000 within 3 hours, counted from the estimated datapoints (time range ÷ period) of every query
 * (aws-facts §4.1). Stay at 90 % of it, like the TPS.
 */
export const CLOUDWATCH_DPS = { older: 396_000, recent: 180_000 } as const;
export const QUOTA_SHARE = 0.9;

export function datapointsPerSecondFor(startMs: number, nowMs: number, share = QUOTA_SHARE): number {
  return Math.round((nowMs - startMs > 3 * 3_600_000 ? CLOUDWATCH_DPS.older : CLOUDWATCH_DPS.recent) * share);
}

/**
 * The least time GetMetricData's quotas allow for a collection: calls ÷ TPS or datapoints ÷ DPS, whichever
 * is longer (the calls as planCalls packs them).
 */
export function quotaBoundSeconds(x: {
  services: number;
  series: number;
  points: number;
  startMs: number;
  nowMs: number;
  share?: number;
}): { calls: number; datapoints: number; seconds: number; limitedBy: "calls" | "datapoints" } {
  const share = x.share ?? QUOTA_SHARE;
  const perCall = Math.max(1, Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_DATAPOINTS_PER_CALL / x.points)));
  const calls = Math.ceil((x.services * x.series) / perCall);
  const datapoints = x.services * x.series * x.points;
  const byCalls = calls / (50 * share);
  const byPoints = datapoints / datapointsPerSecondFor(x.startMs, x.nowMs, share);
  return { calls, datapoints, seconds: Math.max(byCalls, byPoints), limitedBy: byPoints >= byCalls ? "datapoints" : "calls" };
}

const fmtMinutes = (s: number) => (s < 60 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

/**
 * The resolution to read CloudWatch at: the finest period CloudWatch keeps for the lookback (60 / 300 /
 * 3600 s) whose quota-bound time fits the budget, else hourly, said so. A coarser period keeps each
 * period's Maximum exact (the peak of its minutes), so memory peaks are unchanged and CPU percentiles
 * read higher (more conservative); averages and task counts are means over the longer period.
 */
export function planResolution(x: {
  services: number;
  lookbackSeconds: number;
  nowMs: number;
  maxDurationSeconds: number;
  series?: number;
  /**
   * The least time the rest of the run takes anyway (ECS's request rates for the task definitions): when it is
   * over the budget, CloudWatch may take as long, since a coarser read would not end the run sooner.
   */
  floorSeconds?: number;
}): { fetchPeriod: number; boundSeconds: number; reason: string | undefined } {
  const finest = fetchPeriodFor(x.lookbackSeconds);
  const startMs = x.nowMs - x.lookbackSeconds * 1000;
  const bound = (period: number) =>
    quotaBoundSeconds({
      services: x.services,
      series: x.series ?? 5,
      points: Math.ceil(x.lookbackSeconds / period),
      startMs,
      nowMs: x.nowMs,
    }).seconds;
  const periods = [60, 300, 3600].filter((p) => p >= finest);
  const floor = x.floorSeconds ?? 0;
  const limit = Math.max(x.maxDurationSeconds, floor);
  const fits = periods.find((p) => bound(p) <= limit);
  const chosen = fits ?? 3600;
  const budget =
    floor > x.maxDurationSeconds
      ? `${fmtMinutes(floor)} that describing the task definitions takes anyway at ECS's request rate`
      : `${fmtMinutes(x.maxDurationSeconds)} budget (--max-duration)`;
  const n = x.services.toLocaleString("en-US");
  const reason =
    chosen === finest
      ? undefined
      : fits === undefined
        ? `CloudWatch read at 3600-second periods: ${n} services take about ${fmtMinutes(bound(3600))} within GetMetricData's datapoint quota, over the ${fmtMinutes(limit)} ${floor > x.maxDurationSeconds ? "the rest of the run takes" : "budget"} even at 3600-second periods (raise --max-duration or narrow with --cluster)`
        : `CloudWatch read at ${chosen}-second periods, not ${finest}: ${n} services at ${finest} s would take about ${fmtMinutes(bound(finest))} within GetMetricData's datapoint quota, over the ${budget}`;
  return { fetchPeriod: chosen, boundSeconds: bound(chosen), reason };
}

/**
 * Samples a task gives CloudWatch a minute when the service publishes 20-second metrics: 3 if each 20-second
 * point is a sample, 1 if ECS still combines them into one a minute — our sources do not say (UNVERIFIED). The
 * data says: the service's last counted minute against its running count now (DescribeServices), whichever
 * divisor comes nearer; 3 when there is nothing to compare (no running tasks, no recent count).
 */
export function samplesPerTask(tasks: Float32Array | number[] | undefined, runningCount: number): { divisor: 1 | 3; checked: boolean } {
  let last = Number.NaN;
  if (tasks)
    for (let i = tasks.length - 1; i >= 0; i--)
      if (!Number.isNaN(tasks[i]!)) {
        last = tasks[i]!;
        break;
      }
  if (!(runningCount > 0) || !(last > 0)) return { divisor: 3, checked: false };
  return { divisor: Math.abs(last / 3 - runningCount) < Math.abs(last - runningCount) ? 3 : 1, checked: true };
}

/** Calls in flight: each round trip carries up to ~1.5 MB, so enough must overlap to reach the TPS. */
export const DEFAULT_CLOUDWATCH_CONCURRENCY = 16;

export type Field = "cpuAverage" | "cpuMaximum" | "memoryAverage" | "memoryMaximum" | "runningTasks" | ContainerField;
/** Per container (Container Insights with enhanced observability): cpu units and MiB used, Maximum over the tasks. */
export type ContainerField = "containerCpu" | "containerMemory";
export const CONTAINER_FIELDS: readonly Field[] = ["containerCpu", "containerMemory"];
export const FIELDS: readonly Field[] = ["cpuAverage", "cpuMaximum", "memoryAverage", "memoryMaximum", "runningTasks"];
/**
 * The series a run reads. Memory's Average is used only by a policy that sizes memory from the task average
 * (`memory.series: average`); a live report under any other policy leaves it out, a fifth fewer datapoints.
 * A snapshot (collect) keeps all five: it may be reported under any policy later.
 */
export const fieldsFor = (memoryAverage: boolean): readonly Field[] =>
  memoryAverage ? FIELDS : FIELDS.filter((f) => f !== "memoryAverage");

export interface MetricTarget {
  key: string;
  cluster: string;
  service: string;
  /** Container Insights is on for the cluster: running tasks come from its RunningTaskCount. */
  containerInsights: boolean;
  /** One container of the service (its ContainerName), read with CONTAINER_FIELDS. */
  container?: string;
}

export interface MetricWindow {
  startMs: number;
  endMs: number;
  /** Period asked of CloudWatch. */
  fetchPeriod: number;
  /** Period stored in the snapshot (a multiple of fetchPeriod). */
  storagePeriod: number;
}

/**
 * The finest period CloudWatch still has for data this old (aws-facts §4.1): 60 s within 15 days,
 * 300 s within 63 days, 3600 s beyond. Asking for a finer one returns nothing.
 */
export function fetchPeriodFor(lookbackSeconds: number): number {
  if (lookbackSeconds <= 15 * 86400) return 60;
  if (lookbackSeconds <= 63 * 86400) return 300;
  return 3600;
}

/** The window: ends at the last whole period before `now`, starts `lookback` earlier (both aligned). */
export function metricWindow(nowMs: number, lookbackSeconds: number, fetchPeriod: number, storagePeriod: number): MetricWindow {
  const step = storagePeriod * 1000;
  const endMs = Math.floor(nowMs / step) * step;
  return { startMs: endMs - Math.ceil(lookbackSeconds / storagePeriod) * step, endMs, fetchPeriod, storagePeriod };
}

interface QuerySpec {
  target: number;
  field: Field;
}

function queryFor(t: MetricTarget, field: Field, id: string, period: number): MetricDataQuery {
  const dims = [
    { Name: "ClusterName", Value: t.cluster },
    { Name: "ServiceName", Value: t.service },
  ];
  if (field === "containerCpu" || field === "containerMemory") {
    return {
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: "ECS/ContainerInsights",
          MetricName: field === "containerCpu" ? "ContainerCpuUtilized" : "ContainerMemoryUtilized",
          Dimensions: [...dims, { Name: "ContainerName", Value: t.container ?? "" }],
        },
        Period: period,
        Stat: "Maximum",
      },
      ReturnData: true,
    };
  }
  if (field === "runningTasks" && t.containerInsights) {
    return {
      Id: id,
      MetricStat: {
        Metric: { Namespace: "ECS/ContainerInsights", MetricName: "RunningTaskCount", Dimensions: dims },
        Period: period,
        Stat: "Average",
      },
      ReturnData: true,
    };
  }
  const metric = field.startsWith("cpu") || field === "runningTasks" ? "CPUUtilization" : "MemoryUtilization";
  const stat = field === "runningTasks" ? "SampleCount" : field.endsWith("Average") ? "Average" : "Maximum";
  return {
    Id: id,
    MetricStat: { Metric: { Namespace: "AWS/ECS", MetricName: metric, Dimensions: dims }, Period: period, Stat: stat },
    ReturnData: true,
  };
}

/** Pack every (service, series) query into calls: as many as fit under both limits, in order. */
export function planCalls(targets: number, pointsPerQuery: number, fields: readonly Field[] = FIELDS): QuerySpec[][] {
  const perCall = Math.max(1, Math.min(MAX_QUERIES_PER_CALL, Math.floor(MAX_DATAPOINTS_PER_CALL / pointsPerQuery)));
  const calls: QuerySpec[][] = [];
  let current: QuerySpec[] = [];
  for (let target = 0; target < targets; target++) {
    for (const field of fields) {
      current.push({ target, field });
      if (current.length === perCall) {
        calls.push(current);
        current = [];
      }
    }
  }
  if (current.length) calls.push(current);
  return calls;
}

export interface MetricsResult {
  utilization: Map<string, Utilization>;
  /** Services whose data did not all arrive (a call failed after retries). */
  incomplete: Set<string>;
  /** The failure that stopped collection of metrics altogether (e.g. access denied), if any. */
  failure: AwsFailure | undefined;
  callsPlanned: number;
  /** Services whose task counts are CPUUtilization's SampleCount (not Container Insights' RunningTaskCount). */
  countedBySamples: Set<string>;
  /** Container targets' usage, by target key, when CloudWatch had some. */
  containers: Map<string, ContainerUsage>;
}

export interface FetchOptions {
  tps?: number | undefined;
  /** Datapoints a second (default: 90 % of the quota for the window's StartTime, as of `nowMs`). */
  datapointsPerSecond?: number | undefined;
  nowMs?: number | undefined;
  concurrency?: number | undefined;
  onCall?: ((done: number, total: number) => void) | undefined;
  /** The series to read (default all five). */
  fields?: readonly Field[] | undefined;
  /** Decode on the worker however few the calls (a run of many account-regions: together they are many). */
  decodeOffMainThread?: boolean | undefined;
}

type Buffers = Partial<Record<Field, Float32Array>>;

const allMissing = (a: Float32Array | undefined) => {
  if (!a) return true;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) return false;
  return true;
};

/** The datapoint bucket's size for a pace of `dps` a second: half a second's worth, at least one full call. */
export const datapointBurst = (dps: number): number => Math.min(dps, Math.max(MAX_DATAPOINTS_PER_CALL, dps / 2));

/** GetMetricData's two buckets (calls, datapoints), cancelled when the run ends. */
function cloudwatchBuckets(aws: Aws, w: MetricWindow, opts: FetchOptions): { limiter: RateLimiter; points: RateLimiter } {
  const limiter = new RateLimiter(opts.tps ?? DEFAULT_CLOUDWATCH_TPS, 4);
  // The datapoint quota: a call costs its queries × the window's periods. The bucket holds half a second's
  // worth (at least one full call): a request that reaches AWS late then cannot meet the next one there with
  // more than AWS's own bucket holds (one second's worth held a delay of only ~0.14 s; a loaded CI machine
  // made more). The rate, and so the time a collection takes, is the same.
  const dps = opts.datapointsPerSecond ?? datapointsPerSecondFor(w.startMs, opts.nowMs ?? Date.now());
  const points = new RateLimiter(dps, datapointBurst(dps));
  aws.onClose.push(() => {
    limiter.cancel();
    points.cancel();
  });
  return { limiter, points };
}

const emptyResult = (): MetricsResult => ({
  utilization: new Map(),
  incomplete: new Set(),
  failure: undefined,
  callsPlanned: 0,
  countedBySamples: new Set(),
  containers: new Map(),
});

export async function fetchMetrics(
  aws: Aws,
  targets: readonly MetricTarget[],
  w: MetricWindow,
  opts: FetchOptions = {},
): Promise<MetricsResult> {
  const n = Math.round((w.endMs - w.startMs) / (w.fetchPeriod * 1000));
  const { limiter, points } = cloudwatchBuckets(aws, w, opts);
  const result = emptyResult();
  let done = 0;
  let stop = false;
  const decoder = new PageDecoder(opts.decodeOffMainThread === true || planCalls(targets.length, n).length >= WORKER_MIN_CALLS);

  /** One pass over some targets and fields; `finish` gets each target's buffers once all its queries are in. */
  const pass = async (list: readonly MetricTarget[], fields: readonly Field[], finish: (t: MetricTarget, b: Buffers) => void) => {
    const calls = planCalls(list.length, n, fields);
    result.callsPlanned += calls.length;
    const buffers = new Map<number, Buffers>();
    const remaining = new Map<number, number>(); // target → queries still to arrive
    for (const call of calls) for (const q of call) remaining.set(q.target, (remaining.get(q.target) ?? 0) + 1);
    await mapLimit(calls, opts.concurrency ?? DEFAULT_CLOUDWATCH_CONCURRENCY, async (call) => {
      if (stop) {
        for (const q of call) result.incomplete.add(list[q.target]!.key);
        return;
      }
      const queries = call.map((q, i) => queryFor(list[q.target]!, q.field, `q${i}`, w.fetchPeriod));
      try {
        let token: string | undefined;
        do {
          await points.acquire(queries.length * n);
          await limiter.acquire();
          const bytes = await aws.call("cloudwatch:GetMetricData", () =>
            getMetricDataBytes(aws, {
              MetricDataQueries: queries,
              StartTime: new Date(w.startMs),
              EndTime: new Date(w.endMs),
              ScanBy: "TimestampAscending",
              ...(token ? { NextToken: token } : {}),
            }),
          );
          const out = await decoder.decode(bytes, w.startMs, w.fetchPeriod * 1000, n);
          for (const r of out.results) {
            const q = call[Number(r.id.slice(1))];
            if (!q) continue;
            if (r.status === "InternalError") result.incomplete.add(list[q.target]!.key);
            const perTarget = buffers.get(q.target) ?? {};
            buffers.set(q.target, perTarget);
            const have = perTarget[q.field];
            if (!have) perTarget[q.field] = r.values;
            else for (let i = 0; i < n; i++) if (!Number.isNaN(r.values[i]!)) have[i] = r.values[i]!; // a later page
          }
          token = out.nextToken;
        } while (token);
      } catch (e) {
        const failure = e instanceof AwsCallError ? e.failure : undefined;
        for (const q of call) result.incomplete.add(list[q.target]!.key);
        if (failure && (failure.kind === "access-denied" || failure.kind === "credentials")) {
          result.failure = failure;
          stop = true;
        } else if (!failure) throw e;
        else result.failure ??= failure;
      } finally {
        for (const q of call) {
          const left = remaining.get(q.target)! - 1;
          remaining.set(q.target, left);
          if (left === 0) {
            const t = list[q.target]!;
            const b = buffers.get(q.target);
            buffers.delete(q.target);
            if (b && !result.incomplete.has(t.key)) finish(t, b);
          }
        }
        opts.onCall?.(++done, result.callsPlanned);
      }
    });
  };

  const keep = (t: MetricTarget, b: Buffers) => keepTarget(result, t, b, w);
  // Container Insights on but no RunningTaskCount (just turned on, or not published for the service): the
  // task count comes from CPUUtilization's SampleCount instead, in a second, small pass.
  const deferred = new Map<string, Buffers>();
  try {
    await pass(targets, opts.fields ?? FIELDS, (t, b) => {
      if (t.container === undefined && t.containerInsights && allMissing(b.runningTasks) && !allMissing(b.cpuMaximum))
        deferred.set(t.key, b);
      else keep(t, b);
    });
    if (deferred.size > 0) {
      const again = targets.filter((t) => deferred.has(t.key)).map((t) => ({ ...t, containerInsights: false }));
      await pass(again, ["runningTasks"], (t, b) => keep(t, { ...deferred.get(t.key)!, runningTasks: b.runningTasks }));
      // Where the second pass failed, the first pass's series stay (without a task count).
      for (const t of again) if (!result.utilization.has(t.key)) keep(t, deferred.get(t.key)!);
    }
  } finally {
    await decoder.close();
  }
  return result;
}

async function readBytes(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return Buffer.from(body, "latin1");
  const chunks: Uint8Array[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * GetMetricData through the SDK (signing, adaptive retry, error mapping), returning the raw body of a
 * successful response instead of the SDK's output: its deserializer turns each of up to 100,800
 * timestamps into a Date and costs ~50 ms a call — the difference between 13 and 45 calls a second.
 * Error responses still go through the SDK's deserializer, so retries and error types are unchanged.
 */
async function getMetricDataBytes(aws: Aws, input: GetMetricDataCommandInput): Promise<Uint8Array> {
  let bytes: Uint8Array | undefined;
  const command = new GetMetricDataCommand(input);
  type Next = (a: unknown) => Promise<{ response: { statusCode?: number; body?: unknown; headers: Record<string, string> } }>;
  command.middlewareStack.addRelativeTo(
    ((next: Next) => async (args: unknown) => {
      const result = await next(args);
      const res = result.response;
      if (res.statusCode === 200) {
        bytes = await readBytes(res.body);
        res.body = Buffer.from("{}");
        res.headers["content-length"] = "2";
      }
      return result;
    }) as never,
    { relation: "after", toMiddleware: "deserializerMiddleware", name: "ecsAdvisorRawMetricData" } as never,
  );
  const out = await aws.cloudwatch.send(command);
  if (bytes) return bytes;
  // Not caught by the middleware (an unusual handler): re-encode what the SDK made.
  return Buffer.from(
    JSON.stringify({
      MetricDataResults: (out.MetricDataResults ?? []).map((r) => ({
        Id: r.Id,
        StatusCode: r.StatusCode,
        Timestamps: (r.Timestamps ?? []).map((d) => d.getTime() / 1000),
        Values: r.Values ?? [],
      })),
      NextToken: out.NextToken,
    }),
  );
}

/** Below this many calls, pages are decoded on the main thread: a worker is not worth starting. */
const WORKER_MIN_CALLS = 50;

/**
 * The decode worker: one per process, shared by every collection that wants it (a run of many
 * account-regions decodes all their pages there, off the main thread that talks HTTP), ended when the last
 * user closes. The worker runs from the built JavaScript; from TypeScript sources (tests) pages are decoded inline.
 */
interface SharedWorker {
  worker: Worker;
  users: number;
  nextId: number;
  pending: Map<number, { resolve: (p: DecodedPage) => void; reject: (e: Error) => void }>;
}
let shared: SharedWorker | undefined;

function acquireWorker(): SharedWorker | undefined {
  const file = fileURLToPath(new URL("./decode-worker.js", import.meta.url));
  if (availableParallelism() < 2 || !existsSync(file)) return undefined;
  if (!shared) {
    const s: SharedWorker = { worker: new Worker(file), users: 0, nextId: 0, pending: new Map() };
    s.worker.unref();
    s.worker.on("message", (m: { id: number; page?: DecodedPage; error?: string }) => {
      const p = s.pending.get(m.id);
      s.pending.delete(m.id);
      if (m.page) p?.resolve(m.page);
      else p?.reject(new Error(m.error ?? "decode failed"));
    });
    s.worker.on("error", (e) => {
      for (const p of s.pending.values()) p.reject(e);
      s.pending.clear();
      if (shared === s) shared = undefined;
    });
    shared = s;
  }
  shared.users++;
  return shared;
}

/** Decodes pages on the shared worker when there is a spare core and the collection wants it, else inline. */
class PageDecoder {
  private shared: SharedWorker | undefined;

  constructor(wanted: boolean) {
    if (wanted) this.shared = acquireWorker();
  }

  decode(bytes: Uint8Array, startMs: number, periodMs: number, n: number): Promise<DecodedPage> {
    const s = this.shared;
    // A worker that failed is left: its pages are decoded here.
    if (!s || shared !== s) return Promise.resolve(decodeMetricPage(bytes, startMs, periodMs, n));
    const id = s.nextId++;
    // A fresh Buffer for the worker (the socket's may be pooled): moved, not copied.
    const own = new Uint8Array(bytes);
    return new Promise((resolve, reject) => {
      s.pending.set(id, { resolve, reject });
      s.worker.postMessage({ id, bytes: own, startMs, periodMs, n }, [own.buffer]);
    });
  }

  async close(): Promise<void> {
    const s = this.shared;
    this.shared = undefined;
    if (!s || --s.users > 0) return;
    if (shared === s) shared = undefined;
    await s.worker.terminate();
  }
}

/** One target's series, reduced, into the result. */
function keepTarget(result: MetricsResult, t: MetricTarget, b: Buffers, w: MetricWindow): void {
  if (t.container !== undefined) {
    const c = reduceContainer(t.container, b, w);
    if (c) result.containers.set(t.key, c);
    return;
  }
  const u = reduce(b, w, t.containerInsights);
  if (u) result.utilization.set(t.key, u);
  if (u && !t.containerInsights) result.countedBySamples.add(t.key);
}

/** A container's two series, folded by their maximum to the storage period; undefined when CloudWatch had none. */
function reduceContainer(name: string, b: Buffers, w: MetricWindow): ContainerUsage | undefined {
  if (allMissing(b.containerCpu) && allMissing(b.containerMemory)) return undefined;
  const n = Math.round((w.endMs - w.startMs) / (w.fetchPeriod * 1000));
  const get = (f: Field) => b[f] ?? new Float32Array(n).fill(Number.NaN);
  const factor = w.storagePeriod / w.fetchPeriod;
  return { name, cpuMaximum: fold(get("containerCpu"), factor, "max"), memoryMaximum: fold(get("containerMemory"), factor, "max") };
}

/** Five fetch-resolution series → the snapshot's Utilization (summaries kept when folded). */
function reduce(b: Partial<Record<Field, Float32Array>>, w: MetricWindow, containerInsights: boolean): Utilization | undefined {
  const n = Math.round((w.endMs - w.startMs) / (w.fetchPeriod * 1000));
  const get = (f: Field) => b[f] ?? new Float32Array(n).fill(Number.NaN);
  const cpuAverage = get("cpuAverage");
  const cpuMaximum = get("cpuMaximum");
  const memoryAverage = get("memoryAverage");
  const memoryMaximum = get("memoryMaximum");
  const tasks = get("runningTasks");
  if (!containerInsights && w.fetchPeriod !== 60) {
    // SampleCount of a period counts one sample per task per minute.
    const perMinute = w.fetchPeriod / 60;
    for (let i = 0; i < tasks.length; i++) tasks[i] = tasks[i]! / perMinute;
  }
  const any = (a: Float32Array) => {
    for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) return true;
    return false;
  };
  if (!any(cpuMaximum) && !any(memoryMaximum) && !any(cpuAverage) && !any(memoryAverage)) return undefined;
  const start = new Date(w.startMs).toISOString().replace(/\.000Z$/, "Z");
  if (w.storagePeriod === w.fetchPeriod) {
    return { start, periodSeconds: w.fetchPeriod, cpuAverage, cpuMaximum, memoryAverage, memoryMaximum, runningTasks: tasks };
  }
  const factor = w.storagePeriod / w.fetchPeriod;
  return {
    start,
    periodSeconds: w.storagePeriod,
    sourcePeriodSeconds: w.fetchPeriod,
    summary: {
      cpuAverage: summarize(cpuAverage, { served: true }),
      cpuMaximum: summarize(cpuMaximum, { served: true }),
      memoryAverage: summarize(memoryAverage),
      memoryMaximum: summarize(memoryMaximum),
    },
    cpuAverage: fold(cpuAverage, factor, "mean"),
    cpuMaximum: fold(cpuMaximum, factor, "max"),
    memoryAverage: fold(memoryAverage, factor, "mean"),
    memoryMaximum: fold(memoryMaximum, factor, "max"),
    runningTasks: fold(tasks, factor, "mean"),
  };
}
