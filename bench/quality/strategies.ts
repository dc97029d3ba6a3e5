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

/** KRR's runner minimums (`--cpu-min 10m`, `--mem-min 100Mi`) and rounding up to 1 m and 1 MiB (peers.md §1). */
export const KRR_MIN = { cpu: 0.01 * 1024, memory: 100 };
const roundUp = (x: number, step: number) => Math.ceil(x / step - 1e-9) * step;

/** KRR `simple`: CPU p95 with no headroom; memory max + 15 % (peers.md §1); its minimums and rounding. */
export const krrSimple: Strategy = (w) => ({
  cpu: Math.max(KRR_MIN.cpu, roundUp(percentile(w.cpuUsed, 95), 1.024)),
  memory: Math.max(KRR_MIN.memory, roundUp(max(w.memUsed) * 1.15, 1)),
});

/** The VPA histogram's bucket edges (util/histogram_options.go): bucket b starts at first × (r^b − 1) ÷ (r − 1). */
export const vpaBucketStart = (b: number, first: number, ratio = 1.05): number => (b === 0 ? 0 : (first * (ratio ** b - 1)) / (ratio - 1));
/** The bucket a value falls in: floor(log_r(value × (r − 1) ÷ first + 1)); below the first bucket's size, bucket 0. */
export const vpaBucketOf = (v: number, first: number, ratio = 1.05): number =>
  v < first ? 0 : Math.floor(Math.log((v * (ratio - 1)) / first + 1) / Math.log(ratio) + 1e-12);

/**
 * A weighted percentile over the VPA recommender's decaying exponential histogram: buckets growing 5 %
 * (edges as above), each sample weighted 2^((t − tEnd) / halfLife), the answer the END of the bucket where
 * the cumulative weight reaches p (histogram.go's Percentile returns the next bucket's start).
 */
export function decayingPercentile(
  values: ArrayLike<number>,
  times: ArrayLike<number>,
  p: number,
  halfLifeMs: number,
  firstBucket: number,
): number {
  const ratio = 1.05;
  const bucketOf = (v: number) => vpaBucketOf(v, firstBucket, ratio);
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
    if (acc >= (p / 100) * total) return vpaBucketStart(b + 1, firstBucket, ratio);
  }
  return Number.NaN;
}

const DAY = 86_400_000;

/** VPA's per-pod minimums: 25 millicores and 250 MiB (`pod-recommendation-min-memory-mb` 250 × 1024 × 1024 bytes). */
export const VPA_MIN = { cpu: 0.025 * 1024, memory: 250 };

/**
 * The VPA recommender (peers.md §2): CPU p90 of a decaying histogram (24 h half-life) × 1.15; memory
 * p90 of a decaying histogram of daily peaks (every day of the window, 24 h half-life) × 1.15; the
 * histograms' first buckets 0.01 core and 10 MB; floors of 25 millicores and 250 MiB.
 */
export const vpa: Strategy = (w) => {
  const n = w.cpuUsed.length;
  const times = Float64Array.from({ length: n }, (_, i) => w.startMs + i * w.periodSeconds * 1000);
  const cpu = decayingPercentile(w.cpuUsed, times, 90, DAY, 0.01 * 1024) * 1.15;
  const endMs = w.startMs + n * w.periodSeconds * 1000;
  const peaks: number[] = [];
  const peakTimes: number[] = [];
  const days = Math.ceil((n * w.periodSeconds * 1000) / DAY);
  for (let d = 1; d <= days; d++) {
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
  return { cpu: Math.max(cpu, VPA_MIN.cpu), memory: Math.max(memory, VPA_MIN.memory) };
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
