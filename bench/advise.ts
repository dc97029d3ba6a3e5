// npm run bench:advise — the advisor over a 10,000-service snapshot whose EC2 cluster runs 10,000 tasks
// on ~1,300 container instances, packed against a price book of 500 instance types (issue #4: under 2 s).
// The snapshot is built in memory, seeded, so every run measures the same work.
import { advise } from "../src/advisor/advise.js";
import { hostScaling, type ClusterService } from "../src/advisor/hosts.js";
import { DEFAULT_POLICY } from "../src/advisor/policy.js";
import { bundledPrices } from "../src/collect/pricebook.js";
import { chooseStoragePeriod, fold, summarize } from "../src/collect/series.js";
import type { ContainerInstance, Prices, Service, Snapshot, TaskDefinition } from "../src/model/snapshot.js";
import { taskDefinitionRef } from "../src/model/snapshot.js";

const SERVICES = Number(process.env.BENCH_SERVICES ?? 10_000);
const TYPES = 500;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BOUND_S = 2;
const DAYS = 14;
const FETCH = 60;
// What collection stores for an estate this size: 60 s data folded to a coarser period within its
// memory budget, with exact 60 s quantiles kept beside (src/collect/series.ts; docs/snapshot.md).
const PERIOD = chooseStoragePeriod(SERVICES, DAYS * 86_400, FETCH);
const FACTOR = PERIOD / FETCH;
const END = Date.parse("2026-11-16T00:00:00Z");
const POINTS = (DAYS * 86_400) / PERIOD;
const RAW = (DAYS * 86_400) / FETCH;

let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

function series(level: number, swing: number, tasks: number): NonNullable<Service["utilization"]> {
  const raw = (f: (i: number) => number) => {
    const out = new Float32Array(RAW);
    for (let i = 0; i < RAW; i++) out[i] = f(i);
    return out;
  };
  const daily = (i: number) => 0.5 - 0.5 * Math.cos((2 * Math.PI * ((i * FETCH) % 86_400)) / 86_400);
  const cpu = raw((i) => Math.max(0.5, level * (1 - swing + swing * daily(i)) + 3 * (rand() - 0.5)));
  const mem = raw(() => level * 0.8 + 2 * rand());
  const cpuAverage = cpu.map((v) => v * 0.85);
  const memoryAverage = mem.map((v) => v * 0.95);
  return {
    start: new Date(END - RAW * FETCH * 1000).toISOString(),
    periodSeconds: PERIOD,
    ...(FACTOR > 1
      ? {
          sourcePeriodSeconds: FETCH,
          summary: {
            cpuAverage: summarize(cpuAverage),
            cpuMaximum: summarize(cpu),
            memoryAverage: summarize(memoryAverage),
            memoryMaximum: summarize(mem),
          },
        }
      : {}),
    cpuAverage: fold(cpuAverage, FACTOR, "mean"),
    cpuMaximum: fold(cpu, FACTOR, "max"),
    memoryAverage: fold(memoryAverage, FACTOR, "mean"),
    memoryMaximum: fold(mem, FACTOR, "max"),
    runningTasks: fold(
      raw(() => tasks),
      FACTOR,
      "mean",
    ),
  };
}

// Building 10,000 × 5 series of 20,160 minutes each would take minutes; services share a pool of
// distinct series instead (the advisor only reads them), so each service is still advised in full.
const POOL = 200;
const pool = new Map<number, Array<NonNullable<Service["utilization"]>>>();
function pooledSeries(tasks: number): NonNullable<Service["utilization"]> {
  let list = pool.get(tasks);
  if (!list) {
    list = [];
    pool.set(tasks, list);
  }
  if (list.length < POOL / 4) {
    const made = series(10 + rand() * 60, rand() * 0.8, tasks);
    list.push(made);
    return made;
  }
  return pick(list);
}

