// A service's utilization, restated against the allocation it has now.
// CloudWatch reports percent of whatever task size ran at the time. When a deployment in the window
// changed the size, a point measured against the old size is converted (old% × old size ÷ new size);
// a point measured against a task definition the snapshot does not describe is dropped, and said so.
import type { Service, TaskDefinition, Utilization } from "../model/snapshot.js";
import { allocationOf, type Allocation } from "./allocation.js";

export interface History {
  startMs: number;
  periodSeconds: number;
  length: number;
  /** Percent of the current allocation; NaN where there is no (usable) datapoint. */
  cpuMaximum: ArrayLike<number>;
  cpuAverage: ArrayLike<number>;
  memoryMaximum: ArrayLike<number>;
  memoryAverage: ArrayLike<number>;
  runningTasks: ArrayLike<number>;
  /** Period indexes at which a deployment in the window started. */
  deploymentIndexes: number[];
  deploymentsInWindow: number;
  lastDeploymentMs: number | undefined;
  sizeChanges: Array<{ atMs: number; from: string; to: string; converted: boolean }>;
  droppedPoints: number;
  /**
   * Exact statistics at the resolution CloudWatch served, when the series were folded coarser. Only kept
   * when no rescaling was needed (they describe the raw percentages).
   */
  summary: Utilization["summary"];
  sourcePeriodSeconds: number;
}

interface Segment {
  fromIndex: number;
  ref: string;
  alloc: Allocation | undefined;
}

const sameSize = (a: Allocation | undefined, b: Allocation): boolean => !!a && a.cpu === b.cpu && a.memory === b.memory;

/** The same history with every point before `index` removed (NaN), and no exact summaries. */
export function maskBefore(h: History, index: number): History {
  const cut = (a: ArrayLike<number>) => {
    const out = Float64Array.from(a as ArrayLike<number>);
    out.fill(Number.NaN, 0, Math.min(index, out.length));
    return out;
  };
  return {
    ...h,
    cpuMaximum: cut(h.cpuMaximum),
    cpuAverage: cut(h.cpuAverage),
    memoryMaximum: cut(h.memoryMaximum),
    memoryAverage: cut(h.memoryAverage),
    runningTasks: cut(h.runningTasks),
    summary: undefined,
    sourcePeriodSeconds: h.periodSeconds,
  };
}

export function buildHistory(
  service: Service,
  utilization: Utilization,
  current: TaskDefinition,
  taskDefinitions: ReadonlyMap<string, TaskDefinition>,
  windowEndMs: number,
): History {
  const startMs = Date.parse(utilization.start);
  const periodMs = utilization.periodSeconds * 1000;
  const n = utilization.cpuAverage.length;
  const currentAlloc = allocationOf(current);
  const currentRef = service.taskDefinition;

  const deployments = [...service.deployments].map((d) => ({ ...d, ms: Date.parse(d.startedAt) })).sort((a, b) => a.ms - b.ms);
  const inWindow = deployments.filter((d) => d.ms > startMs && d.ms <= windowEndMs);
  const indexOf = (ms: number): number => Math.min(n, Math.max(0, Math.ceil((ms - startMs) / periodMs)));

  // Which task definition ran when: each deployment's from its start; before the first, the first's.
  const segments: Segment[] = [];
  const allocFor = (ref: string): Allocation | undefined => {
    if (ref === currentRef) return currentAlloc;
    const td = taskDefinitions.get(ref);
    return td ? allocationOf(td) : undefined;
  };
  const refs = deployments.map((d) => d.taskDefinition ?? currentRef);
  if (deployments.length === 0) segments.push({ fromIndex: 0, ref: currentRef, alloc: currentAlloc });
  else {
    segments.push({ fromIndex: 0, ref: refs[0]!, alloc: allocFor(refs[0]!) });
    deployments.forEach((d, k) => {
      const idx = indexOf(d.ms);
      if (idx > 0) segments.push({ fromIndex: idx, ref: refs[k]!, alloc: allocFor(refs[k]!) });
      else segments[0] = { fromIndex: 0, ref: refs[k]!, alloc: allocFor(refs[k]!) };
    });
  }

  const sizeChanges: History["sizeChanges"] = [];
  for (let k = 1; k < segments.length; k++) {
    const prev = segments[k - 1]!;
    const seg = segments[k]!;
    if (prev.alloc && seg.alloc && sameSize(prev.alloc, seg.alloc)) continue;
    if (prev.ref === seg.ref) continue;
    sizeChanges.push({
      atMs: startMs + seg.fromIndex * periodMs,
      from: prev.ref,
      to: seg.ref,
      converted: prev.alloc !== undefined,
    });
  }

  const base = {
    startMs,
    periodSeconds: utilization.periodSeconds,
    length: n,
    runningTasks: utilization.runningTasks,
    deploymentIndexes: inWindow.map((d) => indexOf(d.ms)),
    deploymentsInWindow: inWindow.length,
    lastDeploymentMs: inWindow.length ? inWindow[inWindow.length - 1]!.ms : undefined,
    sizeChanges,
    sourcePeriodSeconds: utilization.sourcePeriodSeconds ?? utilization.periodSeconds,
  };

  if (segments.every((s) => sameSize(s.alloc, currentAlloc))) {
    return {
      ...base,
      cpuMaximum: utilization.cpuMaximum,
      cpuAverage: utilization.cpuAverage,
      memoryMaximum: utilization.memoryMaximum,
      memoryAverage: utilization.memoryAverage,
      droppedPoints: 0,
      summary: utilization.summary,
    };
  }

  const cpuMaximum = new Float64Array(n);
  const cpuAverage = new Float64Array(n);
  const memoryMaximum = new Float64Array(n);
  const memoryAverage = new Float64Array(n);
  let dropped = 0;
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k]!;
    const end = k + 1 < segments.length ? segments[k + 1]!.fromIndex : n;
    const cpuScale = seg.alloc?.cpu && currentAlloc.cpu ? seg.alloc.cpu / currentAlloc.cpu : Number.NaN;
    const memScale = seg.alloc?.memory && currentAlloc.memory ? seg.alloc.memory / currentAlloc.memory : Number.NaN;
    for (let i = seg.fromIndex; i < end; i++) {
      cpuMaximum[i] = utilization.cpuMaximum[i]! * cpuScale;
      cpuAverage[i] = utilization.cpuAverage[i]! * cpuScale;
      memoryMaximum[i] = utilization.memoryMaximum[i]! * memScale;
      memoryAverage[i] = utilization.memoryAverage[i]! * memScale;
      if (Number.isNaN(cpuScale) && !Number.isNaN(utilization.cpuMaximum[i]!)) dropped++;
    }
  }
  return { ...base, cpuMaximum, cpuAverage, memoryMaximum, memoryAverage, droppedPoints: dropped, summary: undefined };
}
