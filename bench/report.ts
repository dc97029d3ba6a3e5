// npm run bench:report — every output format for a 2,000-service report (issue #5: under 1 s each),
// and the terminal UI's first frame and a re-sort over the same report. The report is the demo fleet's
// 40 services repeated under new names (each with its own 168-point usage series), so the work is real.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { createElement } from "react";
import { render } from "ink-testing-library";
import { advise } from "../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../src/advisor/policy.js";
import { loadSaved } from "../src/cli/source.js";
import type { Report } from "../src/model/report.js";
import { FORMAT_NAMES, REPORTERS } from "../src/report/index.js";
import { toPublishedReport } from "../src/report/json.js";
import { App } from "../src/report/tui/app.js";

const SERVICES = Number(process.env.BENCH_SERVICES ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BOUND_MS = 1000;

const src = loadSaved({ demo: true }, process.cwd());
const demo = advise({
  snapshot: src.snapshot,
  prices: src.prices,
  policy: DEFAULT_POLICY,
  generatedAt: "2026-11-22T00:00:00Z",
  sourceKind: "demo",
  toolVersion: "bench",
  warnings: src.warnings,
});
const report: Report = {
  ...demo,
  services: Array.from({ length: SERVICES }, (_, i) => {
    const s = structuredClone(demo.services[i % demo.services.length]!);
    s.service = `${s.service}-${String(i).padStart(4, "0")}`;
    return s;
  }),
};
const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<{ what: string; ms: number; min: number; max: number; size: string }> = [];
function time(what: string, f: () => number) {
  const ms: number[] = [];
  let size = 0;
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    size = f();
    ms.push(performance.now() - t0);
  }
  rows.push({
    what,
    ms: median(ms),
    min: Math.min(...ms),
    max: Math.max(...ms),
    size: size ? `${(size / 1024 / 1024).toFixed(2)} MB` : "",
  });
}

for (const f of FORMAT_NAMES) {
  time(f, () => REPORTERS[f](report, { color: f === "table", width: 100, assets: { chartJs } }).length);
}
const published = toPublishedReport(report);
time("tui: first frame", () => {
  const app = render(createElement(App, { report: published, width: 120, height: 40 }));
  const n = (app.lastFrame() ?? "").length;
  app.unmount();
  return 0 * n;
});

console.log(`bench:report — ${SERVICES} services, median of ${RUNS} runs, bound ${BOUND_MS} ms each (Node ${process.version})`);
console.log(
  `${"format".padEnd(20)}${"median ms".padStart(11)}${"min".padStart(9)}${"max".padStart(9)}${"output".padStart(11)}  within bound`,
);
let ok = true;
for (const r of rows) {
  const within = r.ms < BOUND_MS;
  ok &&= within;
  console.log(
    `${r.what.padEnd(20)}${r.ms.toFixed(1).padStart(11)}${r.min.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}${r.size.padStart(11)}  ${within ? "yes" : "NO"}`,
  );
}
if (!ok) {
  console.error(`a format took ${BOUND_MS} ms or more`);
  process.exitCode = 1;
}
