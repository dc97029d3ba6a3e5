// Impossible utilization is never taken at face value. Every snapshot — live, from a file, the demo —
// passes here before the advisor sees it. A value is impossible when it is negative, or above what the
// task could report (aws-facts §3.2):
// - CPU: a hard cap (task-level cpu, which Fargate requires) reads at most 100 %; with container-level
//   cpu only (EC2 cpu shares) a task can use idle host CPU, so up to 100 % × the largest host ÷ its cpu.
// - Memory: 100 % of a hard limit; with soft reservations as the base, up to the hard limits over them,
//   or with none, up to the largest host's memory.
// A margin of 10 % is allowed over a cap: CloudWatch samples, and a reading a little over is not impossible
// (UNVERIFIED how far over AWS/ECS reports; no higher reading has been seen).
// A few impossible points are left out, with a warning naming the service and how many; a series that is
// mostly impossible means the service's metrics are not used at all (no advice, and a reason saying why).
import type { Service, Snapshot, TaskDefinition } from "../model/snapshot.js";
import { allocationOf } from "../advisor/allocation.js";
import { deepFreeze } from "../freeze.js";

/** Over a cap, what still counts as possible. */
export const CAP_MARGIN = 1.1;
/** More than any EC2 instance offers (the largest have 896 vCPUs and 32 TiB): a ceiling, not a guess. */
export const HOST_CPU_UNITS_MAX = 1024 * 1024;
export const HOST_MEMORY_MIB_MAX = 64 * 1024 * 1024;

export type Issue = Snapshot["issues"][number];

type Utilization = NonNullable<Service["utilization"]>;
type SeriesKey = "cpuAverage" | "cpuMaximum" | "memoryAverage" | "memoryMaximum" | "runningTasks";
const SERIES: SeriesKey[] = ["cpuAverage", "cpuMaximum", "memoryAverage", "memoryMaximum", "runningTasks"];

interface Bound {
  max: number;
  /** Why a value above max cannot be: "its hard cap", … */
  above: string;
  what: "CPU" | "memory" | "running tasks";
}

/** The largest percentage each series of this service's task could report. */
export function boundsFor(td: TaskDefinition | undefined): Record<SeriesKey, Bound> {
  const a = td ? allocationOf(td) : undefined;
  const cpu: Bound =
    td?.cpu !== undefined
      ? { max: 100 * CAP_MARGIN, above: "its hard cap", what: "CPU" }
      : { max: a?.cpu ? (100 * HOST_CPU_UNITS_MAX) / a.cpu : Number.POSITIVE_INFINITY, above: "what any host could give it", what: "CPU" };
  const memory: Bound =
    a?.memory && a.memoryHardLimit
      ? { max: ((100 * a.memoryHardLimit) / a.memory) * CAP_MARGIN, above: "its hard limit", what: "memory" }
      : {
          max: a?.memory ? (100 * HOST_MEMORY_MIB_MAX) / a.memory : Number.POSITIVE_INFINITY,
          above: "what any host could give it",
          what: "memory",
        };
  const tasks: Bound = { max: Number.POSITIVE_INFINITY, above: "", what: "running tasks" };
  return { cpuAverage: cpu, cpuMaximum: cpu, memoryAverage: memory, memoryMaximum: memory, runningTasks: tasks };
}

interface Finding {
  total: number;
  bad: number;
  /** A series more than half impossible. */
  mostlyBad: boolean;
  kinds: Set<string>;
  /** The exact summaries hold an impossible value: they are dropped (the series are used instead). */
  badSummary: boolean;
}

function inspect(u: Utilization, bounds: Record<SeriesKey, Bound>): Finding {
  const f: Finding = { total: 0, bad: 0, mostlyBad: false, kinds: new Set(), badSummary: false };
  for (const key of SERIES) {
    const { max, above, what } = bounds[key];
    const values = u[key];
    let present = 0;
    let bad = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      present++;
      if (v < 0) f.kinds.add(`${what} below 0${what === "running tasks" ? "" : "%"}`);
      else if (v > max) f.kinds.add(`${what} above ${above}`);
      else continue;
      bad++;
    }
    f.total += present;
    f.bad += bad;
    if (bad * 2 > present) f.mostlyBad = true;
  }
  for (const [key, summary] of Object.entries(u.summary ?? {})) {
    const { max } = bounds[key as SeriesKey];
    const values = [...Object.values(summary.quantiles), ...Object.values(summary.cappedMeans ?? {}), summary.mean ?? 0];
    if (values.some((q) => !(q >= 0 && q <= max))) f.badSummary = true;
  }
  return f;
}

