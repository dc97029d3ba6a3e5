// Stage 1 of a service's advice — evidence: what its task reserves, the utilization history restated against
// that size (only the part that can be trusted), how much data there is and how good, what the task costs
// now, and what happened to it in the window (OOM kills, autoscaling). Pure.
import { fmtHours, fmtTime, plural } from "../../model/format.js";
import type { ServiceFinding } from "../../model/report.js";
import type { Cluster, Prices, SeriesSummary, Service, TaskDefinition } from "../../model/snapshot.js";
import { allocationOf, placementOf, type Allocation, type Placement } from "../allocation.js";
import { taskPricer, type Ec2UnitPrices } from "../cost.js";
import { buildHistory, maskBefore, type History } from "../history.js";
import type { Policy } from "../policy.js";
import type { Reasons } from "../reasons.js";
import { oomEvidence, targetTracking, type OomEvidence, type ScaledResource } from "../signals.js";
import { countPresent, firstPresentIndex, max, mean, min } from "../stats.js";
import { usageOf } from "../usage.js";

export interface AdviseContext {
  policy: Policy;
  prices: Prices;
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  clusters: ReadonlyMap<string, Cluster>;
  ec2Units: ReadonlyMap<string, Ec2UnitPrices | undefined>;
  windowStartMs: number;
  windowEndMs: number;
  collectedAtMs: number;
  /** Application Auto Scaling could not be read: a service without autoscaling may still scale. */
  autoscalingUnknown: boolean;
  /** Collection issues that name the service ("cluster/service" → their codes and messages). */
  issues: ReadonlyMap<string, ReadonlyArray<{ code: string; message: string }>>;
}

/** USD per task-hour of a size; undefined where there is no price (EXTERNAL, unpriced EC2). */
export type Pricer = (cpu: number, memory: number) => number | undefined;

/** Which statistic each resource is sized from, and how much data backs it, at the resolution CloudWatch served. */
export interface DataQuality {
  cpuSeries: ArrayLike<number> | undefined;
  memorySeries: ArrayLike<number> | undefined;
  /** Exact percentiles at the source resolution, when the collector folded the series coarser. */
  exactCpu: ((p: number) => number | undefined) | undefined;
  exactMemory: ((p: number) => number | undefined) | undefined;
  /** At the source resolution, a CPU size at percentile p: its idle share and the demand above it (fractions). */
  exactCpuShares: ((p: number) => { idle: number; throttled: number } | undefined) | undefined;
  points: number;
  periodSeconds: number | null;
  dataHours: number;
  gapPercent: number;
}

export interface Evidence {
  service: Service;
  /** "cluster/service" */
  key: string;
  td: TaskDefinition;
  alloc: Allocation;
  history: History | undefined;
  /**
   * Only the current deployment is known and it began inside the window: the data since it is used
   * ("masked"), or there is too little of it and nothing may be made smaller ("capped").
   */
  historyUnknown: "masked" | "capped" | undefined;
  usage: ServiceFinding["usage"];
  /** Average running tasks over the window (the running count without data). */
  tasks: number;
  averageTasks: number | null;
  placement: Placement;
  price: Pricer;
  currentHourly: number | undefined;
  data: DataQuality;
  oom: OomEvidence;
  /** Resources target tracking holds, with their target values. */
  tracked: Map<ScaledResource, number>;
}

export function gatherEvidence(service: Service, td: TaskDefinition, ctx: AdviseContext, reasons: Reasons): Evidence {
  const alloc = allocationOf(td);
  const full = service.utilization ? buildHistory(service, service.utilization, td, ctx.taskDefinitions, ctx.windowEndMs) : undefined;
  const { history, historyUnknown } = full
    ? trustedHistory(full, service, ctx.policy, reasons)
    : { history: full, historyUnknown: undefined };
  const avgTasks = history ? mean(history.runningTasks) : Number.NaN;
  const tasks = Number.isFinite(avgTasks) ? avgTasks : service.runningCount;
  const placement = placementOf(service, td, ctx.clusters.get(service.cluster), tasks);
  if (placement.kind === "fargate" && placement.spotShare > 0 && tasks < 2) {
    reasons.add(
      "spot-single-task",
      "runs a single task on Fargate Spot: an interruption (a two-minute warning) stops the service until ECS starts a replacement; run two tasks, or give FARGATE a base of 1 in the capacity provider strategy",
    );
  }
  const price = pricerFor(placement, td, service, ctx, reasons);
  const currentHourly =
    alloc.memory !== undefined && (alloc.cpu !== undefined || placement.kind !== "fargate")
      ? price(alloc.cpu ?? 0, alloc.memory)
      : undefined;
  // Stops between the window's last whole period and the collection still count.
  const oom = oomEvidence(service.stoppedTasks, ctx.windowStartMs, Math.max(ctx.windowEndMs, ctx.collectedAtMs));
  addOomReasons(oom, reasons);
  return {
    service,
    key: `${service.cluster}/${service.name}`,
    td,
    alloc,
    history,
    historyUnknown,
    usage: full ? usageOf(full) : null,
    tasks,
    averageTasks: Number.isFinite(avgTasks) ? avgTasks : null,
    placement,
    price,
    currentHourly,
    data: dataQuality(history, ctx.policy),
    oom,
    tracked: targetTracking(service.autoscaling),
  };
}

