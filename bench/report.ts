// npm run bench:report — every output format for a 2,000-service report (issue #5: under 1 s each),
// the terminal UI's first frame and a re-sort over the same report, and 100 stored runs read back
// (issue #18). The report is the demo fleet's 40 services repeated under new names (each with its own
// 168-point usage series), so the work is real.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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
import { main } from "../src/cli/main.js";
import { storeReport, withHistory } from "../src/history/history.js";
import { localStore } from "../src/history/store.js";

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
/** Median of RUNS runs of f (which returns the output's size, or 0), awaited when it is async. */
async function time(what: string, f: () => number | Promise<number>) {
  const ms: number[] = [];
  let size = 0;
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    size = await f();
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
  await time(f, () => REPORTERS[f](report, { color: f === "table", width: 100, assets: { chartJs } }).length);
}
const published = toPublishedReport(report);
await time("tui: first frame", () => {
  const app = render(createElement(App, { report: published, width: 120, height: 40 }));
  const n = (app.lastFrame() ?? "").length;
  app.unmount();
  return 0 * n;
});

// History (issue #18): 100 stored runs of the demo fleet (40 services each, one a day) in a local folder; the
// report that reads them all (since the last run, the trend, first-recommended dates) and `diff --since 7d`.
const HISTORY_RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 100);
const historyDir = mkdtempSync(join(tmpdir(), "ecs-advisor-bench-history-"));
const demoPublished = toPublishedReport(demo);
const DAY = 86_400_000;
const lastAt = Date.parse("2026-11-22T00:00:00Z");
for (let i = 0; i < HISTORY_RUNS; i++) {
  await storeReport(localStore(historyDir), { ...demoPublished, generatedAt: new Date(lastAt - (HISTORY_RUNS - i) * DAY).toISOString() });
}
await time(`history: ${HISTORY_RUNS} runs, html`, async () => {
  const withPast = await withHistory(
    localStore(historyDir),
    { ...demoPublished, generatedAt: new Date(lastAt).toISOString() },
    {
      nowMs: lastAt,
      toolVersion: "bench",
      warn: (m) => {
        throw new Error(m);
      },
    },
  );
  if (withPast.history!.trend.length !== HISTORY_RUNS + 1) throw new Error("the trend lost runs");
  return REPORTERS.html(withPast, { assets: { chartJs } }).length;
});
await time(`diff --since 7d (${HISTORY_RUNS} runs)`, async () => {
  let out = "";
  const code = await main(["diff", "--since", "7d", "--history", historyDir, "--format", "json"], {
    stdin: { isTTY: false },
    stdout: { write: (t: string) => (out += t), isTTY: false },
    stderr: { write: (t: string) => void process.stderr.write(t), isTTY: false },
    env: {},
    cwd: process.cwd(),
    now: () => new Date(lastAt),
  });
  if (code !== 0) throw new Error(`diff exited ${code}`);
  return out.length;
});
rmSync(historyDir, { recursive: true, force: true });

console.log(`bench:report — ${SERVICES} services, median of ${RUNS} runs, bound ${BOUND_MS} ms each (Node ${process.version})`);
console.log(
  `${"format".padEnd(30)}${"median ms".padStart(11)}${"min".padStart(9)}${"max".padStart(9)}${"output".padStart(11)}  within bound`,
);
let ok = true;
for (const r of rows) {
  const within = r.ms < BOUND_MS;
  ok &&= within;
  console.log(
    `${r.what.padEnd(30)}${r.ms.toFixed(1).padStart(11)}${r.min.toFixed(1).padStart(9)}${r.max.toFixed(1).padStart(9)}${r.size.padStart(11)}  ${within ? "yes" : "NO"}`,
  );
}
if (!ok) {
  console.error(`a format took ${BOUND_MS} ms or more`);
  process.exitCode = 1;
}
