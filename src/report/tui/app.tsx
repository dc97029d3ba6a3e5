// The interactive terminal UI (`ecs-advisor report` on a terminal): a summary bar, the services sorted by
// savings with keys to sort, filter and search, a detail view with every reason and charts of CPU and
// memory over the window against the allocated and recommended levels, and a cluster view with the host
// scaling advice. Renders only the rows that fit, so 2,000 services scroll as fast as 20.
import { Box, Text, useApp, useInput } from "ink";
import { useEffect, useMemo, useState } from "react";
import { fmtCpu, fmtDate, fmtMiB, fmtPct, fmtTasks, fmtUsd, fmtUsdMonthly, plural } from "../../model/format.js";
import { diffSpan, diffTableLines, trendLine } from "../diff.js";
import type { Report, ServiceFinding } from "../../model/report.js";
import { paint } from "../ansi.js";
import { forTerminal } from "../text.js";
import { billLine, change, clusterMoney, ec2LeverNote, headline, leversLine, riskOf, savingsPercent, sourceLine } from "../digest.js";
import { autoscalingLine, containerRows, fitName, hostSection, truncate, wrap, wrapIndented } from "../table.js";
import { textChart } from "./chart.js";
import { isMissing } from "../../advisor/usage.js";
import { isMultiScope, scopeTagger } from "../scopes.js";

export type SortKey = "savings" | "risk" | "cost" | "name";
export const SORT_KEYS: Record<string, SortKey> = { s: "savings", r: "risk", o: "cost", $: "cost", n: "name" };

type View = "list" | "detail" | "clusters" | "warnings" | "trend" | "help";

export interface AppProps {
  /** The published (rounded) report. */
  report: Report;
  width: number;
  height: number;
}

const money = (usd: number | null | undefined) => (usd === null || usd === undefined ? "–" : fmtUsd(usd).replace("$", ""));
const pad = (s: string, w: number) => (s.length >= w ? s.slice(0, w) : s + " ".repeat(w - s.length));
const padL = (s: string, w: number) => (s.length >= w ? s.slice(0, w) : " ".repeat(w - s.length) + s);

export function sortServices(list: readonly ServiceFinding[], key: SortKey): ServiceFinding[] {
  const out = [...list];
  const name = (s: ServiceFinding) => `${s.cluster}/${s.service}`;
  switch (key) {
    case "savings":
      return out.sort((a, b) => (b.savingsMonthlyUsd ?? -Infinity) - (a.savingsMonthlyUsd ?? -Infinity) || name(a).localeCompare(name(b)));
    case "risk":
      return out.sort(
        (a, b) =>
          Number(!!riskOf(b)) - Number(!!riskOf(a)) ||
          (b.current.monthlyUsd ?? 0) - (a.current.monthlyUsd ?? 0) ||
          name(a).localeCompare(name(b)),
      );
    case "cost":
      return out.sort((a, b) => (b.current.monthlyUsd ?? -1) - (a.current.monthlyUsd ?? -1) || name(a).localeCompare(name(b)));
    case "name":
      return out.sort((a, b) => name(a).localeCompare(name(b)));
  }
}

const HELP: Array<[string, string]> = [
  ["↑ ↓  k j", "move"],
  ["PgUp PgDn", "a page"],
  ["g G", "first, last"],
  ["enter", "the service's reasons and charts"],
  ["esc ←", "back"],
  ["s r o n", "sort by savings, risk, cost ($), name"],
  ["f", "filter by cluster (cycles through them)"],
  ["a R", "filter by account, by region (cycle; when the report covers several)"],
  ["/", "search by name (enter keeps it, esc clears)"],
  ["c", "clusters and EC2 host scaling"],
  ["w", "the run's warnings (missing permissions, data, prices)"],
  ["t", "since the last run and the fleet's trend (reports made with --history)"],
  ["?", "this help"],
  ["q", "quit"],
];

