// npm run bench:collect — `ecs-advisor collect` against the loopback stand-in with AWS-like latency
// (20–50 ms a call), GetMetricData's quotas (50 TPS and 396,000 datapoints a second) and ECS's request
// buckets (50 burst, 20 a second for each group of read actions), all enforced by the stand-in; answers take
// 0.1 ms longer per 1,000 datapoints. For 1,000, 10,000 and 50,000 services over 14 days: API calls per
// operation, wall time and peak RSS, each next to its lower bound. The bound is worked out here from AWS's
// published quotas, not from the collector's constants, at the period the run chose (--max-duration's
// default 10 minutes): the longer of GetMetricData's time and the busiest ECS group's.
// Then many account-regions at once (BENCH_FLEET, default 20x500x1d: 20 accounts × 500 services, one region
// each, a day of data, collected through --role-arn … --accounts … --concurrency 20): each account-region
// has its own quotas at the stand-in, so the wall time should be the slowest account-region's bound, not
// their sum. A day, not 14: at 14 days the 20 account-regions' quotas allow ~8 million datapoints a second
// between them, more than this 2-core machine can serve (the stand-in) and decode (the collector) at once —
// measured: every request waited past its 60-second timeout (docs/performance.md).
//   BENCH_SIZES=100,1000 npm run bench:collect     # a subset
//   BENCH_SIZES= BENCH_FLEET=20x500 npm run bench:collect   # the many-account case alone
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSnapshotFile } from "../src/collect/file.js";
// The stand-in's grouping of ECS actions (what it throttles on), not the collector's.
import { ECS_GROUPS } from "../test/standin/server.js";

const ROOT = join(fileURLToPath(import.meta.url), "..", "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const SIZES = (process.env.BENCH_SIZES ?? "1000,10000,50000").split(",").filter(Boolean).map(Number);
const [fleetAccounts = "20", fleetServices = "500", fleetLookback = "1d"] = (process.env.BENCH_FLEET ?? "20x500x1d").split("x");
const [FLEET_ACCOUNTS, FLEET_SERVICES, FLEET_DAYS] = [
  Number(fleetAccounts),
  Number(fleetServices),
  Number(fleetLookback.replace(/d$/, "")),
];
const DAYS = 14;
/** GetMetricData's published quotas (CloudWatch quotas page; aws-facts §4.1), written out here on purpose. */
const TPS = 50;
const DPS = 396_000;
const QUERIES_PER_CALL = 500;
const POINTS_PER_CALL = 100_800;
/**
 * ECS's request throttling ("Request throttling for the Amazon ECS API"; aws-facts §4.1b): cluster reads 50
 * burst, 20 a second. Our sources give no other group's figures, so the stand-in throttles every read group
 * at these (an assumption shared with the collector, and said so in docs/performance.md).
 */
const ECS_BURST = 50;
const ECS_PER_SECOND = 20;
/** The least time ECS's buckets allow for these calls: the busiest group's calls beyond its burst at its rate. */
function ecsBoundSeconds(calls: Record<string, number>): { seconds: number; group: string } {
  const byGroup = new Map<string, number>();
  for (const [action, n] of Object.entries(calls)) {
    const g = ECS_GROUPS[action.replace(/^ecs:/, "")];
    if (action.startsWith("ecs:") && g) byGroup.set(g, (byGroup.get(g) ?? 0) + n);
  }
  let worst = { seconds: 0, group: "-" };
  for (const [group, n] of byGroup) {
    const seconds = Math.max(0, n - ECS_BURST) / ECS_PER_SECOND;
    if (seconds > worst.seconds) worst = { seconds, group };
  }
  return worst;
}
/** Issue #14's goals: calls and wall time against the quota bound; peak RSS < 1 GB up to 10,000 services, 2.5 GB at 50,000. */
const GOALS = { calls: 1.05, wall: 1.15 };
const rssGoalMb = (services: number) => (services > 10_000 ? 2560 : 1024);

if (!existsSync(CLI)) {
  console.error("bench:collect: dist/ is missing; run `npm run build` first");
  process.exit(2);
}

async function startStandin(services: number, nowMs: number, fleet = 0): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "bench", "standin-process.ts"),
      ...(fleet ? [`fleet:${fleet}`] : []),
      String(services),
      String(nowMs),
      "20",
      "50",
      String(TPS),
      String(DPS),
      String(ECS_BURST),
      String(ECS_PER_SECOND),
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    child.once("exit", (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

interface Row {
  services: number;
  wallS: number;
  rssMb: number;
  calls: Record<string, number>;
  throttled: number;
  gmdBound: number;
  gmdSeconds: number;
  ecs: { seconds: number; group: string };
  wallBound: number;
  period: number;
}

/** One account-region's least time within its quotas: GetMetricData's calls and datapoints, the busiest ECS group's calls. */
function quotaBound(services: number, period: number, calls: Record<string, number>, days = DAYS) {
  const points = (days * 86400) / period;
  const queries = services * 5;
  const perCall = Math.min(QUERIES_PER_CALL, Math.floor(POINTS_PER_CALL / points));
  const gmdBound = Math.ceil(queries / perCall);
  const gmdSeconds = Math.max(gmdBound / TPS, (queries * points) / DPS);
  const ecs = ecsBoundSeconds(calls);
  return { gmdBound, gmdSeconds, ecs, wallBound: Math.max(gmdSeconds, ecs.seconds) };
}

/** Run the built CLI under /usr/bin/time: wall seconds, peak RSS (MB), and what it printed. */
function timedCli(args: string[], dir: string) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, CLI, ...args], {
    encoding: "utf8",
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      ECS_ADVISOR_CACHE_DIR: join(dir, "cache"),
      AWS_EC2_METADATA_DISABLED: "true",
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`collect failed (${r.status}): ${r.stderr}`);
  return { wallS, rssMb: Number(r.stderr.trim().split("\n").pop()) / 1024, stderr: r.stderr };
}

