// `--format html`: one self-contained page — chart.js inlined, no request to anywhere, opens from
// file:// — with summary cards, savings by service, cluster capacity charts, and a sortable, filterable
// table whose rows open a service's reasons and its CPU and memory over the window with the allocated
// and recommended levels drawn in. Charts inside rows are drawn when a row is opened, so a page with
// 2,000 services loads as fast as one with 20.
//
// Safety: every string from AWS reaches the page either HTML-escaped (html()) or as JSON inside a
// <script type="application/json"> with "<" written as \u003c (so no "</script>" can end it), and the
// page's script puts text into the DOM only through textContent.
import { fmtPct, fmtUsdMonthly, plural } from "../model/format.js";
import type { Report } from "../model/report.js";
import { accountName, accountsBySavings, isMultiScope, scopeTagger } from "./scopes.js";
import { billLine, clusterMoney, ec2LeverNote, headline, leversLine, savingsPercent, sourceLine } from "./digest.js";
import { toShownReport } from "./json.js";
import type { RenderOptions } from "./options.js";
import { autoscalingLine, containerRows, hostSection } from "./table.js";
import { paint } from "./ansi.js";
import { html } from "./text.js";
import { diffHeadline, diffSections, diffSpan } from "./diff.js";

/** JSON that is safe inside <script>: no "<", and no line separators JavaScript once choked on. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The page's data: the published report, trimmed to what the page shows. */
function pageData(r: Report) {
  const plain = paint(false);
  const tag = scopeTagger(r);
  return {
    services: r.services.map((s) => ({
      scope: tag(s),
      account: s.account ?? null,
      region: s.region ?? null,
      cluster: s.cluster,
      service: s.service,
      capacity: s.capacity,
      taskDefinition: s.taskDefinition,
      current: s.current,
      recommended: s.recommended,
      savings: s.savingsMonthlyUsd,
      action: s.action,
      confidence: s.confidence,
      risk: s.reasons.some((x) => x.severity === "risk"),
      reasons: s.reasons.map((x) => ({ severity: x.severity, message: x.message })),
      autoscaling: autoscalingLine(s) ?? null,
      containers: containerRows(s),
      // The task-count chart's levels, for services that autoscale or are advised to.
      scaling: s.autoscaling
        ? {
            min: s.autoscaling.current?.minCapacity ?? null,
            max: s.autoscaling.current?.maxCapacity ?? null,
            proposedMin: s.autoscaling.proposed?.minCapacity ?? null,
            proposedMax: s.autoscaling.proposed?.maxCapacity ?? null,
          }
        : null,
      statistic: { cpu: s.evidence.cpu.statistic, memory: s.evidence.memory.statistic },
      usage: s.usage,
      ...(s.firstRecommendedAt ? { firstRecommendedAt: s.firstRecommendedAt } : {}),
    })),
    ...(r.history ? { trend: r.history.trend } : {}),
    clusters: r.clusters.map((c) => ({
      scope: tag(c),
      cluster: c.cluster,
      kind: c.kind,
      instances:
        c.hostScaling?.instances.map((i) => ({ id: i.id, type: i.instanceType, registered: i.registered, remaining: i.remaining })) ?? [],
      hosts: hostSection(c, 0, 10_000, plain).map((line) => ({ label: line.slice(0, 10).trim(), text: line.slice(10).trim() })),
    })),
  };
}

const CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#d8dee4;--card:#f6f8fa;--good:#1a7f37;--bad:#cf222e;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--card:#161b22;--good:#3fb950;--bad:#f85149;--accent:#4493f8}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:1280px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}
.muted{color:var(--muted)}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:18px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}.card b{display:block;font-size:20px}
.good{color:var(--good)}.bad{color:var(--bad)}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
.chart{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px;height:320px;position:relative}
.chart.small{height:240px}.warn{border-left:4px solid var(--bad);padding:6px 10px;background:var(--card);margin:6px 0}
.controls{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:10px 0}input,select{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
table{border-collapse:collapse;width:100%}th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{cursor:pointer;user-select:none;position:sticky;top:0;background:var(--bg)}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}tr.row{cursor:pointer}tr.row:hover{background:var(--card)}
tr.detail td{white-space:normal;background:var(--card)}.detail ul{margin:6px 0 10px;padding-left:20px}.detail .charts{margin-top:8px}
.cluster{margin:8px 0 16px}.cluster dl{display:grid;grid-template-columns:90px 1fr;gap:2px 10px;margin:6px 0}.cluster dt{color:var(--muted)}
footer{margin:30px 0 10px;color:var(--muted);font-size:12px}
`;

/** The page's script: plain ES2020, no modules, no network. Reads #data, draws, sorts, filters. */
const SCRIPT = String.raw`
(function(){
"use strict";
var D=JSON.parse(document.getElementById("data").textContent);
var css=getComputedStyle(document.documentElement);
var C={fg:css.getPropertyValue("--fg").trim()||"#1b1f24",muted:css.getPropertyValue("--muted").trim()||"#5b6470",line:css.getPropertyValue("--line").trim()||"#d8dee4",good:css.getPropertyValue("--good").trim()||"#1a7f37",bad:css.getPropertyValue("--bad").trim()||"#cf222e",accent:css.getPropertyValue("--accent").trim()||"#0969da",amber:"#bf8700"};
Chart.defaults.animation=false;Chart.defaults.color=C.muted;Chart.defaults.borderColor=C.line;Chart.defaults.maintainAspectRatio=false;
var charts=0;window.__charts=function(){return charts};
function chart(canvas,config){charts++;return new Chart(canvas,config)}
function usd(x){return x===null||x===undefined?"–":(x<0?"-$":"$")+Math.abs(x).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g,",")}
function el(tag,attrs,text){var e=document.createElement(tag);if(attrs)for(var k in attrs)e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;return e}
function name(s){return (s.scope?s.scope+" ":"")+s.cluster+"/"+s.service}
function where(s){return (s.scope?s.scope+" ":"")+s.cluster}

// Savings by service: the top 25.
var savers=D.services.filter(function(s){return s.savings>0}).sort(function(a,b){return b.savings-a.savings}).slice(0,25);
var sc=document.getElementById("savings-chart");
if(sc){chart(sc,{type:"bar",data:{labels:savers.map(name),datasets:[{label:"saves $/month",data:savers.map(function(s){return s.savings}),backgroundColor:C.good}]},options:{indexAxis:"y",plugins:{legend:{display:false}},scales:{x:{title:{display:true,text:"$ per month"}},y:{ticks:{autoSkip:false}}}}})}

// The fleet over the stored runs: cost now and recommended (lines), savings realised since the run before (bars).
var tc=document.getElementById("trend-chart");
if(tc&&D.trend){var tl=D.trend.map(function(p){return p.at.slice(0,10)});
  chart(tc,{type:"bar",data:{labels:tl,datasets:[{type:"line",label:"now $/month",data:D.trend.map(function(p){return p.nowMonthlyUsd}),borderColor:C.accent,backgroundColor:"transparent",pointRadius:3},{type:"line",label:"recommended $/month",data:D.trend.map(function(p){return p.afterMonthlyUsd}),borderColor:C.good,backgroundColor:"transparent",borderDash:[6,4],pointRadius:3},{type:"bar",label:"realised $/month",data:D.trend.map(function(p){return p.realisedMonthlyUsd}),backgroundColor:C.amber}]},options:{scales:{y:{beginAtZero:true}},plugins:{tooltip:{mode:"index",intersect:false,callbacks:{label:function(c){return c.dataset.label+": "+usd(c.parsed.y)}}}}}});}

// Clusters: EC2 hosts' reserved share; Fargate services' cost now and recommended.
D.clusters.forEach(function(c,i){
  var canvas=document.getElementById("cluster-chart-"+i);if(!canvas)return;
  if(c.instances.length){
    var ids=c.instances.map(function(h){return h.id.slice(-8)+" "+h.type});
    var pct=function(h,k){return h.registered[k]>0?Math.round((h.registered[k]-h.remaining[k])/h.registered[k]*1000)/10:0};
    chart(canvas,{type:"bar",data:{labels:ids,datasets:[{label:"cpu reserved %",data:c.instances.map(function(h){return pct(h,"cpu")}),backgroundColor:C.accent},{label:"memory reserved %",data:c.instances.map(function(h){return pct(h,"memory")}),backgroundColor:C.amber}]},options:{scales:{y:{min:0,max:100,title:{display:true,text:"% of registered"}}}}});
  }else{
    var svc=D.services.filter(function(s){return where(s)===where(c)&&s.current.monthlyUsd!==null}).sort(function(a,b){return b.current.monthlyUsd-a.current.monthlyUsd}).slice(0,15);
    chart(canvas,{type:"bar",data:{labels:svc.map(function(s){return s.service}),datasets:[{label:"now $/month",data:svc.map(function(s){return s.current.monthlyUsd}),backgroundColor:C.muted},{label:"recommended $/month",data:svc.map(function(s){return s.recommended?s.recommended.monthlyUsd:null}),backgroundColor:C.good}]},options:{scales:{y:{title:{display:true,text:"$ per month"}}}}});
  }
});

// A service's utilization over the window, in cpu units or MiB, with the allocated and recommended levels.
function usageChart(canvas,s,kind){
  var u=s.usage,alloc=s.current[kind],rec=s.recommended?s.recommended[kind]:null;
  var pts=kind==="cpu"?u.cpuPercent:u.memoryPercent,start=Date.parse(u.start);
  var labels=pts.map(function(_,i){return new Date(start+i*u.periodSeconds*1000).toISOString().slice(5,13).replace("T"," ")+"h"});
  var used=pts.map(function(p){return p===null||alloc===null?null:Math.round(p*alloc)/100});
  var ds=[{label:(kind==="cpu"?"cpu used (hottest task), units":"memory used (hottest task), MiB"),data:used,borderColor:kind==="cpu"?C.accent:C.amber,backgroundColor:"transparent",pointRadius:0,borderWidth:1.5,spanGaps:false}];
  if(alloc!==null)ds.push({label:"allocated "+alloc,data:pts.map(function(){return alloc}),borderColor:C.muted,borderDash:[6,4],pointRadius:0,borderWidth:1.5});
  if(rec!==null&&rec!==undefined)ds.push({label:"recommended "+rec,data:pts.map(function(){return rec}),borderColor:C.good,pointRadius:0,borderWidth:2});
  return chart(canvas,{type:"line",data:{labels:labels,datasets:ds},options:{scales:{y:{beginAtZero:true}},plugins:{tooltip:{mode:"index",intersect:false}}}});
}

// Running tasks over the window, with the autoscaling minimum and maximum now and as advised.
function tasksChart(canvas,s){
  var u=s.usage,start=Date.parse(u.start),sc=s.scaling;
  var labels=u.tasks.map(function(_,i){return new Date(start+i*u.periodSeconds*1000).toISOString().slice(5,13).replace("T"," ")+"h"});
  var flat=function(v){return u.tasks.map(function(){return v})};
  var ds=[{label:"running tasks (mean)",data:u.tasks,borderColor:C.accent,backgroundColor:"transparent",pointRadius:0,borderWidth:1.5,stepped:true}];
  if(sc.max!==null)ds.push({label:"max "+sc.max+", min "+sc.min+" now",data:flat(sc.max),borderColor:C.muted,borderDash:[6,4],pointRadius:0,borderWidth:1.5});
  if(sc.min!==null)ds.push({label:"",data:flat(sc.min),borderColor:C.muted,borderDash:[6,4],pointRadius:0,borderWidth:1.5});
  if(sc.proposedMax!==null&&(sc.proposedMax!==sc.max||sc.proposedMin!==sc.min)){ds.push({label:"advised max "+sc.proposedMax+", min "+sc.proposedMin,data:flat(sc.proposedMax),borderColor:C.good,pointRadius:0,borderWidth:2});ds.push({label:"",data:flat(sc.proposedMin),borderColor:C.good,pointRadius:0,borderWidth:2})}
  return chart(canvas,{type:"line",data:{labels:labels,datasets:ds},options:{scales:{y:{beginAtZero:true,ticks:{precision:0}}},plugins:{legend:{labels:{filter:function(item){return item.text!==""}}}}}});
}

// The table: rows built from the data with textContent, sorted and filtered in place.
var tbody=document.querySelector("#services tbody");
var rows=D.services.map(function(s,i){
  var tr=el("tr",{"class":"row","data-i":String(i),tabindex:"0"});
  function cell(text,cls){var td=el("td",cls?{"class":cls}:null,text);tr.appendChild(td);return td}
  cell(s.risk?"⚠":"","bad");cell(name(s));cell(s.capacity);
  cell(s.recommended&&s.recommended.cpu!==s.current.cpu?s.current.cpu+" → "+s.recommended.cpu:String(s.current.cpu===null?"?":s.current.cpu),"num");
  cell(s.recommended&&s.recommended.memory!==s.current.memory?s.current.memory+" → "+s.recommended.memory:String(s.current.memory===null?"?":s.current.memory),"num");
  cell(s.current.tasks.toFixed(1),"num");cell(usd(s.current.monthlyUsd),"num");cell(s.recommended?usd(s.recommended.monthlyUsd):"–","num");
  cell(usd(s.savings),"num "+(s.savings>0?"good":s.savings<0?"bad":""));cell(s.confidence);
  return {tr:tr,s:s,detail:null,charts:[]};
});
var keys={risk:function(s){return s.risk?1:0},name:function(s){return name(s).toLowerCase()},capacity:function(s){return s.capacity},cpu:function(s){return s.current.cpu||0},memory:function(s){return s.current.memory||0},tasks:function(s){return s.current.tasks},now:function(s){return s.current.monthlyUsd===null?-1:s.current.monthlyUsd},rec:function(s){return s.recommended&&s.recommended.monthlyUsd!==null?s.recommended.monthlyUsd:-1},savings:function(s){return s.savings===null?-Infinity:s.savings},confidence:function(s){return ["none","low","medium","high"].indexOf(s.confidence)}};
var sortKey="savings",sortDir=-1;
function close(r){if(r.detail){r.charts.forEach(function(c){c.destroy()});r.charts=[];r.detail.remove();r.detail=null}}
function open(r){
  var s=r.s,tr=el("tr",{"class":"detail"}),td=el("td",{colspan:"10"});tr.appendChild(td);
  td.appendChild(el("div",{"class":"muted"},s.taskDefinition+" · "+s.capacity+" · "+s.confidence+" confidence · cpu "+s.statistic.cpu+", memory "+s.statistic.memory+(s.firstRecommendedAt?" · first recommended "+s.firstRecommendedAt.slice(0,10):"")));
  var ul=el("ul");s.reasons.forEach(function(x){var li=el("li",x.severity==="risk"?{"class":"bad"}:null,x.message);ul.appendChild(li)});
  if(s.autoscaling)ul.appendChild(el("li",null,s.autoscaling));td.appendChild(ul);
  if(s.containers){var ct=el("table",{"class":"containers"}),hr=el("tr");["container","cpu","memory","reservation","basis"].forEach(function(h){hr.appendChild(el("th",null,h))});ct.appendChild(hr);
    s.containers.rows.forEach(function(c){var cr=el("tr");[c.name,c.cpu,c.memory,c.reservation,c.note].forEach(function(v,i){cr.appendChild(el("td",i>0&&i<4?{"class":"num"}:null,v))});ct.appendChild(cr)});
    td.appendChild(ct);td.appendChild(el("p",{"class":"muted"},s.containers.message))}
  if(s.usage){var g=el("div",{"class":"charts"}),kinds=s.scaling?["cpu","memory","tasks"]:["cpu","memory"];kinds.forEach(function(k){var box=el("div",{"class":"chart small"}),cv=el("canvas",{"data-chart":k+"-"+name(s)});box.appendChild(cv);g.appendChild(box)});td.appendChild(g);
    r.tr.after(tr);r.detail=tr;var cvs=g.querySelectorAll("canvas");r.charts=[usageChart(cvs[0],s,"cpu"),usageChart(cvs[1],s,"memory")];if(s.scaling)r.charts.push(tasksChart(cvs[2],s));}
  else{td.appendChild(el("p",{"class":"muted"},"No utilization data for this service."));r.tr.after(tr);r.detail=tr}
}
rows.forEach(function(r){function toggle(){if(r.detail)close(r);else open(r)}r.tr.addEventListener("click",toggle);r.tr.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();toggle()}})});
var q=document.getElementById("filter"),cl=document.getElementById("cluster"),ro=document.getElementById("risks"),count=document.getElementById("count");
var ac=document.getElementById("account"),rg=document.getElementById("region");
function render(){
  var text=q.value.trim().toLowerCase(),cluster=cl.value,risky=ro.checked,k=keys[sortKey],account=ac?ac.value:"",region=rg?rg.value:"";
  var list=rows.filter(function(r){return(!text||name(r.s).toLowerCase().indexOf(text)>=0)&&(!cluster||where(r.s)===cluster)&&(!risky||r.s.risk)&&(!account||r.s.account===account)&&(!region||r.s.region===region)});
  list.sort(function(a,b){var x=k(a.s),y=k(b.s);return x<y?-sortDir:x>y?sortDir:0});
  var frag=document.createDocumentFragment();
  var keep=new Set(list);rows.forEach(function(r){if(!keep.has(r))close(r)});
  list.forEach(function(r){frag.appendChild(r.tr);if(r.detail)frag.appendChild(r.detail)});
  tbody.textContent="";tbody.appendChild(frag);
  count.textContent=list.length+" of "+rows.length+" services";
  document.querySelectorAll("#services th[data-key]").forEach(function(th){th.setAttribute("aria-sort",th.getAttribute("data-key")===sortKey?(sortDir<0?"descending":"ascending"):"none")});
}
document.querySelectorAll("#services th[data-key]").forEach(function(th){th.addEventListener("click",function(){var k=th.getAttribute("data-key");if(k===sortKey)sortDir=-sortDir;else{sortKey=k;sortDir=k==="name"||k==="capacity"?1:-1}render()})});
// The text field re-renders as you type ("input"), not again when it loses focus ("change"): that
// would rebuild the table under a click on a row and swallow the click.
q.addEventListener("input",render);cl.addEventListener("change",render);ro.addEventListener("change",render);
if(ac)ac.addEventListener("change",render);if(rg)rg.addEventListener("change",render);
render();
window.__ecsAdvisorReady=true;
})();
`;

/** Since the last run (what changed, from the history) and the fleet's trend over the stored runs. */
function historySection(r: Report): string {
  const h = r.history!;
  const d = h.sinceLast;
  const since = d
    ? `<h2>Since the last run <span class="muted">${html(diffSpan(d))}</span></h2>