export interface UiState {
  view: View;
  back: View;
  sort: SortKey;
  cluster: string | null;
  account: string | null;
  region: string | null;
  search: string;
  typing: boolean;
  cursor: number;
  clusterScroll: number;
  quit: boolean;
}

export const INITIAL_STATE: UiState = {
  view: "list",
  back: "list",
  sort: "savings",
  cluster: null,
  account: null,
  region: null,
  search: "",
  typing: false,
  cursor: 0,
  clusterScroll: 0,
  quit: false,
};

/** One key, as ink reports it (only the fields the UI reads). */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

/** The services the list shows for a state: sorted, filtered by cluster, searched by name. */
export function visibleServices(
  services: readonly ServiceFinding[],
  st: Pick<UiState, "sort" | "cluster" | "search"> & Partial<Pick<UiState, "account" | "region">>,
  sorted = sortServices(services, st.sort),
): ServiceFinding[] {
  const q = st.search.toLowerCase();
  return sorted.filter(
    (s) =>
      (st.cluster === null || s.cluster === st.cluster) &&
      (!st.account || s.account === st.account) &&
      (!st.region || s.region === st.region) &&
      (!q || `${s.account ?? ""}/${s.region ?? ""} ${s.cluster}/${s.service}`.toLowerCase().includes(q)),
  );
}

/** The next value in a cycle through `values`, then none (all). */
const cycle = (values: readonly string[], current: string | null): string | null => {
  const i = current === null ? 0 : values.indexOf(current) + 1;
  return i >= values.length ? null : values[i]!;
};

/**
 * What one key does: a pure step, so keys that arrive together (a fast typist, tmux send-keys, a
 * paste) apply one after another exactly as if pressed apart.
 */
export function step(
  st: UiState,
  k: KeyPress,
  ctx: {
    clusters: readonly string[];
    accounts?: readonly string[];
    regions?: readonly string[];
    count: (st: UiState) => number;
    page: number;
  },
): UiState {
  const input = k.input;
  if (st.typing) {
    if (k.return) return { ...st, typing: false, cursor: 0 };
    if (k.escape) return { ...st, typing: false, search: "", cursor: 0 };
    if (k.backspace || k.delete) return { ...st, search: st.search.slice(0, -1), cursor: 0 };
    if (input && !k.ctrl && !k.meta) return { ...st, search: st.search + input, cursor: 0 };
    return st;
  }
  if (input === "q" || (k.ctrl && input === "c")) return { ...st, quit: true };
  if (input === "?") return st.view === "help" ? { ...st, view: st.back } : { ...st, back: st.view, view: "help" };
  if (k.escape || k.leftArrow || k.backspace) {
    if (st.view === "help") return { ...st, view: st.back };
    if (st.view !== "list") return { ...st, view: "list" };
    return st.search ? { ...st, search: "", cursor: 0 } : st;
  }
  if (st.view === "help") return st;
  if (input === "c") return { ...st, view: st.view === "clusters" ? "list" : "clusters" };
  if (input === "w") return { ...st, view: st.view === "warnings" ? "list" : "warnings" };
  if (input === "t") return { ...st, view: st.view === "trend" ? "list" : "trend" };
  const n = ctx.count(st);
  const at = Math.min(st.cursor, Math.max(0, n - 1));
  const move = (d: number): UiState =>
    st.view === "clusters"
      ? { ...st, clusterScroll: Math.max(0, st.clusterScroll + d) }
      : { ...st, cursor: Math.max(0, Math.min(n - 1, at + d)) };
  if (k.upArrow || input === "k") return move(-1);
  if (k.downArrow || input === "j") return move(1);
  if (k.pageUp) return move(-ctx.page);
  if (k.pageDown || input === " ") return move(ctx.page);
  if (input === "g") return st.view === "clusters" ? { ...st, clusterScroll: 0 } : { ...st, cursor: 0 };
  if (input === "G") return st.view === "clusters" ? st : { ...st, cursor: Math.max(0, n - 1) };
  if (st.view === "clusters" || st.view === "warnings" || st.view === "trend") return st;
  if (k.return) return n > 0 ? { ...st, cursor: at, view: st.view === "detail" ? "list" : "detail" } : st;
  const sort = SORT_KEYS[input];
  if (sort) return { ...st, sort, cursor: 0 };
  if (input === "f") return { ...st, cluster: cycle(ctx.clusters, st.cluster), cursor: 0 };
  // Accounts and regions cycle only when the report covers more than one.
  if (input === "a" && (ctx.accounts?.length ?? 0) > 1) return { ...st, account: cycle(ctx.accounts!, st.account), cursor: 0 };
  if (input === "R" && (ctx.regions?.length ?? 0) > 1) return { ...st, region: cycle(ctx.regions!, st.region), cursor: 0 };
  if (input === "/") return { ...st, view: "list", typing: true };
  return st;
}

