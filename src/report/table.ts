// `--format table` (the default when not interactive): biggest savings first, risks marked, totals at the
// bottom, 100 columns wide, colour only when asked.
import { diffSpan, diffTableLines, trendLine } from "./diff.js";
import type { ClusterFinding, Report, ServiceFinding } from "../model/report.js";
import { fmtDate, fmtMiB, fmtPct, fmtTime, fmtUsd, fmtUsdMonthly, plural } from "../model/format.js";
import { paint, visibleLength, type Paint } from "./ansi.js";
import { billLine, clusterMoney, ec2LeverNote, leversLine } from "./digest.js";
import { toShownReport } from "./json.js";
import type { Reporter } from "./options.js";
import { accountLine, accountName, accountsBySavings, isMultiScope, scopeTagger } from "./scopes.js";

const MAX_WIDTH = 100;
const COLS = { mark: 3, cpu: 12, mem: 13, tasks: 6, now: 10, rec: 10, saves: 10, conf: 7 } as const;
const FIXED = Object.values(COLS).reduce((a, b) => a + b, 0);

const padEnd = (s: string, w: number): string => s + " ".repeat(Math.max(0, w - visibleLength(s)));
const padStart = (s: string, w: number): string => " ".repeat(Math.max(0, w - visibleLength(s))) + s;
const money = (usd: number | null | undefined): string => (usd === null || usd === undefined ? "–" : fmtUsd(usd).replace("$", ""));

export function truncate(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

/** Word-wrap to `width`, at most `maxLines` lines (the last one cut with "…" if the text is longer). */
/** A line wrapped to `width`, keeping its own leading spaces (plus `indent`) on every piece; "" stays "". */
export function wrapIndented(line: string, width: number, indent = 0): string[] {
  if (line === "") return [""];
  const pad = " ".repeat(indent + line.length - line.trimStart().length);
  return wrap(line.trimStart(), width - pad.length, 4).map((w) => `${pad}${w}`);
}

export function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = line ? `${line} ${w}` : w;
    if ([...next].length <= width) {
      line = next;
      continue;
    }
    if (lines.length === maxLines - 1) {
      // The last line allowed: what is left, cut with "…".
      lines.push(truncate([line, ...words.slice(i)].filter(Boolean).join(" "), width));
      return lines;
    }
    if (line) lines.push(line);
    line = w;
  }
  if (line) lines.push(truncate(line, width));
  return lines;
}

/** "shop-fargate/recommendations" in 24 columns → "shop-f…/recommendations": the service name matters most. */
export function fitName(cluster: string, service: string, width: number): string {
  const full = `${cluster}/${service}`;
  if ([...full].length <= width) return full;
  const room = width - [...service].length - 2; // "…/"
  if (room >= 3) return `${[...cluster].slice(0, room).join("")}…/${service}`;
  return truncate(service, width);
}

const change = (from: number | null, to: number | undefined): string => {
  if (from === null) return "?";
  if (to === undefined || to === from) return String(from);
  return `${from}→${to}`;
};

function confidence(c: ServiceFinding["confidence"], p: Paint): string {
  return c === "high" ? p.green(c) : c === "medium" ? p.yellow(c) : c === "low" ? p.red(c) : p.dim(c);
}

/** The one line under a row that needs attention: its first risk, or why there is no advice. */
function noteFor(s: ServiceFinding): { kind: "risk" | "no advice" | "held back"; text: string } | undefined {
  const risk = s.reasons.find((r) => r.severity === "risk");
  if (risk) return { kind: "risk", text: risk.message };
  if (s.recommended === null) {
    const why = s.reasons.find((r) => r.severity === "warning") ?? s.reasons[0];
    return why ? { kind: "no advice", text: why.message } : undefined;
  }
  const blocked = s.reasons.find((r) => r.code === "downsize-blocked");
  if (blocked) return { kind: "held back", text: blocked.message };
  return undefined;
}