/**
 * Only the current deployment is known and it started inside the window: what ran before it — and so what
 * the earlier percentages are percentages of — is unknown. Use the data since the deployment when there is
 * enough of it; otherwise keep it all but make nothing smaller.
 */
export function trustedHistory(
  history: History,
  service: Service,
  policy: Policy,
  reasons: Reasons,
): { history: History; historyUnknown: Evidence["historyUnknown"] } {
  const lastDeploy = history.lastDeploymentMs;
  if (service.deploymentHistory !== "current-only" || lastDeploy === undefined) return { history, historyUnknown: undefined };
  const index = Math.ceil((lastDeploy - history.startMs) / (history.periodSeconds * 1000));
  const hasEarlier = [history.cpuMaximum, history.memoryMaximum].some((a) => firstPresentIndex(a) >= 0 && firstPresentIndex(a) < index);
  if (!hasEarlier) return { history, historyUnknown: undefined };
  const masked = maskBefore(history, index);
  const after = Math.max(countPresent(masked.cpuMaximum), countPresent(masked.memoryMaximum));
  const enough = (after * masked.periodSeconds) / 3600 >= policy.minDataHours && after >= policy.minPoints;
  const when = fmtTime(new Date(lastDeploy).toISOString());
  reasons.add(
    "deployment-history-unknown",
    enough
      ? `only the deployment of ${when} is known, not the task size before it: only the data since then is used`
      : `only the deployment of ${when} is known, not the task size before it, and there is too little data since: nothing is made smaller`,
  );
  return enough ? { history: masked, historyUnknown: "masked" } : { history, historyUnknown: "capped" };
}

/** How much data, and how good — counted where it was counted: exact summaries at the source period, else the stored series. */
export function dataQuality(history: History | undefined, policy: Policy): DataQuality {
  if (!history) {
    return {
      cpuSeries: undefined,
      memorySeries: undefined,
      exactCpu: undefined,
      exactMemory: undefined,
      exactCpuShares: undefined,
      points: 0,
      periodSeconds: null,
      dataHours: 0,
      gapPercent: 0,
    };
  }
  const cpuKey = policy.cpu.series === "maximum" ? "cpuMaximum" : "cpuAverage";
  const memoryKey = policy.memory.series === "maximum" ? "memoryMaximum" : "memoryAverage";
  const cpuSeries = history[cpuKey];
  const memorySeries = history[memoryKey];
  const stats = history.summary;
  const sourcePeriod = stats ? history.sourcePeriodSeconds : history.periodSeconds;
  const points = stats
    ? Math.max(stats[cpuKey].points, stats[memoryKey].points)
    : Math.max(countPresent(cpuSeries), countPresent(memorySeries));
  let gapPercent = 0;
  if (points > 0) {
    const first = Math.min(...[firstPresentIndex(cpuSeries), firstPresentIndex(memorySeries)].filter((i) => i >= 0));
    const span = ((history.length - first) * history.periodSeconds) / sourcePeriod;
    gapPercent = span > 0 ? Math.max(0, ((span - points) / span) * 100) : 0;
  }
  const exactOf = (key: typeof cpuKey | typeof memoryKey) => (stats ? (p: number) => stats[key].quantiles[String(p)] : undefined);
  return {
    cpuSeries,
    memorySeries,
    exactCpu: exactOf(cpuKey),
    exactMemory: exactOf(memoryKey),
    exactCpuShares: stats ? (p: number) => sharesAt(stats[cpuKey], p) : undefined,
    points,
    periodSeconds: history.periodSeconds,
    dataHours: (points * sourcePeriod) / 3600,
    gapPercent,
  };
}