/** ink hands over a chunk; printable characters that arrived together are split into key presses. */
export function splitKeys(input: string, key: Omit<KeyPress, "input">): KeyPress[] {
  const plain = !key.ctrl && !key.meta && !key.escape && input.length > 1 && /^[\x20-\x7e\r]+$/.test(input);
  if (!plain) return [{ ...key, input }];
  return [...input].map((ch) => (ch === "\r" ? { input: "", return: true } : { input: ch }));
}

export function App({ report: given, width, height }: AppProps) {
  // Names and messages from a snapshot can hold control characters: shown as escapes, never sent raw.
  const report = useMemo(() => forTerminal(given), [given]);
  const { exit } = useApp();
  const [st, setSt] = useState<UiState>(INITIAL_STATE);
  const { view, sort, cluster, account, region, search, typing, cursor, clusterScroll } = st;

  const clusters = useMemo(() => [...new Set(report.services.map((s) => s.cluster))].sort(), [report]);
  const multi = isMultiScope(report);
  const tag = useMemo(() => scopeTagger(report, { compact: true }), [report]);
  const accounts = useMemo(() => [...new Set(report.services.map((s) => s.account ?? "-"))].sort(), [report]);
  const regions = useMemo(() => [...new Set(report.services.map((s) => s.region ?? "-"))].sort(), [report]);
  const sorted = useMemo(() => sortServices(report.services, sort), [report, sort]);
  const shown = useMemo(
    () => visibleServices(report.services, { sort, cluster, account, region, search }, sorted),
    [report.services, sorted, sort, cluster, account, region, search],
  );
  // A run with warnings says so on every screen, one line under the status.
  const warnLine = report.warnings.length > 0 ? 1 : 0;
  const rows = Math.max(3, height - 6 - warnLine);
  const at = Math.min(cursor, Math.max(0, shown.length - 1));
  const selected = shown[at];

  useInput((input, key) => {
    const ctx = {
      clusters,
      accounts,
      regions,
      page: rows,
      // The current list's length without re-sorting; another sort or filter is worked out afresh.
      count: (x: UiState) =>
        x.sort === sort && x.cluster === cluster && x.account === account && x.region === region && x.search === search
          ? shown.length
          : visibleServices(report.services, x).length,
    };
    setSt((prev) => splitKeys(input, key).reduce((s, k) => step(s, k, ctx), prev));
  });
  useEffect(() => {
    if (st.quit) exit();
  }, [st.quit, exit]);

  const t = report.totals;
  const summary = (
    <Box width={width}>
      <Text wrap="truncate">
        <Text bold>ecs-advisor </Text>
        <Text>
          {fmtUsdMonthly(t.nowMonthlyUsd)} → {fmtUsdMonthly(t.afterMonthlyUsd)}{" "}
        </Text>
        <Text color={t.realisableSavingsMonthlyUsd >= 0 ? "green" : "red"} bold>
          saves {fmtUsdMonthly(t.realisableSavingsMonthlyUsd)} ({fmtPct(savingsPercent(report))})
        </Text>
        <Text color={t.risks > 0 ? "red" : undefined}> · {plural(t.risks, "risk")}</Text>
      </Text>
    </Box>
  );
  const status = (
    <Text dimColor wrap="truncate">
      {truncate(
        `${plural(t.services, "service")} · sort: ${sort} · cluster: ${cluster ?? "all"}${multi ? ` · account: ${account ?? "all"} · region: ${region ?? "all"}` : ""}${search || typing ? ` · search: ${search}${typing ? "▏" : ""}` : ""} · ${sourceLine(report)}`,
        width,
      )}
    </Text>
  );
  // The count always shows: the message is cut to what its suffix leaves.
  const warnCount = ` (w: ${report.warnings.length === 1 ? "1 warning" : `all ${report.warnings.length}`})`;
  const warning = warnLine ? (
    <Text color="yellow" wrap="truncate">
      {truncate(`⚠ ${report.warnings[0]!.message}`, width - warnCount.length)}
      <Text dimColor>{warnCount}</Text>
    </Text>
  ) : null;
  const footer = (
    <Text dimColor wrap="truncate">
      {typing
        ? "type to search · enter keep · esc clear"
        : view === "list"
          ? `↑↓ enter · s r o n sort · f cluster${multi ? " · a account · R region" : ""} · / search · c clusters${report.history ? " · t trend" : ""} · ? help · q quit`
          : "esc back · ? help · q quit"}
    </Text>
  );

  let body: React.ReactNode;
  if (view === "help") {
    body = (
      <Box flexDirection="column">
        <Text bold>Keys</Text>
        {HELP.map(([k, what]) => (
          <Text key={k}>
            <Text color="cyan">{pad(k, 12)}</Text>
            {what}
          </Text>
        ))}
        <Text> </Text>
        <Text dimColor wrap="truncate">
          {truncate(headline(report), width)}
        </Text>
      </Box>
    );
  } else if (view === "clusters") body = <ClusterView report={report} width={width} rows={height - 3 - warnLine} scroll={clusterScroll} />;
  else if (view === "warnings") {
    const lines = report.warnings.flatMap((w) => wrap(w.message, width - 2, 4).map((l, k) => (k === 0 ? "⚠ " : "  ") + l));
    body = (
      <Box flexDirection="column">
        <Text bold>{plural(report.warnings.length, "warning")}</Text>
        {lines.length === 0 ? <Text dimColor>none: every API answered and every service had data and a price</Text> : null}
        {lines.slice(0, Math.max(1, height - 5 - warnLine)).map((l, k) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position on the screen, not an item
          <Text key={k} color="yellow" wrap="truncate">
            {l}
          </Text>
        ))}
      </Box>
    );
  } else if (view === "trend") body = <TrendView report={report} width={width} rows={height - 3 - warnLine} />;
  else if (view === "detail" && selected) body = <Detail s={selected} report={report} width={width} rows={height - 3 - warnLine} />;
  else body = <List shown={shown} at={at} rows={rows} width={width} tag={tag} />;

  return (
    <Box flexDirection="column" width={width}>
      {summary}
      {status}
      {warning}
      {body}
      {footer}
    </Box>
  );
}