const rows: Row[] = [];
for (const services of SIZES) {
  const nowMs = Date.now();
  const standin = await startStandin(services, nowMs);
  const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-bench-"));
  try {
    const { wallS, rssMb } = timedCli(
      ["collect", "--endpoint-url", standin.url, "--region", "us-east-1", "--lookback", `${DAYS}d`, "--out", join(dir, "s.json.gz")],
      dir,
    );
    const stats = (await (await fetch(`${standin.url}/__standin/calls`)).json()) as { calls: Record<string, number>; throttled: number };
    // The period the run read CloudWatch at: the snapshot's source period.
    const snap = readSnapshotFile(join(dir, "s.json.gz"));
    const period = snap.services.find((x) => x.utilization)?.utilization?.sourcePeriodSeconds ?? snap.window.periodSeconds;
    const { gmdBound, gmdSeconds, ecs, wallBound } = quotaBound(services, period, stats.calls);
    rows.push({ services, wallS, rssMb, calls: stats.calls, throttled: stats.throttled, gmdBound, gmdSeconds, ecs, wallBound, period });
    process.stderr.write(`  ${services} services: ${wallS.toFixed(1)} s, ${rssMb.toFixed(0)} MB\n`);
  } finally {
    standin.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `\nbench:collect — \`ecs-advisor collect\`, ${DAYS} days, against the loopback stand-in (20–50 ms a call, GetMetricData ${TPS} TPS and ${DPS.toLocaleString("en-US")} datapoints/s, ECS ${ECS_BURST} burst and ${ECS_PER_SECOND}/s per group), Node ${process.version}\n`,
);
console.log(
  "| services | period | GetMetricData calls (bound, ratio) | GetMetricData bound | ECS bound (busiest group) | wall time (quota bound, ratio) | peak RSS | throttled | other calls |",
);
console.log("|---:|---:|---|---:|---|---|---:|---:|---|");
let ok = true;
for (const r of rows) {
  const gmd = r.calls["cloudwatch:GetMetricData"] ?? 0;
  const callRatio = gmd / r.gmdBound;
  const wallRatio = r.wallS / r.wallBound;
  const others = Object.entries(r.calls)
    .filter(([k]) => k !== "cloudwatch:GetMetricData")
    .map(([k, v]) => `${k.replace(/^[a-z-]+:/, "")} ${v}`)
    .join(", ");
  ok &&= callRatio <= GOALS.calls && r.rssMb < rssGoalMb(r.services) && wallRatio <= GOALS.wall && r.throttled === 0;
  console.log(
    `| ${r.services.toLocaleString("en-US")} | ${r.period} s | ${gmd} (≥ ${r.gmdBound}, ${callRatio.toFixed(2)}×) | ${r.gmdSeconds.toFixed(1)} s | ${r.ecs.seconds.toFixed(1)} s (${r.ecs.group}) | ${r.wallS.toFixed(1)} s (≥ ${r.wallBound.toFixed(1)} s, ${wallRatio.toFixed(2)}×) | ${r.rssMb.toFixed(0)} MB | ${r.throttled} | ${others} |`,
  );
}
console.log(
  `\ngoals: GetMetricData calls ≤ ${GOALS.calls}× the bound; wall ≤ ${GOALS.wall}× the quota bound (the longer of GetMetricData's — calls ÷ ${TPS}, datapoints ÷ ${DPS.toLocaleString("en-US")} — and the busiest ECS group's, calls beyond ${ECS_BURST} ÷ ${ECS_PER_SECOND}); GetMetricData calls ≥ the bound, and none throttled; peak RSS < 1,024 MB (2,560 MB above 10,000 services)`,
);

if (FLEET_ACCOUNTS > 0) ok = (await fleetCase()) && ok;
console.log(ok ? "all goals met" : "GOALS MISSED (see the table)");
process.exit(ok ? 0 : 1);

/** Many accounts at once: wall time against the slowest account-region's quota bound, and against their sum. */
async function fleetCase(): Promise<boolean> {
  const nowMs = Date.now();
  const accounts = Array.from({ length: FLEET_ACCOUNTS }, (_, i) => String(100_000_000_001 + i));
  const standin = await startStandin(FLEET_SERVICES, nowMs, FLEET_ACCOUNTS);
  const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-bench-"));
  try {
    const out = join(dir, "estate.json.gz");
    const run = timedCli(
      [
        "collect",
        "--endpoint-url",
        standin.url,
        "--role-arn",
        "arn:aws:iam::{account}:role/EcsAdvisorReadOnly",
        "--accounts",
        accounts.join(","),
        "--region",
        "us-east-1",
        "--concurrency",
        String(FLEET_ACCOUNTS),
        "--lookback",
        `${FLEET_DAYS}d`,
        "--out",
        out,
      ],
      dir,
    );
    process.stderr.write(
      `  ${FLEET_ACCOUNTS} account-regions × ${FLEET_SERVICES} services: ${run.wallS.toFixed(1)} s, ${run.rssMb.toFixed(0)} MB\n`,
    );
    const stats = (await (await fetch(`${standin.url}/__fleet/calls`)).json()) as Record<
      string,
      { calls: Record<string, number>; throttled: number }
    >;
    const { readEstateFile } = await import("../src/collect/file.js");
    const estate = readEstateFile(out);
    const bounds = estate.parts.map((p) => {
      const period = p.services.find((x) => x.utilization)?.utilization?.sourcePeriodSeconds ?? p.window.periodSeconds;
      return { period, ...quotaBound(p.services.length, period, stats[`${p.source.accountId}/${p.source.region}`]!.calls, FLEET_DAYS) };
    });
    const slowest = Math.max(...bounds.map((b) => b.wallBound));
    const sum = bounds.reduce((a, b) => a + b.wallBound, 0);
    const throttled = Object.values(stats).reduce((a, s) => a + s.throttled, 0);
    const ratio = run.wallS / slowest;
    const met = estate.parts.length === FLEET_ACCOUNTS && estate.gaps.length === 0 && ratio <= GOALS.wall && throttled === 0;
    console.log(
      `\nmany accounts — ${FLEET_ACCOUNTS} account-regions × ${FLEET_SERVICES.toLocaleString("en-US")} services, ${FLEET_DAYS} day${FLEET_DAYS === 1 ? "" : "s"} of data, collected at once (--concurrency ${FLEET_ACCOUNTS}), each with its own quotas at the stand-in\n`,
    );
    console.log(
      "| account-regions | services | periods | wall time | slowest account-region's bound (ratio) | sum of the bounds | peak RSS | throttled | gaps |",
    );
    console.log("|---:|---:|---|---:|---|---:|---:|---:|---:|");
    console.log(
      `| ${estate.parts.length} | ${(FLEET_ACCOUNTS * FLEET_SERVICES).toLocaleString("en-US")} | ${[...new Set(bounds.map((b) => `${b.period} s`))].join(", ")} | ${run.wallS.toFixed(1)} s | ${slowest.toFixed(1)} s (${ratio.toFixed(2)}×) | ${sum.toFixed(1)} s | ${run.rssMb.toFixed(0)} MB | ${throttled} | ${estate.gaps.length} |`,
    );
    console.log(
      `\ngoal: wall ≤ ${GOALS.wall}× the slowest account-region's quota bound (not the sum); every account-region collected; none throttled`,
    );
    return met;
  } finally {
    standin.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
