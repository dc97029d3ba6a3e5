// npm run bench:coarse — what reading CloudWatch at a coarser period does to the CPU statistic the advisor
// sizes from (p95 of the per-period Maximum), measured on the real utilization traces (issue #14). A coarser
// period keeps each period's peak, so p95 of hourly maxima is at least p95 of 5-minute values; this says by
// how much. The traces are 5-minute samples, so 1-minute vs 5-minute cannot be measured here.
//   npm run bench:coarse -- --traces ../shared/data/traces --days 14
import { parseArgs } from "node:util";
import { percentile } from "../src/advisor/stats.js";
import { fold } from "../src/collect/series.js";
import { readTraces } from "./quality/traces.js";

const { values } = parseArgs({
  options: { traces: { type: "string", default: "../shared/data/traces" }, days: { type: "string", default: "14" } },
});
const points = Number(values.days) * 288;
const ratios: Array<{ name: string; p95five: number; p95hour: number; ratio: number }> = [];
for (const t of readTraces(values.traces)) {
  const n = Math.min(points, t.cpuUsed.length);
  const pct = Float32Array.from({ length: n }, (_, i) => (t.allocCpu[i]! > 0 ? (t.cpuUsed[i]! / t.allocCpu[i]!) * 100 : Number.NaN));
  const p95five = percentile(pct, 95);
  const p95hour = percentile(fold(pct, 12, "max"), 95);
  if (p95five > 0) ratios.push({ name: t.name, p95five, p95hour, ratio: p95hour / p95five });
}
ratios.sort((a, b) => a.ratio - b.ratio);
const r = Float64Array.from(ratios.map((x) => x.ratio));
const f = (x: number) => `${x.toFixed(2)}×`;
console.log(`\nbench:coarse — p95 of hourly maxima ÷ p95 of 5-minute CPU, first ${values.days} days of ${ratios.length} traces\n`);
console.log("| median | p90 | min | max |");
console.log("|---:|---:|---:|---:|");
console.log(`| ${f(percentile(r, 50))} | ${f(percentile(r, 90))} | ${f(r[0]!)} | ${f(r[r.length - 1]!)} |`);
console.log("\nno bound: a measurement (docs/how-it-works.md quotes it). Above 1× an hourly read sizes CPU that much higher.");