/** One line of autoscaling advice for the table (the whole message is in the JSON). */
export function autoscalingLine(s: ServiceFinding): string | undefined {
  const a = s.autoscaling;
  if (!a || a.action === "ok" || !a.proposed) return undefined;
  const usd = a.savingsMonthlyUsd;
  const dollars = usd === null ? "" : usd >= 0 ? `; saves ${fmtUsdMonthly(usd)}` : ` (+${fmtUsdMonthly(-usd)})`;
  const pr = a.proposed;
  const cur = a.current;
  switch (a.action) {
    case "propose-target-tracking":
      return `autoscaling: track CPU at ${fmtPct(pr.targetValue ?? 0)} with ${pr.minCapacity}–${pr.maxCapacity} tasks → ~${(a.evidence.averageTasksProposed ?? 0).toFixed(1)} on average, not ${a.evidence.averageTasksNow.toFixed(1)}${dollars}`;
    case "raise-max":
      return `autoscaling: at its max of ${cur?.maxCapacity} ${fmtPct(a.evidence.hoursAtMaxPercent ?? 0)} of the time: raise max to ${pr.maxCapacity}${dollars}`;
    case "lower-min":
      return `autoscaling: at its min of ${cur?.minCapacity} ${fmtPct(a.evidence.hoursAtMinPercent ?? 0)} of the time, mostly idle: lower min to ${pr.minCapacity}${dollars}`;
    case "raise-target":
      return `autoscaling: raise the CPU target from ${fmtPct(a.evidence.targetPercent)} to ${fmtPct(pr.targetValue ?? 0)}${dollars}`;
  }
}

export interface ContainerRow {
  name: string;
  cpu: string;
  memory: string;
  reservation: string;
  /** How it was sized, in a few words: "measured: peak 910 MiB", "no metrics of its own: kept". */
  note: string;
}

/** Each container's sizes now → recommended, for the detail views; null when there is no container advice. */
export function containerRows(s: ServiceFinding): { message: string; rows: ContainerRow[] } | null {
  const a = s.containers;
  if (!a) return null;
  const arrow = (now: number | null, rec: number | null) =>
    now === null ? "–" : rec === null || rec === now ? String(now) : `${now} → ${rec}`;
  const rows = a.containers.map((c) => {
    const o = c.observed;
    const note =
      c.basis === "measured"
        ? `measured: ${[o?.cpuUnits != null ? `cpu ${o.cpuUnits}` : "", o?.memoryPeakMiB != null ? `peak ${fmtMiB(Math.round(o.memoryPeakMiB))}` : ""].filter(Boolean).join(", ")}`
        : c.basis === "unmeasured"
          ? "no metrics of its own: kept"
          : c.basis === "scaled"
            ? "scaled with the task"
            : "shares the task's";
    return {
      name: c.name,
      cpu: arrow(c.current.cpu, c.recommended.cpu),
      memory: arrow(c.current.memory, c.recommended.memory),
      reservation: arrow(c.current.memoryReservation, c.recommended.memoryReservation),
      note,
    };
  });
  return { message: a.message, rows };
}

/** What a packing keeps for availability, in a few words: "hosts in 3 zones, ≤ 50% of a service a host". */
export function availability(pk: NonNullable<ClusterFinding["packing"]>): string {
  const a = pk.availability;
  return (
    `${a.zones === 1 ? "1 zone" : `hosts in ${a.zones} zones`}, ≤ ${fmtPct(a.maxServiceSharePercent)} of a service a host` +
    (a.maxInstanceSize ? `, ≤ ${a.maxInstanceSize}` : "")
  );
}