/** The same utilization with impossible points as gaps (copies: the input may be shared and frozen). */
function withoutImpossible(u: Utilization, bounds: Record<SeriesKey, Bound>, dropSummary: boolean): Utilization {
  const out: Utilization = { ...u };
  for (const key of SERIES) {
    const { max } = bounds[key];
    out[key] = Float32Array.from(u[key], (v) => (v < 0 || v > max ? Number.NaN : v));
  }
  if (dropSummary) delete out.summary;
  return out;
}

/** Container-level usage below 0 cannot be (cpu units and MiB used): those points become gaps. */
function withoutNegativeContainers(u: Utilization): { utilization: Utilization; bad: number } | undefined {
  let bad = 0;
  for (const c of u.containers ?? []) for (const v of [...c.cpuMaximum, ...c.memoryMaximum]) if (v < 0) bad++;
  if (bad === 0) return undefined;
  const fix = (a: Float32Array) => Float32Array.from(a, (v) => (v < 0 ? Number.NaN : v));
  return {
    utilization: {
      ...u,
      containers: u.containers!.map((c) => ({ ...c, cpuMaximum: fix(c.cpuMaximum), memoryMaximum: fix(c.memoryMaximum) })),
    },
    bad,
  };
}

/** The snapshot with impossible utilization left out, and an issue for each service it touched. */
export function validateUtilization(snapshot: Snapshot): { snapshot: Snapshot; issues: Issue[] } {
  const tds = new Map<string, TaskDefinition>();
  for (const td of snapshot.taskDefinitions) {
    tds.set(`${td.family}:${td.revision}`, td);
    if (td.arn) tds.set(td.arn, td);
  }
  const issues: Issue[] = [];
  let changed = false;
  const services = snapshot.services.map((service) => {
    let s = service;
    if (!s.utilization) return s;
    const bounds = boundsFor(tds.get(s.taskDefinition));
    const cleaned = withoutNegativeContainers(s.utilization);
    if (cleaned) {
      changed = true;
      issues.push({
        code: "invalid-metrics",
        message: `${cleaned.bad} container-level value${cleaned.bad === 1 ? " was" : "s were"} below 0 and left out`,
        services: [`${s.cluster}/${s.name}`],
      });
      s = { ...s, utilization: cleaned.utilization };
    }
    const f = inspect(s.utilization!, bounds);
    if (f.bad === 0 && !f.badSummary) return s;
    changed = true;
    const key = `${s.cluster}/${s.name}`;
    const why = [...f.kinds].join(", ") || "exact summaries out of range";
    const of = `${f.bad} of its ${f.total} CloudWatch value${f.total === 1 ? "" : "s"}`;
    if (f.mostlyBad) {
      issues.push({
        code: "invalid-metrics",
        message: `${of} ${f.bad === 1 ? "is" : "are"} impossible (${why}), so its metrics are not used`,
        services: [key],
      });
      const { utilization: _dropped, ...rest } = s;
      return rest;
    }
    const message =
      f.bad > 0
        ? `${of} ${f.bad === 1 ? "was" : "were"} impossible (${why}) and ${f.bad === 1 ? "was" : "were"} left out`
        : "its exact summaries held impossible values and were left out; the stored series are used";
    issues.push({ code: "invalid-metrics", message, services: [key] });
    return { ...s, utilization: withoutImpossible(s.utilization!, bounds, f.badSummary) };
  });
  if (!changed) return { snapshot, issues };
  const out = { ...snapshot, services, issues: [...snapshot.issues, ...issues] };
  return { snapshot: Object.isFrozen(snapshot) ? deepFreeze(out) : out, issues };
}
