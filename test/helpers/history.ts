// A History (what the advisor reads after buildHistory) made directly from functions of the period
// index, for tests of the parts that read one: autoscaling advice, usage series.
import type { History } from "../../src/advisor/history.js";

export interface HistoryParts {
  startMs: number;
  periodSeconds: number;
  length: number;
  cpuMaximum: (i: number) => number;
  cpuAverage?: (i: number) => number;
  memoryMaximum: (i: number) => number;
  memoryAverage?: (i: number) => number;
  runningTasks: (i: number) => number;
}

export function makeHistory(p: HistoryParts): History {
  const arr = (f: (i: number) => number) => Float64Array.from({ length: p.length }, (_, i) => f(i));
  return {
    startMs: p.startMs,
    periodSeconds: p.periodSeconds,
    length: p.length,
    cpuAverage: arr(p.cpuAverage ?? p.cpuMaximum),
    cpuMaximum: arr(p.cpuMaximum),
    memoryAverage: arr(p.memoryAverage ?? p.memoryMaximum),
    memoryMaximum: arr(p.memoryMaximum),
    runningTasks: arr(p.runningTasks),
    deploymentIndexes: [],
    deploymentsInWindow: 0,
    lastDeploymentMs: undefined,
    sizeChanges: [],
    droppedPoints: 0,
    summary: undefined,
    sourcePeriodSeconds: p.periodSeconds,
  };
}
