// npm run bench:quality -- --traces <file-or-dir> [--train-days 14] [--test-days 7] [--step-days 7] [--out DIR]
// Rolling-origin evaluation of right-sizing strategies on real utilization traces (issue #7): the
// table in the terminal, and quality.json and quality.html in --out (default .bench-out/).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { bundledPrices } from "../../src/collect/pricebook.js";
import { evaluate, frontier, type Summary } from "./evaluate.js";
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

const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
const asIsUsd = summaries["as-is"]!.monthlyUsd;
const windows = summaries[DEFAULT]!.windows;
console.log(
  `bench:quality — ${traces.length} series from ${values.traces}, ${windows} windows (train ${opts.trainDays} d, test the next ${opts.testDays} d, every ${opts.stepDays} d); ${seconds.toFixed(1)} s\n`,
);
console.log(
  "| strategy | CPU slack % (p50, p90) | CPU overrun % (p90) | memory slack % (p50, p90) | memory overrun % (p90) | series with a memory overrun | Fargate $/mo (vs as-is) |",
);
console.log("|---|---|---|---|---|---:|---|");
for (const [name, s] of Object.entries(summaries)) {
  const bold = name === DEFAULT ? "**" : "";
  console.log(
    `| ${bold}${name}${bold} | ${pct(s.cpuSlack.mean)} (${pct(s.cpuSlack.p50).trim()}, ${pct(s.cpuSlack.p90).trim()}) | ${pct(s.cpuOverrun.mean)} (${pct(s.cpuOverrun.p90).trim()}) | ${pct(s.memSlack.mean)} (${pct(s.memSlack.p50).trim()}, ${pct(s.memSlack.p90).trim()}) | ${pct(s.memOverrun.mean)} (${pct(s.memOverrun.p90).trim()}) | ${s.seriesWithMemOverrun} of ${traces.length} | $${s.monthlyUsd.toFixed(0)} (${(((s.monthlyUsd - asIsUsd) / asIsUsd) * 100).toFixed(0)} %) |`,
  );
}

// The goals of issue #7, checked.
const ours = summaries[DEFAULT]!;
const base = (n: string) => summaries[n]!;
const dominatedBy = (r: "cpu" | "mem") =>
  BASELINES.filter((b) => {
    const s = (x: Summary) =>
      (r === "cpu" ? [x.cpuSlack.mean, x.cpuOverrun.mean] : [x.memSlack.mean, x.memOverrun.mean]) as [number, number];
    const [bs, bo] = s(base(b));
    const [os, oo] = s(ours);
    return bs <= os && bo <= oo && (bs < os || bo < oo);
  });
const goals = [
  [
    `no baseline has both less CPU slack and fewer CPU overruns`,
    dominatedBy("cpu").length === 0,
    dominatedBy("cpu").join(", ") || "none does",
  ],
  [
    `no baseline has both less memory slack and fewer memory overruns`,
    dominatedBy("mem").length === 0,
    dominatedBy("mem").join(", ") || "none does",
  ],
  [
    `fewer series with a memory overrun than krr-simple and vpa`,
    ours.seriesWithMemOverrun < base("krr-simple").seriesWithMemOverrun && ours.seriesWithMemOverrun < base("vpa").seriesWithMemOverrun,
    `${ours.seriesWithMemOverrun} vs ${base("krr-simple").seriesWithMemOverrun} and ${base("vpa").seriesWithMemOverrun}`,
  ],
  [
    `CPU overrun ≤ krr-simple's`,
    ours.cpuOverrun.mean <= base("krr-simple").cpuOverrun.mean,
    `${pct(ours.cpuOverrun.mean).trim()} % vs ${pct(base("krr-simple").cpuOverrun.mean).trim()} %`,
  ],
  [
    `at least 20 % less memory slack than vpa`,
    ours.memSlack.mean <= 0.8 * base("vpa").memSlack.mean,
    `${pct(ours.memSlack.mean).trim()} % vs ${pct(base("vpa").memSlack.mean).trim()} % (would need ≤ ${pct(0.8 * base("vpa").memSlack.mean).trim()} %)`,
  ],
] as const;
console.log(`\ngoals for ${DEFAULT} (issue #7):`);
for (const [what, ok, detail] of goals) console.log(`  ${ok ? "met   " : "MISSED"}  ${what}: ${detail}`);
console.log(`\nefficient frontier, CPU: ${frontier(summaries, "cpu").join(", ")}`);
console.log(`efficient frontier, memory: ${frontier(summaries, "mem").join(", ")}`);

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
    `${traces.length} series, ${windows} windows: each recommendation made from ${opts.trainDays} days and scored on the ${opts.testDays} days after. Slack: allocated but unused. Overrun: intervals where usage exceeded the recommendation.`,
  ),
);
console.log(`\nwrote ${json} and ${html}`);