function List({
  shown,
  at,
  rows,
  width,
  tag,
}: {
  shown: ServiceFinding[];
  at: number;
  rows: number;
  width: number;
  tag: (s: ServiceFinding) => string;
}) {
  // Below 100 columns the recommended $ gives way to the name (the detail view has it).
  const wide = width >= 100;
  // The account-region column, when the report covers several: as wide as its longest (at most 18).
  const where = Math.min(18, Math.max(0, ...shown.map((s) => (tag(s) ? tag(s).length + 1 : 0))));
  const cols = {
    mark: 2,
    where,
    cpu: wide ? 12 : 10,
    mem: wide ? 13 : 11,
    now: wide ? 10 : 9,
    rec: wide ? 10 : 0,
    saves: wide ? 10 : 9,
    conf: 7,
  };
  const nameW = Math.max(12, width - Object.values(cols).reduce((a, b) => a + b, 0) - 1);
  const start = Math.max(0, Math.min(at - Math.floor(rows / 2), shown.length - rows));
  const page = shown.slice(start, start + rows);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {`  ${where ? pad("WHERE", where) : ""}${pad("SERVICE", nameW)}${pad("CPU", cols.cpu)}${pad("MEMORY", cols.mem)}${padL("NOW $/MO", cols.now)}${wide ? padL("NEW $/MO", cols.rec) : ""}${padL("SAVES", cols.saves)}${padL("CONF", cols.conf)}`}
      </Text>
      {page.length === 0 ? <Text dimColor>no service matches</Text> : null}
      {page.map((s, k) => {
        const i = start + k;
        const risky = !!riskOf(s);
        const savings = s.savingsMonthlyUsd;
        return (
          <Text key={`${s.account}/${s.region}/${s.cluster}/${s.service}`} inverse={i === at} wrap="truncate">
            <Text color="red">{risky ? "! " : "  "}</Text>
            {where ? pad(tag(s), where) : ""}
            {pad(fitName(s.cluster, s.service, nameW - 1), nameW)}
            {pad(change(s.current.cpu, s.recommended?.cpu).replace(" → ", "→"), cols.cpu)}
            {pad(change(s.current.memory, s.recommended?.memory).replace(" → ", "→"), cols.mem)}
            {padL(money(s.current.monthlyUsd), cols.now)}
            {wide ? padL(s.recommended ? money(s.recommended.monthlyUsd) : "–", cols.rec) : ""}
            <Text color={savings === null ? undefined : savings > 0 ? "green" : savings < 0 ? "red" : undefined}>
              {padL(money(savings), cols.saves)}
            </Text>
            {padL(s.confidence, cols.conf)}
          </Text>
        );
      })}
      <Text dimColor>{shown.length > 0 ? `${at + 1} of ${shown.length}` : ""}</Text>
    </Box>
  );
}

