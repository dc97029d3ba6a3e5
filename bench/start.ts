// npm run bench:start — whole-process time and peak memory of `ecs-advisor report --demo` (what `npm start`
// runs), over repeated runs, against the bound in issue #2: well under 2 s.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(fileURLToPath(import.meta.url), "..", "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BOUND_S = 2;
const GNU_TIME = "/usr/bin/time";

if (!existsSync(CLI)) {
  console.error("bench:start: dist/ is missing; run `npm run build` first");
  process.exit(2);
}

const walls: number[] = [];
const rss: number[] = [];
for (let i = 0; i < RUNS + 1; i++) {
  const t0 = process.hrtime.bigint();
  const useTime = existsSync(GNU_TIME);
  const r = useTime
    ? spawnSync(GNU_TIME, ["-f", "%M", process.execPath, CLI, "report", "--demo"], { encoding: "utf8" })
    : spawnSync(process.execPath, [CLI, "report", "--demo"], { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    console.error(`bench:start: the run failed (exit ${r.status}): ${r.stderr}`);
    process.exit(2);
  }
  if (i === 0) continue; // warm the file cache once
  walls.push(wall);
  if (useTime) rss.push(Number(r.stderr.trim().split("\n").pop()) / 1024);
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
};
const w = stats(walls);
console.log(
  `bench:start — \`ecs-advisor report --demo\` (40 services, 14 days × 5 min), whole process, ${RUNS} runs, Node ${process.version}\n`,
);
console.log("| measure   |    min |  median |    max | bound  |");
console.log("|-----------|-------:|--------:|-------:|--------|");
console.log(`| wall time | ${w.min.toFixed(2)} s | ${w.median.toFixed(2)} s | ${w.max.toFixed(2)} s | < ${BOUND_S} s  |`);
if (rss.length) {
  const m = stats(rss);
  console.log(`| peak RSS  | ${m.min.toFixed(0)} MB | ${m.median.toFixed(0)} MB | ${m.max.toFixed(0)} MB | —      |`);
}
const ok = w.median < BOUND_S;
console.log(`\n${ok ? "within" : "OVER"} the bound (median ${w.median.toFixed(2)} s vs ${BOUND_S} s)`);
process.exit(ok ? 0 : 1);
