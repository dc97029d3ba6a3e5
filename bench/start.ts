// npm run bench:start — whole-process time and peak memory of `ecs-advisor report --demo` (what `npm start`
// runs), and of two commands that need no data (`calc`, `--version`), over repeated runs, against the bound
// in issue #2: well under 2 s. None of them loads the AWS SDK (issue #11).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(fileURLToPath(import.meta.url), "..", "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BOUND_S = 2;
const GNU_TIME = "/usr/bin/time";
const COMMANDS = [["report", "--demo"], ["calc", "--cpu", "1024", "--cpu-util", "40"], ["--version"]];

if (!existsSync(CLI)) {
  console.error("bench:start: dist/ is missing; run `npm run build` first");
  process.exit(2);
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
};

function measure(args: string[]): { walls: number[]; rss: number[] } {
  const walls: number[] = [];
  const rss: number[] = [];
  const useTime = existsSync(GNU_TIME);
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = process.hrtime.bigint();
    const r = useTime
      ? spawnSync(GNU_TIME, ["-f", "%M", process.execPath, CLI, ...args], { encoding: "utf8", timeout: 60_000 })
      : spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) {
      console.error(`bench:start: \`ecs-advisor ${args.join(" ")}\` failed (exit ${r.status}): ${r.stderr}`);
      process.exit(2);
    }
    if (i === 0) continue; // warm the file cache once
    walls.push(wall);
    if (useTime) rss.push(Number(r.stderr.trim().split("\n").pop()) / 1024);
  }
  return { walls, rss };
}

console.log(`bench:start — whole process, ${RUNS} runs each, Node ${process.version}; report --demo is 40 services, 14 days × 5 min\n`);
console.log("| command                  | wall min | median |    max | peak RSS (median) | bound |");
console.log("|--------------------------|---------:|-------:|-------:|------------------:|-------|");
let worst = 0;
for (const args of COMMANDS) {
  const { walls, rss } = measure(args);
  const w = stats(walls);
  worst = Math.max(worst, w.median);
  const name = `\`${args.slice(0, 2).join(" ")}\``.padEnd(24);
  const mem = rss.length ? `${stats(rss).median.toFixed(0)} MB` : "—";
  console.log(
    `| ${name} | ${w.min.toFixed(2)} s | ${w.median.toFixed(2)} s | ${w.max.toFixed(2)} s | ${mem.padStart(17)} | < ${BOUND_S} s |`,
  );
}
const ok = worst < BOUND_S;
console.log(`\n${ok ? "within" : "OVER"} the bound (slowest median ${worst.toFixed(2)} s vs ${BOUND_S} s)`);
process.exit(ok ? 0 : 1);