function buildSnapshot(): { snapshot: Snapshot; prices: Prices } {
  const all = bundledPrices();
  // 500 types, the two the fleet runs on among them.
  const names = Object.keys(all.ec2).sort();
  const chosen = new Set(["m5.xlarge", "c5.2xlarge"]);
  for (let k = 0; chosen.size < TYPES && k < names.length; k += Math.max(1, Math.floor(names.length / TYPES))) chosen.add(names[k]!);
  for (const n of names) if (chosen.size < TYPES) chosen.add(n);
  const prices: Prices = { ...all, ec2: Object.fromEntries([...chosen].map((n) => [n, all.ec2[n]!])) };

  const services: Service[] = [];
  const taskDefinitions: TaskDefinition[] = [];
  const ec2Tasks: Array<{ cpu: number; memory: number }> = [];
  for (let k = 0; k < SERVICES; k++) {
    const ec2 = k % 2 === 0;
    const cluster = ec2 ? "bench-ec2" : `bench-fargate-${k % 10}`;
    const [cpu, memory] = pick([
      [256, 512],
      [512, 1024],
      [1024, 2048],
      [1024, 4096],
      [2048, 4096],
    ] as const);
    const tasks = ec2 ? 2 : 1 + Math.floor(rand() * 4);
    const td: TaskDefinition = {
      family: `svc-${k}`,
      revision: 1,
      cpu,
      memory,
      networkMode: ec2 ? "bridge" : "awsvpc",
      cpuArchitecture: "X86_64",
      operatingSystemFamily: "LINUX",
      containers: [{ name: "app" }],
    };
    taskDefinitions.push(td);
    if (ec2) for (let t = 0; t < tasks; t++) ec2Tasks.push({ cpu, memory });
    services.push({
      cluster,
      name: `svc-${k}`,
      ...(ec2 ? { launchType: "EC2" as const } : { launchType: "FARGATE" as const }),
      taskDefinition: taskDefinitionRef(td),
      desiredCount: tasks,
      runningCount: tasks,
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      deployments: [],
      deploymentHistory: "complete",
      stoppedTasks: [],
      utilization: pooledSeries(tasks),
    });
  }

  // First-fit the EC2 tasks onto m5.xlarge and c5.2xlarge hosts.
  const reg = { "m5.xlarge": { cpu: 4096, memory: 15_464 }, "c5.2xlarge": { cpu: 8192, memory: 15_206 } } as const;
  const containerInstances: ContainerInstance[] = [];
  let host: ContainerInstance | undefined;
  for (const t of ec2Tasks) {
    if (!host || host.remaining.cpu < t.cpu || host.remaining.memory < t.memory) {
      const type = containerInstances.length % 3 === 2 ? "c5.2xlarge" : "m5.xlarge";
      host = {
        cluster: "bench-ec2",
        id: `ci-${containerInstances.length}`,
        instanceType: type,
        status: "ACTIVE",
        agentConnected: true,
        registered: { ...reg[type] },
        remaining: { ...reg[type] },
        runningTasks: 0,
      };
      containerInstances.push(host);
    }
    host.remaining.cpu -= t.cpu;
    host.remaining.memory -= t.memory;
    host.runningTasks = (host.runningTasks ?? 0) + 1;
  }

  const snapshot: Snapshot = {
    schemaVersion: 1,
    collectedAt: new Date(END).toISOString(),
    source: { kind: "synthetic", region: "us-east-1" },
    window: { start: new Date(END - DAYS * 86_400_000).toISOString(), end: new Date(END).toISOString(), periodSeconds: PERIOD },
    clusters: [],
    services,
    taskDefinitions,
    containerInstances,
    prices,
    issues: [],
  };
  return { snapshot, prices };
}

const { snapshot, prices } = buildSnapshot();
const ec2Tasks = snapshot.services.filter((s) => s.launchType === "EC2").reduce((a, s) => a + s.runningCount, 0);

const adviseTimes: number[] = [];
const packTimes: number[] = [];
let report: ReturnType<typeof advise> | undefined;
for (let r = 0; r < RUNS + 1; r++) {
  const t0 = performance.now();
  report = advise({
    snapshot,
    prices,
    policy: DEFAULT_POLICY,
    generatedAt: snapshot.collectedAt,
    sourceKind: "snapshot",
    toolVersion: "bench",
  });
  const t1 = performance.now();
  // The host-scaling and packing step alone, for the EC2 cluster.
  const findings = new Map(report.services.map((f) => [`${f.cluster}/${f.service}`, f]));
  const tds = new Map(snapshot.taskDefinitions.map((td) => [taskDefinitionRef(td), td]));
  const members: ClusterService[] = snapshot.services
    .filter((s) => s.cluster === "bench-ec2")
    .map((s) => ({ service: s, finding: findings.get(`${s.cluster}/${s.name}`)!, taskDefinition: tds.get(s.taskDefinition) }));
  const t2 = performance.now();
  hostScaling(members, snapshot.containerInstances, prices, DEFAULT_POLICY);
  const t3 = performance.now();
  if (r === 0) continue; // warm-up
  adviseTimes.push((t1 - t0) / 1000);
  packTimes.push((t3 - t2) / 1000);
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ec2 = report!.clusters.find((c) => c.cluster === "bench-ec2")!;
console.log(
  `bench:advise — advise() over ${SERVICES.toLocaleString("en-US")} services (${POINTS} points each: 14 days stored at ${PERIOD} s, as collection stores them for this many services); EC2 cluster: ${ec2Tasks.toLocaleString("en-US")} tasks on ${snapshot.containerInstances.length.toLocaleString("en-US")} instances, ${TYPES} instance types priced; ${RUNS} runs, Node ${process.version}\n`,
);
console.log("| step                                | median  | min     | max     | bound  |");
console.log("|-------------------------------------|--------:|--------:|--------:|--------|");
const row = (label: string, xs: number[], bound: string) =>
  console.log(
    `| ${label.padEnd(35)} | ${med(xs).toFixed(2).padStart(5)} s | ${Math.min(...xs)
      .toFixed(2)
      .padStart(5)} s | ${Math.max(...xs)
      .toFixed(2)
      .padStart(5)} s | ${bound.padEnd(6)} |`,
  );
row("advise(): whole report", adviseTimes, `< ${BOUND_S} s`);
row("host scaling + packing, EC2 cluster", packTimes, "—");
console.log(
  `\npacked: ${JSON.stringify(ec2.packing?.best.instanceTypes)} for $${ec2.packing?.best.monthlyUsd.toFixed(2)}/mo (${ec2.packing?.typesConsidered} types considered); now ${JSON.stringify(ec2.packing?.current.instanceTypes)} $${ec2.packing?.current.monthlyUsd.toFixed(2)}/mo`,
);
const ok = med(adviseTimes) < BOUND_S;
console.log(`${ok ? "within" : "OVER"} the bound (median ${med(adviseTimes).toFixed(2)} s vs ${BOUND_S} s)`);
process.exit(ok ? 0 : 1);