function Detail({ s, report, width, rows }: { s: ServiceFinding; report: Report; width: number; rows: number }) {
  const lines: Array<{ text: string; color?: string; bold?: boolean; dim?: boolean }> = [];
  lines.push({ text: `${isMultiScope(report) ? `${s.account ?? "-"}/${s.region ?? "-"} ` : ""}${s.cluster}/${s.service}`, bold: true });
  lines.push({
    text: `${s.taskDefinition} · ${s.capacity} · ${fmtTasks(s.current.tasks)} tasks · ${s.confidence} confidence${s.firstRecommendedAt ? ` · first recommended ${fmtDate(s.firstRecommendedAt)}` : ""}`,
    dim: true,
  });
  const rec = s.recommended;
  lines.push({ text: `${pad("", 13)}${padL("cpu", 12)}${padL("memory", 12)}${padL("$/month", 14)}`, bold: true });
  lines.push({
    text: `${pad("now", 13)}${padL(s.current.cpu === null ? "?" : fmtCpu(s.current.cpu, { unit: false }), 12)}${padL(s.current.memory === null ? "?" : fmtMiB(s.current.memory, { unit: false }), 12)}${padL(s.current.monthlyUsd === null ? "–" : fmtUsd(s.current.monthlyUsd), 14)}`,
  });
  lines.push({
    text: `${pad("recommended", 13)}${padL(rec ? String(rec.cpu) : "–", 12)}${padL(rec ? String(rec.memory) : "–", 12)}${padL(rec?.monthlyUsd == null ? "–" : fmtUsd(rec.monthlyUsd), 14)}${s.savingsMonthlyUsd !== null ? `   saves ${fmtUsdMonthly(s.savingsMonthlyUsd)}` : ""}`,
    color: s.savingsMonthlyUsd !== null && s.savingsMonthlyUsd > 0 ? "green" : undefined,
  });
  const containers = containerRows(s);
  if (containers) {
    const nameW = Math.max(9, ...containers.rows.map((r) => r.name.length + 2));
    lines.push({ text: `${pad("container", nameW)}${padL("cpu", 13)}${padL("memory", 14)}${padL("reservation", 14)}  basis`, bold: true });
    for (const r of containers.rows) {
      lines.push({ text: `${pad(r.name, nameW)}${padL(r.cpu, 13)}${padL(r.memory, 14)}${padL(r.reservation, 14)}  ${r.note}` });
    }
    lines.push({ text: wrap(containers.message, width - 2, 1)[0] ?? "", dim: true });
  }
  // Every reason, wrapped to three lines; on a small terminal one line each, so the charts keep 3 rows.
  const u = s.usage;
  const scaling = autoscalingLine(s);
  const reasonLines = (maxLines: number) =>
    s.reasons.flatMap((r) =>
      wrap(r.message, width - 4, maxLines).map((l, k) => ({
        text: (k === 0 ? (r.severity === "risk" ? "! " : "· ") : "  ") + l,
        color: r.severity === "risk" ? "red" : r.severity === "warning" ? "yellow" : undefined,
      })),
    );
  const scalingLines = (maxLines: number) =>
    scaling ? wrap(scaling, width - 2, maxLines).map((l) => ({ text: `  ${l}`, color: "cyan" })) : [];
  let explain = [...reasonLines(3), ...scalingLines(2)];
  if (u && rows - lines.length - explain.length - 1 < 9) explain = [...reasonLines(1), ...scalingLines(1)];
  lines.push(...explain);
  const left = rows - lines.length - 1;
  if (u && left >= 7) {
    // Running tasks get a chart of their own when there is autoscaling advice and room for three.
    const scaling = s.autoscaling;
    const kinds: Array<"cpu" | "memory" | "tasks"> = scaling && left >= 16 ? ["cpu", "memory", "tasks"] : ["cpu", "memory"];
    const h = Math.min(8, Math.floor((left - 1 - kinds.length) / kinds.length));
    const chartW = width - 10;
    for (const kind of kinds) {
      let values: Array<number | null>;
      let level: number | null;
      let target: number | null;
      let caption: string;
      if (kind === "tasks") {
        level = scaling?.current?.maxCapacity ?? null;
        target = scaling?.proposed?.maxCapacity ?? null;
        values = u.tasks.map((t) => (isMissing(t) ? null : t));
        caption = `running tasks · ─ max now ${level ?? "–"} · ━ advised max ${target ?? "–"}`;
      } else {
        level = s.current[kind];
        target = rec ? rec[kind] : null;
        const alloc = level;
        values = (kind === "cpu" ? u.cpuPercent : u.memoryPercent).map((p) => (isMissing(p) || alloc === null ? null : (p * alloc) / 100));
        caption = `${kind} used by the hottest task (${kind === "cpu" ? "units" : "MiB"}) · ─ allocated ${level ?? "?"} · ━ recommended ${target ?? "–"}`;
      }
      const c = textChart(values, level, target, chartW, h);
      lines.push({ text: caption, dim: true });
      for (const [k, l] of c.lines.entries()) {
        const axis = k === 0 ? String(Math.round(c.top)) : k === c.lines.length - 1 ? "0" : "";
        lines.push({ text: `${padL(axis, 7)} │${l}`, color: kind === "cpu" ? "blue" : kind === "memory" ? "magenta" : "cyan" });
      }
    }
    const perBar = (u.periodSeconds * Math.max(1, u.cpuPercent.length / chartW)) / 3600;
    lines.push({
      text: `${" ".repeat(9)}${truncate(`${u.start.slice(0, 10)} → ${report.source.window.end.slice(0, 10)} · each bar the highest of ${Math.round(perBar * 10) / 10} h`, width - 9)}`,
      dim: true,
    });
  } else if (!u) lines.push({ text: "no utilization data for this service", dim: true });
  return (
    <Box flexDirection="column">
      {lines.slice(0, rows).map((l, k) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position on the screen, not an item
        <Text key={k} wrap="truncate" bold={l.bold} dimColor={l.dim} color={l.color}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}

function ClusterView({ report, width, rows, scroll }: { report: Report; width: number; rows: number; scroll: number }) {
  const plain = paint(false);
  const lines: Array<{ text: string; bold?: boolean; dim?: boolean }> = [];
  // The bill and the levers first: the clusters below are where the money is.
  for (const l of wrap(billLine(report), width, 2)) lines.push({ text: l });
  for (const l of wrap(`with every change: ${leversLine(report)}`, width, 3)) lines.push({ text: l, bold: true });
  const note = ec2LeverNote(report);
  if (note) for (const l of wrap(note, width, 4)) lines.push({ text: l, dim: true });
  lines.push({ text: "" });
  for (const c of report.clusters) {
    const kind = c.kind === "fargate" ? "Fargate" : c.kind === "ec2" ? "EC2" : "Fargate + EC2";
    lines.push({ text: `${c.cluster} · ${kind} · ${plural(c.services, "service")} · ${clusterMoney(c)}`, bold: true });
    if (c.ec2) {
      lines.push({
        text: `  ${plural(c.ec2.instances, "instance")} (${Object.entries(c.ec2.instanceTypes)
          .map(([t, n]) => `${n} × ${t}`)
          .join(", ")}) · reserved ${fmtPct(c.ec2.reservedPercent.cpu)} cpu, ${fmtPct(c.ec2.reservedPercent.memory)} memory`,
        dim: true,
      });
    }
    for (const l of hostSection(c, 2, width, plain)) lines.push({ text: l });
    if (!c.hostScaling) lines.push({ text: "  Fargate: no hosts to scale; task sizes are in the service list", dim: true });
    lines.push({ text: "" });
  }
  const start = Math.min(scroll, Math.max(0, lines.length - rows));
  return (
    <Box flexDirection="column">
      {lines.slice(start, start + rows).map((l, k) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position on the screen, not an item
        <Text key={k} wrap="truncate" bold={l.bold} dimColor={l.dim}>
          {l.text || " "}
        </Text>
      ))}
    </Box>
  );
}

/**
 * Since the last run and the trend (a report made with --history): the bill at each stored run as bars, the
 * recommended fleet's cost now as a line across them, then what changed since the last run.
 */
function TrendView({ report, width, rows }: { report: Report; width: number; rows: number }) {
  const h = report.history;
  if (!h)
    return <Text dimColor>no history: run report with --history DIR (or s3://bucket/prefix/) to see what changed from run to run</Text>;
  const last = h.trend.at(-1)!;
  const chartHeight = Math.max(3, Math.min(8, Math.floor(rows / 3)));
  const chart = textChart(
    h.trend.map((p) => p.nowMonthlyUsd),
    null,
    last.afterMonthlyUsd,
    Math.min(width - 2, Math.max(h.trend.length, 10)),
    chartHeight,
  );
  const d = h.sinceLast;
  const lines = [
    ...(h.trend.length > 1 ? wrap(trendLine(h), width - 2, 2) : ["the first run in this history"]),
    "",
    ...(d ? [`since the last run, ${diffSpan(d)}`, ...diffTableLines(d, 3)] : ["the next run will say what changed"]),
  ].flatMap((l) => wrapIndented(l, width - 2));
  return (
    <Box flexDirection="column">
      <Text bold>
        the bill at each of {plural(h.trend.length, "run")} (top {fmtUsdMonthly(chart.top)}; ━ recommended now{" "}
        {fmtUsdMonthly(last.afterMonthlyUsd)})
      </Text>
      {chart.lines.map((l, k) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position on the screen, not an item
        <Text key={`c${k}`} color="cyan">
          {l}
        </Text>
      ))}
      {lines.slice(0, Math.max(1, rows - chartHeight - 2)).map((l, k) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position on the screen, not an item
        <Text key={k} wrap="truncate">
          {l || " "}
        </Text>
      ))}
    </Box>
  );
}
