// Right-sizing strategies to compare: ours (the real advisor), and the peers' as documented in
// ../shared/docs/peers.md. Each is a pure function from a training window to needed cpu units and MiB.
import { advise } from "../../src/advisor/advise.js";
import { resolvePolicy, type PolicyOverrides } from "../../src/advisor/policy.js";
import { max, mean, percentile } from "../../src/advisor/stats.js";
import type { Prices, Snapshot } from "../../src/model/snapshot.js";

export interface Window {
  startMs: number;
  periodSeconds: number;
  cpuUsed: Float64Array; // cpu units; NaN for a missing sample
  memUsed: Float64Array; // MiB
  /** The allocation in force at the end of the window (what runs now). */
  allocCpu: number;
  allocMem: number;
}

export interface Sizes {
  cpu: number;
  memory: number;
}

export type Strategy = (w: Window) => Sizes;

/** Keep what runs now. */
export const asIs: Strategy = (w) => ({ cpu: w.allocCpu, memory: w.allocMem });

/** The Duolingo formula on the average: allocated × mean utilization ÷ 60 % (= mean usage ÷ 0.6). */
export const seedMean: Strategy = (w) => ({ cpu: mean(w.cpuUsed) / 0.6, memory: mean(w.memUsed) / 0.6 });

/** KRR `simple`: CPU p95 with no headroom; memory max + 15 % (peers.md §1). */
export const krrSimple: Strategy = (w) => ({ cpu: percentile(w.cpuUsed, 95), memory: max(w.memUsed) * 1.15 });

/**
 * A weighted percentile over an exponential histogram like the VPA recommender's: buckets growing 5 %
 * from `firstBucket`, each sample weighted 2^((t − tEnd) / halfLife), the answer the upper edge of the
 * bucket where the cumulative weight reaches p.
 */
export function decayingPercentile(
  values: ArrayLike<number>,
  times: ArrayLike<number>,
  p: number,
  halfLifeMs: number,
  firstBucket: number,
): number {
  const ratio = 1.05;
  const bucketOf = (v: number) => (v <= firstBucket ? 0 : Math.ceil(Math.log(v / firstBucket) / Math.log(ratio)));
  const end = Math.max(...Array.from(times));
  const weights = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const w = 2 ** ((times[i]! - end) / halfLifeMs);
    const b = bucketOf(v);
    weights.set(b, (weights.get(b) ?? 0) + w);
    total += w;
  }
  if (total === 0) return Number.NaN;
  let acc = 0;
  for (const b of [...weights.keys()].sort((a, c) => a - c)) {
    acc += weights.get(b)!;
    if (acc >= (p / 100) * total) return firstBucket * ratio ** b;
  }
  return Number.NaN;
}

const DAY = 86_400_000;

/**
 * The VPA recommender (peers.md §2): CPU p90 of a decaying histogram (24 h half-life) × 1.15; memory
 * p90 of the daily peaks of the last 8 days (24 h half-life) × 1.15; floors of 25 millicores and 250 MB.
 */
export const vpa: Strategy = (w) => {
  const n = w.cpuUsed.length;
  const times = Float64Array.from({ length: n }, (_, i) => w.startMs + i * w.periodSeconds * 1000);
  const cpu = decayingPercentile(w.cpuUsed, times, 90, DAY, 0.01 * 1024) * 1.15;
  const endMs = w.startMs + n * w.periodSeconds * 1000;
  const peaks: number[] = [];
  const peakTimes: number[] = [];
  for (let d = 1; d <= 8; d++) {
    const from = endMs - d * DAY;
    let peak = Number.NaN;
    for (let i = 0; i < n; i++) {
      const t = times[i]!;
      if (t >= from && t < from + DAY && !Number.isNaN(w.memUsed[i]!))
        peak = Number.isNaN(peak) ? w.memUsed[i]! : Math.max(peak, w.memUsed[i]!);
    }
    if (!Number.isNaN(peak)) {
      peaks.push(peak);
      peakTimes.push(from + DAY - 1);
    }
  }
  const memory = decayingPercentile(peaks, peakTimes, 90, DAY, 10e6 / 1048576) * 1.15;
  return { cpu: Math.max(cpu, 0.025 * 1024), memory: Math.max(memory, 250e6 / 1048576) };
};

const UNUSED_PRICES: Prices = {
  currency: "USD",
  region: "us-east-1",
  source: "quality bench",
  asOf: "-",
  fargate: { linuxX86: { vcpuHour: 0.04048, gbHour: 0.004445 }, linuxArm64: { vcpuHour: 0.03238, gbHour: 0.00356 }, ephemeralGbHour: 0 },
  ec2: {},
};

/**
 * ecs-advisor itself: the window becomes a one-service snapshot (EC2 launch type, so sizes are not
 * snapped to Fargate steps) and goes through the real advisor. Usage is given as a percentage of the
 * current allocation, which the advisor turns back into exactly the units used.
 */
export function ecsAdvisor(overrides: PolicyOverrides = {}): Strategy {
  const policy = resolvePolicy(overrides);
  return (w) => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const pct = (xs: Float64Array, alloc: number) => Float32Array.from(xs, (v) => (v / alloc) * 100);
    const n = w.cpuUsed.length;
    const endMs = w.startMs + n * w.periodSeconds * 1000;
    const cpu = pct(w.cpuUsed, w.allocCpu);
    const mem = pct(w.memUsed, w.allocMem);
    const snapshot: Snapshot = {
      schemaVersion: 1,
      collectedAt: iso(endMs),
      source: { kind: "synthetic", region: "us-east-1" },
      window: { start: iso(w.startMs), end: iso(endMs), periodSeconds: w.periodSeconds },
      clusters: [],
      services: [
        {
          cluster: "trace",
          name: "svc",
          launchType: "EC2",
          taskDefinition: "svc:1",
          desiredCount: 1,
          runningCount: 1,
          deployments: [],
          deploymentHistory: "complete",
          stoppedTasks: [],
          utilization: {
            start: iso(w.startMs),
            periodSeconds: w.periodSeconds,
            cpuAverage: cpu,
            cpuMaximum: cpu,
            memoryAverage: mem,
            memoryMaximum: mem,
            runningTasks: Float32Array.from(cpu, (v) => (Number.isNaN(v) ? Number.NaN : 1)),
          },
        },
      ],
      taskDefinitions: [
        {
          family: "svc",
          revision: 1,
          cpu: w.allocCpu,
          memory: w.allocMem,
          cpuArchitecture: "X86_64",
          operatingSystemFamily: "LINUX",
          containers: [{ name: "app" }],
        },
      ],
      containerInstances: [],
      issues: [],
    };
    const f = advise({ snapshot, prices: UNUSED_PRICES, policy, generatedAt: iso(endMs), sourceKind: "snapshot", toolVersion: "bench" })
      .services[0]!;
    return f.recommended ? { cpu: f.recommended.cpu, memory: f.recommended.memory } : { cpu: w.allocCpu, memory: w.allocMem };
  };
}
