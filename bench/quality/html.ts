// The quality bench's page: each strategy's slack against its overrun, CPU and memory, one point a
// strategy plus its per-window spread. Self-contained: chart.js is inlined, no network.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { CurvePoint, Summary, WindowResult } from "./evaluate.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function qualityPage(
  title: string,
  summaries: Record<string, Summary>,
  results: Record<string, WindowResult[]>,
  defaultName: string,
  curves: { cpu: CurvePoint[]; mem: CurvePoint[] },
  note: string,
): string {
  // chart.js exports no path to its UMD build: find it beside the package's main file.
  const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8");
  const names = Object.keys(summaries);
  const palette = [
    "#6b7280",
    "#a855f7",
    "#f59e0b",
    "#0ea5e9",
    "#16a34a",
    "#84cc16",
    "#14b8a6",
    "#ef4444",
    "#f97316",
    "#64748b",
    "#8b5cf6",
    "#06b6d4",
  ];
  const data = names.map((n, i) => ({
    name: n,
    color: n === defaultName ? "#dc2626" : palette[i % palette.length],
    cpu: { x: summaries[n]!.cpuSlack.mean * 100, y: summaries[n]!.cpuUnmet.mean * 100 },
    mem: { x: summaries[n]!.memSlack.mean * 100, y: summaries[n]!.seriesWithMemOverrun },
    cpuPoints: results[n]!.map((r) => ({ x: r.score.cpuSlack * 100, y: r.score.cpuUnmet * 100 })),
    // Series without a memory metric are not scored on memory.
    memPoints: results[n]!.filter((r) => !Number.isNaN(r.score.memSlack)).map((r) => ({
      x: r.score.memSlack * 100,
      y: r.score.memOverrun * 100,
    })),
  }));
  // ecs-advisor's curve from the knob sweep, drawn as a line through the settings nothing beats.
  const curveData = {
    cpu: curves.cpu.map((p) => ({ x: p.slack * 100, y: p.overrun * 100, name: p.name })),
    mem: curves.mem.map((p) => ({ x: p.slack * 100, y: p.series, name: p.name })),
  };
  const rows = names
    .map((n) => {
      const s = summaries[n]!;
      const p = (x: number) => (x * 100).toFixed(1);
      return `<tr${n === defaultName ? ' class="ours"' : ""}><td>${esc(n)}</td><td>${p(s.cpuSlack.mean)}</td><td>${p(s.cpuOverrun.mean)}</td><td>${p(s.cpuUnmet.mean)}</td><td>${p(s.memSlack.mean)}</td><td>${p(s.memOverrun.mean)}</td><td>${s.seriesWithMemOverrun}</td><td>$${s.monthlyUsd.toFixed(0)}</td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#111}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}.charts figure{margin:0}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}tr.ours{font-weight:600;color:#b91c1c}.note{color:#555}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="note">${esc(note)}</p>
<div class="charts">
<figure><canvas id="cpu" width="520" height="420"></canvas><figcaption>CPU, averaged over every window: slack against the share of the demand above the recommendation (unmet: throttled work). The dashed red line is ecs-advisor's curve: the settings of its knob sweep (percentile × target) nothing else beats. Lower left is better.</figcaption></figure>
<figure><canvas id="mem" width="520" height="420"></canvas><figcaption>Memory: average slack against the number of series with a memory overrun in some test week (each would be an OOM kill); the dashed line, ecs-advisor's curve over its memory knobs. Lower left is better.</figcaption></figure>
<figure><canvas id="cpuw" width="520" height="320"></canvas><figcaption>CPU, every window of every strategy (the spread behind the averages).</figcaption></figure>
<figure><canvas id="memw" width="520" height="320"></canvas><figcaption>Memory, every window of every strategy.</figcaption></figure>
</div>
<table><thead><tr><th>strategy</th><th>CPU slack %</th><th>CPU overrun % of intervals</th><th>CPU unmet % of demand</th><th>memory slack %</th><th>memory overrun %</th><th>series with a memory overrun</th><th>Fargate $/mo</th></tr></thead>
<tbody>${rows}</tbody></table>
<script>${chartJs}</script>
<script>
const DATA = ${JSON.stringify(data).replace(/</g, "\\u003c")};
const CURVES = ${JSON.stringify(curveData).replace(/</g, "\\u003c")};
// One label per point; strategies that land on the same point share it.
const labels = { id: "labels", afterDatasetsDraw(chart) {
  const ctx = chart.ctx; ctx.save(); ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#111";
  const at = new Map();
  chart.data.datasets.forEach((ds, i) => { const el = chart.getDatasetMeta(i).data[0]; if (!el || !ds.label) return;
    const k = Math.round(el.x) + ":" + Math.round(el.y); const e = at.get(k) || { x: el.x, y: el.y, names: [] }; e.names.push(ds.label); at.set(k, e); });
  for (const e of at.values()) ctx.fillText(e.names.join(", "), e.x + 8, e.y - 6);
  ctx.restore(); } };
function means(id, key, ylabel) {
  const line = { label: "", data: CURVES[key], showLine: true, borderColor: "#dc2626", backgroundColor: "#dc262680", borderDash: [4, 3], pointRadius: 3 };
  new Chart(document.getElementById(id), {
    type: "scatter",
    data: { datasets: [line, ...DATA.map((d) => ({ label: d.name, data: [d[key]], backgroundColor: d.color, borderColor: "#000", pointRadius: 6, pointStyle: "rectRot" }))] },
    options: { animation: false, responsive: false, layout: { padding: { right: 90, top: 10 } }, plugins: { legend: { display: false } },
      scales: { x: { title: { display: true, text: "slack, % of the allocation" } }, y: { title: { display: true, text: ylabel }, min: 0, grace: "8%" } } },
    plugins: [labels],
  });
}
function windows(id, points) {
  new Chart(document.getElementById(id), {
    type: "scatter",
    data: { datasets: DATA.map((d) => ({ label: d.name, data: d[points], backgroundColor: d.color + "40", borderColor: d.color + "40", pointRadius: 2 })) },
    options: { animation: false, responsive: false, plugins: { legend: { labels: { boxWidth: 10, font: { size: 10 } } } },
      scales: { x: { title: { display: true, text: "slack, %" }, min: 0, max: 100 }, y: { title: { display: true, text: "overrun, %" }, min: 0 } } },
  });
}
means("cpu", "cpu", "unmet demand, %");
means("mem", "mem", "series with a memory overrun");
windows("cpuw", "cpuPoints");
windows("memw", "memPoints");
</script></body></html>
`;
}