<p>${html(diffHeadline(d))}</p>
${
  diffSections(d)
    .map(
      (s) =>
        `<h3>${html(s.title)} (${s.items.length})</h3><ul class="since">${s.items
          .slice(0, 50)
          .map((i) => `<li><code>${html(i.name)}</code> ${html(i.text)}</li>`)
          .join(
            "",
          )}${s.items.length > 50 ? `<li class="muted">…and ${s.items.length - 50} more (ecs-advisor diff lists them all)</li>` : ""}</ul>`,
    )
    .join("\n") || '<p class="muted">No service added or removed, no recommendation applied, new or resolved, no risk appeared or gone.</p>'
}`
    : `<h2>Since the last run</h2><p class="muted">The first run in this history: the next one will say what changed.</p>`;
  return `${since}
<h2>Trend <span class="muted">${html(`${plural(h.trend.length, "run")} · ${fmtUsdMonthly(h.realisedMonthlyUsd)} realised in all`)}</span></h2>
<div class="chart"><canvas id="trend-chart" aria-label="the fleet's cost over the stored runs"></canvas></div>`;
}

/** Each account's totals (most savings first) with its regions, and every account-region not collected. */
function accountsSection(r: Report): string {
  const scopes = r.scopes ?? [];
  const rows = accountsBySavings(r).map((a) => {
    const regions = scopes
      .filter((s) => s.account === a.account)
      .map((s) =>
        s.status === "gap"
          ? `<span class="bad">${html(s.region ?? "every region")}: not collected — ${html(s.gap?.message ?? "")}</span>`
          : html(`${s.region ?? ""} ${fmtUsdMonthly(s.nowMonthlyUsd)} now, saves ${fmtUsdMonthly(s.realisableSavingsMonthlyUsd)}`),
      )
      .join("<br>");
    return `<tr><td>${html(accountName(a.account))}</td><td>${regions}</td><td class="num">${a.services}</td><td class="num">${a.changes}</td><td class="num">${html(fmtUsdMonthly(a.nowMonthlyUsd))}</td><td class="num good">${html(fmtUsdMonthly(a.realisableSavingsMonthlyUsd))}</td></tr>`;
  });
  return `<h2>Accounts</h2>
