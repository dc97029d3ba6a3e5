// npm run bench:quality -- --traces <file-or-dir> [--train-days 14] [--test-days 7] [--step-days 7] [--out DIR]
// Rolling-origin evaluation of right-sizing strategies on real utilization traces (issue #7): the
// table in the terminal, and quality.json and quality.html in --out (default .bench-out/).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { bundledPrices } from "../../src/collect/pricebook.js";
import { evaluate, frontier, PEAK_FACTORS, type Summary } from "./evaluate.js";
import { qualityPage } from "./html.js";
import { asIs, ecsAdvisor, krrSimple, seedMean, vpa, type Strategy } from "./strategies.js";
import { readTraces } from "./traces.js";

const { values } = parseArgs({
  options: {
    traces: { type: "string", default: "../shared/data/traces" },
    "train-days": { type: "string", default: "14" },
    "test-days": { type: "string", default: "7" },
    "step-days": { type: "string", default: "7" },
    out: { type: "string", default: ".bench-out" },
  },
});

const DEFAULT = "ecs-advisor";
const d = DEFAULT_POLICY;
const BASELINES = ["as-is", "seed-mean", "krr-simple", "vpa"];
export const STRATEGIES: Record<string, Strategy> = {
  "as-is": asIs,
  "seed-mean": seedMean,
  "krr-simple": krrSimple,
  vpa,
  [DEFAULT]: ecsAdvisor(),
  // Variants around the default, one knob at a time (docs/recommendation-quality.md).
  "cpu p95@60 (seed target)": ecsAdvisor({ cpu: { target: 60 } }),
  [`cpu p90@${d.cpu.target}`]: ecsAdvisor({ cpu: { percentile: 90 } }),
  [`cpu p99@${d.cpu.target}`]: ecsAdvisor({ cpu: { percentile: 99 } }),
  "cpu p95@100": ecsAdvisor({ cpu: { target: 100 } }),
  "memory peak@90": ecsAdvisor({ memory: { target: 90 } }),
  [`memory p99.9@${d.memory.target}`]: ecsAdvisor({ memory: { percentile: 99.9 } }),
  "memory peak@70": ecsAdvisor({ memory: { target: 70 } }),
};

const t0 = performance.now();
const traces = readTraces(values.traces!);
const opts = { trainDays: Number(values["train-days"]), testDays: Number(values["test-days"]), stepDays: Number(values["step-days"]) };
const { results, summaries } = evaluate(traces, STRATEGIES, opts, bundledPrices());
const seconds = (performance.now() - t0) / 1000;

const pct = (x: number) => (Number.isNaN(x) ? "  –  " : (x * 100).toFixed(1).padStart(5));
const asIsUsd = summaries["as-is"]!.monthlyUsd;
const windows = summaries[DEFAULT]!.windows;
const withMemory = summaries[DEFAULT]!.seriesWithMemory;
console.log(
  `bench:quality — ${traces.length} series from ${values.traces} (${withMemory} with a memory metric), ${windows} windows (train ${opts.trainDays} d, test the next ${opts.testDays} d, every ${opts.stepDays} d); ${seconds.toFixed(1)} s\n`,
);
console.log(
  "| strategy | CPU slack % (p50, p90) | CPU overrun, % of intervals | CPU unmet, % of demand | memory slack % (p50, p90) | memory overrun % (p90) | series with a memory overrun | Fargate $/mo (vs as-is) |",
);
console.log("|---|---|---|---|---|---|---:|---|");
for (const [name, s] of Object.entries(summaries)) {
  const bold = name === DEFAULT ? "**" : "";
  console.log(
    `| ${bold}${name}${bold} | ${pct(s.cpuSlack.mean)} (${pct(s.cpuSlack.p50).trim()}, ${pct(s.cpuSlack.p90).trim()}) | ${pct(s.cpuOverrun.mean)} | ${pct(s.cpuUnmet.mean)} | ${pct(s.memSlack.mean)} (${pct(s.memSlack.p50).trim()}, ${pct(s.memSlack.p90).trim()}) | ${pct(s.memOverrun.mean)} (${pct(s.memOverrun.p90).trim()}) | ${s.seriesWithMemOverrun} of ${withMemory} | $${s.monthlyUsd.toFixed(0)} (${(((s.monthlyUsd - asIsUsd) / asIsUsd) * 100).toFixed(0)} %) |`,
  );
}