/** Headroom, rule, hosts, packing and Fargate for an EC2 cluster: labelled lines, wrapped under the name. */
export function hostSection(c: ClusterFinding, indent: number, width: number, p: Paint): string[] {
  const h = c.hostScaling;
  if (!h) return [];
  const out: string[] = [];
  const label = 10;
  const room = width - indent - label;
  // Text is wrapped plain (colour codes would count as width); only the label is coloured.
  const add = (name: string, text: string, maxLines = 2) => {
    for (const [k, line] of wrap(text, room, maxLines).entries())
      out.push(" ".repeat(indent) + p.dim(padEnd(k === 0 ? name : "", label)) + line);
  };
  const action = h.today.action.replace("-", " ");
  add("headroom", `${action}${h.today.hosts > 0 ? ` ${plural(h.today.hosts, "host")}` : ""}: ${h.today.message}`, 4);
  const ms = h.managedScaling;
  if (h.lever === "managed-scaling" && ms) {
    add("scaling", `ECS managed scaling on ${ms.capacityProvider}: ${ms.text}`, 4);
    for (const note of ms.notes) add("", note, 4);
  } else {
    add(
      "rule",
      `scale out when fewer than ${h.rule.scaleOutBelow} largest tasks fit; scale in only when more than ${h.rule.scaleInAbove} fit (a host holds at most ${h.tasksPerHostMax} tasks: never flaps)`,
    );
    if (ms) add("managed", ms.text, 3);
  }
  const hs = h.hosts;
  if (hs.desired !== null) {
    add(
      "hosts",
      `${hs.instanceType}: min ${hs.min ?? "?"}, desired ${hs.desired}, max ${hs.max ?? "?"} (${hs.current} now)` +
        (hs.desiredMonthlyUsd !== null ? ` · desired ${fmtUsdMonthly(hs.desiredMonthlyUsd)}` : ""),
    );
  }
  const pk = c.packing;
  if (pk) {
    const fleet = (f: NonNullable<ClusterFinding["packing"]>["best"]) =>
      Object.entries(f.instanceTypes)
        .map(([type, n]) => `${n} × ${type}`)
        .join(" + ");
    const saves = pk.savingsMonthlyUsd;
    add(
      "packing",
      `${fleet(pk.best)} ${fmtUsdMonthly(pk.best.monthlyUsd)} (${pk.best.limitedBy}-bound: cpu ${fmtPct(pk.best.cpuReservedPercent)}, memory ${fmtPct(pk.best.memoryReservedPercent)} reserved; ${availability(pk)}) vs ${fmtUsdMonthly(pk.current.monthlyUsd)} now: ` +
        (saves >= 0 ? `saves ${fmtUsdMonthly(saves)}` : `costs ${fmtUsdMonthly(-saves)} more`) +
        (pk.graviton ? ` · Graviton: ${fleet(pk.graviton)} ${fmtUsdMonthly(pk.graviton.monthlyUsd)} (arm64 images)` : ""),
      4,
    );
    if (pk.trunking) add("", pk.trunking.text, 2);
  }
  const f = c.fargateComparison;
  if (f) {
    add(
      "fargate",
      `same tasks on Fargate x86 ${fmtUsd(f.fargateX86MonthlyUsd)}, ARM ${fmtUsd(f.fargateArmMonthlyUsd)}, ${Math.round(f.spotShare * 100)}% Spot ${fmtUsd(f.fargateSpotMonthlyUsd)} a month · cheapest: ${f.cheapest}${spotNote(f)}`,
      4,
    );
  }
  return out;
}

/** Per account (most savings first), its regions under it, and the account-regions not collected. */
function accountSection(report: Report, width: number, p: Paint): string[] {
  const out = [p.bold("ACCOUNTS")];
  const scopes = report.scopes ?? [];
  for (const a of accountsBySavings(report)) {
    out.push(truncate(`   ${padEnd(accountName(a.account), 16)}${accountLine(a)}`, width));
    for (const s of scopes.filter((x) => x.account === a.account)) {
      const gap = s.status === "gap";
      const text = gap
        ? `not collected: ${s.gap?.message ?? ""}`
        : `${plural(s.services, "service")} · ${fmtUsdMonthly(s.nowMonthlyUsd)} now · saves ${fmtUsdMonthly(s.realisableSavingsMonthlyUsd)}`;
      const label = s.region ?? "every region";
      for (const [k, l] of wrap(text, width - 22, gap ? 3 : 1).entries())
        out.push(`      ${padEnd(k === 0 ? truncate(label, 15) : "", 16)}${gap ? p.red(l) : l}`);
    }
  }
  return out;
}