<table id="accounts"><thead><tr><th>account</th><th>regions</th><th class="num">services</th><th class="num">changes</th><th class="num">now</th><th class="num">saves</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>`;
}

export function renderHtml(input: Report, options: Pick<RenderOptions, "assets">): string {
  const chartJs = options.assets?.chartJs;
  if (!chartJs) throw new Error("renderHtml needs chart.js (options.assets.chartJs)");
  const r = toShownReport(input);
  const t = r.totals;
  const pct = savingsPercent(r);
  const card = (label: string, value: string, cls = "") =>
    `<div class="card"><span class="muted">${html(label)}</span><b class="${cls}">${html(value)}</b></div>`;
  const data = pageData(r);
  const clusters = [...new Set(data.services.map((s) => (s.scope ? `${s.scope} ${s.cluster}` : s.cluster)))].sort();
  const multi = isMultiScope(r);
  const optionList = (values: string[]) => values.map((v) => `<option value="${html(v)}">${html(v)}</option>`).join("");
  const accounts = [...new Set(r.services.map((s) => s.account).filter((a): a is string => !!a))].sort();
  const regions = [...new Set(r.services.map((s) => s.region).filter((x): x is string => !!x))].sort();
  const th = (key: string, label: string, num = false) => `<th data-key="${key}"${num ? ' class="num"' : ""}>${html(label)}</th>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>ecs-advisor · ${html(r.source.description ?? `${r.source.kind} ${r.source.region}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>ecs-advisor: ${html(headline(r))}</h1>
<div class="muted">${html(sourceLine(r))}</div>
${r.warnings.map((w) => `<div class="warn">${html(w.message)}</div>`).join("\n")}
<section class="cards">
${card("now", fmtUsdMonthly(t.nowMonthlyUsd))}
${card("after", fmtUsdMonthly(t.afterMonthlyUsd))}
${card("savings", `${fmtUsdMonthly(t.realisableSavingsMonthlyUsd)} (${fmtPct(pct)})`, t.realisableSavingsMonthlyUsd >= 0 ? "good" : "bad")}
${card("services", `${t.services} · ${plural(t.changes, "change")}`)}
${card("at risk", plural(t.risks, "service"), t.risks > 0 ? "bad" : "")}
</section>
<div class="muted">${html(billLine(r))} · ${html(leversLine(r))}</div>
${ec2LeverNote(r) ? `<div class="muted">${html(ec2LeverNote(r)!)}</div>` : ""}
${r.history ? historySection(r) : ""}
${multi ? accountsSection(r) : ""}
<h2>Savings by service</h2>
<div class="chart" style="height:${Math.max(200, 60 + 18 * Math.min(25, r.services.filter((s) => (s.savingsMonthlyUsd ?? 0) > 0).length))}px"><canvas id="savings-chart" aria-label="savings by service"></canvas></div>
<h2>Clusters</h2>
${r.clusters
  .map(
    (
      c,
      i,
    ) => `<div class="cluster"><b>${html(data.clusters[i]!.scope ? `${data.clusters[i]!.scope} ${c.cluster}` : c.cluster)}</b> <span class="muted">${html(c.kind === "fargate" ? "Fargate" : c.kind === "ec2" ? "EC2" : "Fargate + EC2")} · ${html(plural(c.services, "service"))} · ${html(clusterMoney(c))}${c.ec2 ? html(` · reserved ${fmtPct(c.ec2.reservedPercent.cpu)} cpu / ${fmtPct(c.ec2.reservedPercent.memory)} memory`) : ""}</span>
${data.clusters[i]!.hosts.length ? `<dl>${data.clusters[i]!.hosts.map((h) => `<dt>${html(h.label)}</dt><dd>${html(h.text)}</dd>`).join("")}</dl>` : ""}
<div class="chart small"><canvas id="cluster-chart-${i}" aria-label="${html(c.cluster)} capacity"></canvas></div></div>`,
  )
  .join("\n")}
<h2>Services</h2>
<div class="controls">
<input id="filter" type="search" placeholder="filter by name" aria-label="filter by name">
${multi ? `<select id="account" aria-label="account"><option value="">all accounts</option>${optionList(accounts)}</select>\n<select id="region" aria-label="region"><option value="">all regions</option>${optionList(regions)}</select>\n` : ""}<select id="cluster" aria-label="cluster"><option value="">all clusters</option>${optionList(clusters)}</select>
<label><input id="risks" type="checkbox"> at risk only</label>
<span id="count" class="muted"></span><span class="muted">· click a row for its reasons and charts; click a heading to sort</span>
</div>
<table id="services">
<thead><tr>${th("risk", "!")}${th("name", "service")}${th("capacity", "capacity")}${th("cpu", "cpu", true)}${th("memory", "memory", true)}${th("tasks", "tasks", true)}${th("now", "now $/mo", true)}${th("rec", "new $/mo", true)}${th("savings", "saves $/mo", true)}${th("confidence", "confidence")}</tr></thead>
<tbody></tbody>
</table>
<footer>ecs-advisor ${html(r.tool.version)} · generated ${html(r.generatedAt)} · prices: ${html(r.source.prices.source)} · charts by Chart.js (MIT)</footer>
</main>
<script type="application/json" id="data">${scriptJson(data)}</script>
<script>${chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