// Memory is scored on 5-minute averages; real peaks are higher. The same recommendations, scored against
// usage × 1.1 and × 1.25.
console.log(
  `\nmemory sensitivity: scored against the 5-minute averages × ${PEAK_FACTORS.join(", × ")} (series with an overrun / overrun % / slack %)\n`,
);
console.log(`| strategy | ${PEAK_FACTORS.map((f) => `× ${f}`).join(" | ")} |`);
console.log(`|---|${PEAK_FACTORS.map(() => "---").join("|")}|`);
for (const [name, s] of Object.entries(summaries)) {
  const bold = name === DEFAULT ? "**" : "";
  console.log(
    `| ${bold}${name}${bold} | ${s.memSensitivity.map((m) => `${m.seriesWithOverrun} / ${pct(m.overrun).trim()} / ${pct(m.slack).trim()}`).join(" | ")} |`,
  );
}

// The goals of issue #19, checked. CPU overruns are unmet demand; memory's are overrun windows and series.
const ours = summaries[DEFAULT]!;
const base = (n: string) => summaries[n]!;
const PEERS = ["krr-simple", "vpa", "seed-mean"];
const VARIANTS = Object.keys(STRATEGIES).filter((n) => !BASELINES.includes(n));
const cpuPoint = (x: Summary) => [x.cpuSlack.mean, x.cpuUnmet.mean] as const;
const memPoint = (x: Summary) => [x.memSlack.mean, x.memOverrun.mean] as const;
/** a has no more slack and strictly fewer overruns than b. */
const beats = (a: readonly [number, number], b: readonly [number, number]) => a[0] <= b[0] && a[1] < b[1];
const below = (peer: string, point: (x: Summary) => readonly [number, number]) =>
  VARIANTS.filter((v) => beats(point(base(v)), point(base(peer))));
const krr = base("krr-simple");
const at11 = (x: Summary) => x.memSensitivity.find((m) => m.factor === 1.1)!.seriesWithOverrun;
const goals = [
  [
    "CPU: the default dominates krr-simple (no more slack, strictly less unmet demand)",
    beats(cpuPoint(ours), cpuPoint(krr)),
    `slack ${pct(ours.cpuSlack.mean).trim()} % vs ${pct(krr.cpuSlack.mean).trim()} %, unmet ${pct(ours.cpuUnmet.mean).trim()} % vs ${pct(krr.cpuUnmet.mean).trim()} %`,
  ],
  [
    "memory: the default dominates krr-simple (no more slack, strictly fewer overrun windows and series)",
    ours.memSlack.mean <= krr.memSlack.mean &&
      ours.windowsWithMemOverrun < krr.windowsWithMemOverrun &&
      ours.seriesWithMemOverrun < krr.seriesWithMemOverrun,
    `slack ${pct(ours.memSlack.mean).trim()} % vs ${pct(krr.memSlack.mean).trim()} %, windows ${ours.windowsWithMemOverrun} vs ${krr.windowsWithMemOverrun}, series ${ours.seriesWithMemOverrun} vs ${krr.seriesWithMemOverrun}`,
  ],
  ...PEERS.flatMap((peer) =>
    (["cpu", "memory"] as const).map((r) => {
      const found = below(peer, r === "cpu" ? cpuPoint : memPoint);
      return [
        `${r}: some setting of the variants run has no more slack and strictly fewer overruns than ${peer}`,
        found.length > 0,
        found.join(", ") || "none of the variants run",
      ] as const;
    }),
  ),
  [
    "memory at 1.1× the averages: the default has fewer series with an overrun than krr-simple and vpa",
    at11(ours) < at11(krr) && at11(ours) < at11(base("vpa")),
    `${at11(ours)} vs ${at11(krr)} and ${at11(base("vpa"))}`,
  ],
] as const;
console.log(`\ngoals for ${DEFAULT} (issue #19; the knob sweep is the variants above, not yet a full sweep):`);
for (const [what, ok, detail] of goals) console.log(`  ${ok ? "met   " : "MISSED"}  ${what}: ${detail}`);
console.log(`\nefficient frontier, CPU (slack, unmet demand): ${frontier(summaries, "cpu").join(", ")}`);
console.log(`efficient frontier, memory (slack, overrun): ${frontier(summaries, "mem").join(", ")}`);

mkdirSync(values.out!, { recursive: true });
const json = join(values.out!, "quality.json");
const html = join(values.out!, "quality.html");
writeFileSync(
  json,
  `${JSON.stringify({ traces: values.traces, options: opts, defaultPolicy: DEFAULT_POLICY, summaries, goals: goals.map(([what, ok, detail]) => ({ what, ok, detail })) }, null, 2)}\n`,
);
writeFileSync(
  html,
  qualityPage(
    "ecs-advisor: recommendation quality on real utilization traces",
    summaries,
    results,
    DEFAULT,
    `${traces.length} series (${withMemory} with memory), ${windows} windows: each recommendation made from ${opts.trainDays} days and scored on the ${opts.testDays} days after. Slack: allocated but unused. CPU overrun: intervals above the recommendation; unmet: the share of the demand above it. Memory overrun: intervals where usage exceeded the recommendation.`,
  ),
);
console.log(`\nwrote ${json} and ${html}`);