/** " · Spot at an assumed 70% off; kept On-Demand (one task, or Windows): a, b": what the Spot figure rests on. */
export function spotNote(f: NonNullable<ClusterFinding["fargateComparison"]>): string {
  const parts: string[] = [];
  if (f.spotPrice === "assumed") parts.push(`Spot at an assumed ${fmtPct(f.spotDiscount * 100)} off`);
  if (f.spotUnsuited?.length) parts.push(`kept On-Demand (one task, or Windows): ${f.spotUnsuited.join(", ")}`);
  return parts.length ? ` · ${parts.join("; ")}` : "";
}

export const renderTable: Reporter = (input, options) => {
  const report = toShownReport(input);
  const p = paint(options.color);
  const width = Math.min(MAX_WIDTH, Math.max(80, options.width));
  const nameWidth = width - FIXED;
  const lines: string[] = [];
  const src = report.source;

  lines.push(p.bold(`ecs-advisor · ${src.description ?? `${src.kind} ${src.region}`}`));
  lines.push(
    p.dim(
      `${src.region} · ${fmtTime(src.window.start)} → ${fmtTime(src.window.end)} · ${src.window.sourcePeriodSeconds / 60}-minute data · prices as of ${src.prices.asOf}`,
    ),
  );
  // A warning ends with what to do about it: wrapped whole, never cut.
  for (const w of report.warnings) for (const l of wrap(`warning: ${w.message}`, width, 8)) lines.push(p.yellow(l));
  lines.push("");

  const header =
    " ".repeat(COLS.mark) +
    padEnd("SERVICE", nameWidth) +
    padEnd("CPU", COLS.cpu) +
    padEnd("MEMORY", COLS.mem) +
    padStart("TASKS", COLS.tasks) +
    padStart("NOW $/MO", COLS.now) +
    padStart("NEW $/MO", COLS.rec) +
    padStart("SAVES", COLS.saves) +
    padStart("CONF", COLS.conf);
  lines.push(p.bold(header));

  const tag = scopeTagger(report, { compact: true });
  const where = (f: { account?: string | null; region?: string | null; cluster: string }) =>
    tag(f) ? `${tag(f)}:${f.cluster}` : f.cluster;
  for (const s of report.services) {
    const risky = s.reasons.some((r) => r.severity === "risk");
    const savings = s.savingsMonthlyUsd;
    const savesText = savings === null ? "–" : savings > 0 ? p.green(money(savings)) : savings < 0 ? p.red(money(savings)) : money(savings);
    const row =
      (risky ? ` ${p.red("!")} ` : "   ") +
      padEnd(fitName(where(s), s.service, nameWidth - 1), nameWidth) +
      padEnd(change(s.current.cpu, s.recommended?.cpu), COLS.cpu) +
      padEnd(change(s.current.memory, s.recommended?.memory), COLS.mem) +
      padStart((Math.round(s.current.tasks * 10) / 10).toFixed(1), COLS.tasks) +
      padStart(money(s.current.monthlyUsd), COLS.now) +
      padStart(s.recommended ? money(s.recommended.monthlyUsd) : "–", COLS.rec) +
      padStart(savesText, COLS.saves) +
      padStart(confidence(s.confidence, p), COLS.conf);
    lines.push(s.recommended === null ? p.dim(row) : row);
    const note = noteFor(s);
    if (note) {
      for (const text of wrap(`${note.kind}: ${note.text}`, width - 6, 2)) {
        lines.push(`      ${note.kind === "risk" ? p.red(text) : p.dim(text)}`);
      }
    }
    const scaling = autoscalingLine(s);
    if (scaling) lines.push(`      ${p.cyan(truncate(scaling, width - 6))}`);
  }

  const t = report.totals;
  lines.push(p.dim("─".repeat(width)));
  // The columns add up to this row; what AWS bills, and what each lever saves, follow it.
  const totalLabel = `ALL SERVICES: ${t.services}, ${plural(t.changes, "change")}, ${plural(t.risks, "risk")}`;
  lines.push(
    p.bold(
      padEnd(`   ${totalLabel}`, COLS.mark + nameWidth + COLS.cpu + COLS.mem + COLS.tasks) +
        padStart(money(t.currentMonthlyUsd), COLS.now) +
        padStart(money(t.recommendedMonthlyUsd), COLS.rec) +
        padStart(t.savingsMonthlyUsd >= 0 ? p.green(money(t.savingsMonthlyUsd)) : p.red(money(t.savingsMonthlyUsd)), COLS.saves),
    ),
  );
  for (const l of wrap(
    `${billLine(report)}${t.unpricedServices ? `; ${plural(t.unpricedServices, "service")} without a price not counted` : ""}`,
    width - 3,
    3,
  ))
    lines.push(`   ${l}`);
  for (const l of wrap(`with every change: ${leversLine(report)}`, width - 3, 3)) lines.push(`   ${p.bold(l)}`);
  const note = ec2LeverNote(report);
  if (note) for (const l of wrap(note, width - 3, 4)) lines.push(`   ${p.dim(l)}`);

  if (isMultiScope(report)) lines.push("", ...accountSection(report, width, p));
  if (report.history) {
    const d = report.history.sinceLast;
    lines.push("", p.bold(`SINCE THE LAST RUN${d ? ` ${diffSpan(d)}` : ""}`));
    const body = d ? diffTableLines(d, 5) : ["the first run in this history: the next report will say what changed"];
    if (report.history.trend.length > 1) body.push("", trendLine(report.history));
    for (const l of body) lines.push(...wrapIndented(l, width, 3));
  }

  if (report.clusters.length > 0) {
    lines.push("");
    lines.push(p.bold("CLUSTERS"));
    const w = Math.min(40, Math.max(...report.clusters.map((c) => where(c).length)) + 2);
    for (const c of report.clusters) {
      const kind = c.kind === "fargate" ? "Fargate" : c.kind === "ec2" ? "EC2" : "Fargate + EC2";
      if (!c.ec2) {
        lines.push(
          truncate(
            `   ${padEnd(truncate(where(c), w - 2), w)}${kind} · ${plural(c.services, "service")} · ${fmtUsdMonthly(c.servicesMonthlyUsd)}`,
            width,
          ),
        );
        continue;
      }
      const e = c.ec2;
      const types = Object.entries(e.instanceTypes)
        .map(([type, n]) => `${n} × ${type}`)
        .join(", ");
      lines.push(truncate(`   ${padEnd(truncate(where(c), w - 2), w)}${kind} · ${plural(c.services, "service")} · ${types}`, width));
      lines.push(truncate(`   ${" ".repeat(w)}${clusterMoney(c)}`, width));
      lines.push(
        truncate(
          `   ${" ".repeat(w)}reserved now ${fmtPct(e.reservedPercent.cpu)} of cpu, ${fmtPct(e.reservedPercent.memory)} of memory`,
          width,
        ),
      );
      lines.push(...hostSection(c, 3 + w, width, p));
    }
  }

  lines.push("");
  const pol = report.policy as { cpu?: { target?: number }; memory?: { target?: number } };
  const cpuEv = report.services[0]?.evidence;
  lines.push(
    p.dim(
      truncate(
        `sizing: CPU ${cpuEv?.cpu.statistic ?? ""} at a ${fmtPct(pol.cpu?.target ?? 0)} target; memory ${cpuEv?.memory.statistic ?? ""} at ${fmtPct(pol.memory?.target ?? 0)}`,
        width,
      ),
    ),
  );
  for (const l of wrap(`prices: ${src.prices.source}`, width, 2)) lines.push(p.dim(l));
  lines.push(p.dim(`! = risk · a→b = recommended change · --format json for every reason · generated ${fmtDate(report.generatedAt)}`));
  return `${lines.join("\n")}\n`;
};