/** From a series summary: a size at percentile p leaves 1 − served ÷ p idle and 1 − served ÷ mean above it. */
function sharesAt(summary: SeriesSummary, p: number): { idle: number; throttled: number } | undefined {
  const q = summary.quantiles[String(p)];
  const served = summary.cappedMeans?.[String(p)];
  const mean = summary.mean;
  if (q === undefined || served === undefined || mean === undefined || !(q > 0)) return undefined;
  return { idle: 1 - served / q, throttled: mean > 0 ? Math.max(0, 1 - served / mean) : 0 };
}

/** The price of a task of this service at a size; an EXTERNAL or unpriced EC2 service has none, and says why. */
export function pricerFor(placement: Placement, td: TaskDefinition, service: Service, ctx: AdviseContext, reasons: Reasons): Pricer {
  const pricer = taskPricer(placement, td, ctx.prices, ctx.policy.fargate.spotDiscount, ctx.ec2Units.get(service.cluster));
  if (pricer === "external") {
    reasons.add("external-launch-type", "EXTERNAL (ECS Anywhere) capacity is your own hardware: no AWS price");
    return () => undefined;
  }
  if (pricer === "unpriced-windows") {
    reasons.add(
      "no-price",
      `the price set (${ctx.prices.source}) has no Fargate Windows rates: this Windows service is left unpriced rather than priced at Linux rates, which would read about a third of its cost; use prices with Windows rates (the live Price List or the bundled book)`,
    );
    return () => undefined;
  }
  if (pricer === "unpriced-ec2") {
    reasons.add("no-price", `no priced container instances in cluster ${service.cluster}: the EC2 cost of this service is unknown`);
    return () => undefined;
  }
  return pricer;
}

function addOomReasons(oom: OomEvidence, reasons: Reasons): void {
  if (oom.kills > 0) {
    reasons.add(
      "oom-kills",
      `${plural(oom.kills, "task was", "tasks were")} killed for running out of memory in the window (last ${fmtTime(oom.lastKillAt!)})`,
    );
  }
  if (oom.possible > 0) {
    reasons.add(
      "possible-oom",
      `${plural(oom.possible, "task", "tasks")} exited with code 137 and no out-of-memory reason: an OOM kill or a stop timeout; check the task logs`,
    );
  }
}

/** The evidence fields every finding carries, advice or not. */
export function commonEvidence(ev: Evidence): Omit<ServiceFinding["evidence"], "cpu" | "memory" | "hourlyUsdPerTask"> {
  const h = ev.history;
  const counted = h !== undefined && countPresent(h.runningTasks) > 0;
  return {
    periodSeconds: ev.data.periodSeconds,
    points: ev.data.points,
    dataHours: ev.data.dataHours,
    gapPercent: ev.data.gapPercent,
    averageTasks: ev.averageTasks,
    peakTasks: counted ? max(h.runningTasks) : null,
    minTasks: counted ? min(h.runningTasks) : null,
    deploymentsInWindow: h?.deploymentsInWindow ?? 0,
    oomKills: ev.oom.kills,
  };
}

/** Evidence that advice can be made from: a history with data, and a task that reserves cpu and memory. */
export type Advisable = Evidence & {
  history: History;
  alloc: Allocation & { cpu: number; memory: number };
  data: DataQuality & { cpuSeries: ArrayLike<number>; memorySeries: ArrayLike<number> };
};

/** Whether advice can be made at all; when not, the reason says why (and the finding has confidence none). */
export function canAdvise(ev: Evidence, policy: Policy, reasons: Reasons): ev is Advisable {
  const { data } = ev;
  if (!ev.history || data.points === 0) {
    // Metrics refused as impossible have said so already (invalid-metrics): they were there.
    if (reasons.has("invalid-metrics")) return false;
    reasons.add(
      "no-metrics",
      "CloudWatch has no CPUUtilization or MemoryUtilization for this service in the window (no running tasks, or ECS metrics are off)",
    );
    return false;
  }
  if (data.dataHours < policy.minDataHours || data.points < policy.minPoints) {
    reasons.add(
      "insufficient-data",
      `only ${fmtHours(data.dataHours)} of data (${plural(data.points, "period")}); advice needs ${fmtHours(policy.minDataHours)} and ${policy.minPoints} periods`,
    );
    return false;
  }
  if (ev.alloc.memory === undefined) {
    reasons.add("memory-not-reserved", "the task definition reserves no memory, so utilization has no base to size from");
    return false;
  }
  if (ev.alloc.cpu === undefined) {
    reasons.add(
      "cpu-not-reserved",
      "the task definition reserves no cpu (task or container level), so CPU utilization cannot be turned into units",
    );
    return false;
  }
  return true;
}
