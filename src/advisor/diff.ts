// What changed between two reports of the same estate (`ecs-advisor diff`, and the "since last run" section of
// a report made with --history). Pure: two published Reports in, a Diff out.
//
// Services are matched by account, region, cluster and service (by cluster and service alone when either
// report predates accounts and regions). A recommendation counts as APPLIED when the service's task
// definition changed and its size moved to the advised size (or closer to it in one resource and no further
// in the other): the saving realised is the per-task price then − now × the tasks running now.
import { HOURS_PER_MONTH } from "../model/units.js";
import type { Diff, DiffRun, DiffService, ServiceRef, SizeRef } from "../model/diff.js";
import type { Report, ServiceFinding } from "../model/report.js";

export const CHANGE_ACTIONS: ReadonlySet<ServiceFinding["action"]> = new Set(["downsize", "upsize", "resize"]);

/** A service recommends a change of size (not keep, not none). */
export const isChange = (s: Pick<ServiceFinding, "action">): boolean => CHANGE_ACTIONS.has(s.action);

/** Whether a report's findings carry their account and region (reports since 1.x do). */
const scoped = (r: Pick<Report, "services">): boolean => r.services.length === 0 || r.services.every((s) => s.region !== undefined);

/** The key a service is matched by across runs. */
export function serviceKeyer(...reports: Array<Pick<Report, "services">>): (s: ServiceRef | ServiceFinding) => string {
  const full = reports.every(scoped);
  return full
    ? (s) => `${s.account ?? "-"}\u0000${s.region ?? "-"}\u0000${s.cluster}\u0000${s.service}`
    : (s) => `${s.cluster}\u0000${s.service}`;
}

const ref = (s: ServiceFinding): ServiceRef => ({
  account: s.account ?? null,
  region: s.region ?? null,
  cluster: s.cluster,
  service: s.service,
});
const size = (cpu: number | null, memory: number | null): SizeRef => ({ cpu, memory });

function run(r: Report): DiffRun {
  const t = r.totals;
  return {
    generatedAt: r.generatedAt,
    collectedAt: r.source.collectedAt,
    services: t.services,
    changes: t.changes,
    risks: t.risks,
    nowMonthlyUsd: t.nowMonthlyUsd,
    realisableSavingsMonthlyUsd: t.realisableSavingsMonthlyUsd,
    afterMonthlyUsd: t.afterMonthlyUsd,
  };
}

const riskCodes = (s: ServiceFinding) => s.reasons.filter((r) => r.severity === "risk");

/** |now − advised| ≤ |then − advised| for cpu and memory, and < for at least one: the size moved towards the advice. */
function movedTowards(then: SizeRef, now: SizeRef, advised: { cpu: number; memory: number }): "all" | "part" | undefined {
  let closer = false;
  for (const k of ["cpu", "memory"] as const) {
    const a = then[k];
    const b = now[k];
    if (a === null || b === null) return undefined;
    const before = Math.abs(a - advised[k]);
    const after = Math.abs(b - advised[k]);
    if (after > before) return undefined;
    if (after < before) closer = true;
  }
  if (!closer) return undefined;
  return now.cpu === advised.cpu && now.memory === advised.memory ? "all" : "part";
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * The earlier advice, applied: a new task-definition revision whose size moved to the advice (or towards it),
 * with the per-task price then − now × the tasks running now; undefined when it was not applied.
 */
function appliedAdvice(was: ServiceFinding, s: ServiceFinding): Diff["applied"][number] | undefined {
  const then = size(was.current.cpu, was.current.memory);
  const current = size(s.current.cpu, s.current.memory);
  const sizeChanged = then.cpu !== current.cpu || then.memory !== current.memory;
  if (!isChange(was) || !was.recommended || !sizeChanged || was.taskDefinition === s.taskDefinition) return undefined;
  const moved = movedTowards(then, current, was.recommended);
  if (!moved) return undefined;
  const hourlyThen = was.evidence.hourlyUsdPerTask.current;
  const hourlyNow = s.evidence.hourlyUsdPerTask.current;
  return {
    ...ref(s),
    launchType: s.launchType,
    taskDefinitionThen: was.taskDefinition,
    taskDefinitionNow: s.taskDefinition,
    before: then,
    advised: size(was.recommended.cpu, was.recommended.memory),
    after: current,
    complete: moved === "all",
    tasks: s.current.tasks,
    realisedMonthlyUsd:
      hourlyThen !== null && hourlyNow !== null ? cents((hourlyThen - hourlyNow) * s.current.tasks * HOURS_PER_MONTH) : null,
  };
}

/** What changed from `old` to `now`: both published (rounded) Reports of the same estate. */
export function diffReports(old: Report, now: Report, toolVersion: string): Diff {
  const key = serviceKeyer(old, now);
  const before = new Map(old.services.map((s) => [key(s), s]));
  const after = new Map(now.services.map((s) => [key(s), s]));
  const diff: Diff = {
    schemaVersion: 1,
    kind: "ecs-advisor-diff",
    tool: { name: "ecs-advisor", version: toolVersion },
    old: run(old),
    new: run(now),
    fleet: {
      nowChangeMonthlyUsd: cents(now.totals.nowMonthlyUsd - old.totals.nowMonthlyUsd),
      realisableChangeMonthlyUsd: cents(now.totals.realisableSavingsMonthlyUsd - old.totals.realisableSavingsMonthlyUsd),
      realisedMonthlyUsd: 0,
      whenHostsScaleInMonthlyUsd: 0,
    },
    added: [],
    removed: [],
    newRecommendations: [],
    resolvedRecommendations: [],
    applied: [],
    risksAppeared: [],
    risksGone: [],
  };
  const service = (s: ServiceFinding): DiffService => ({ ...ref(s), monthlyUsd: s.current.monthlyUsd });
  const recommendation = (s: ServiceFinding) => ({
    ...ref(s),
    action: s.action,
    confidence: s.confidence,
    current: size(s.current.cpu, s.current.memory),
    recommended: s.recommended ? size(s.recommended.cpu, s.recommended.memory) : null,
    savingsMonthlyUsd: s.savingsMonthlyUsd,
  });

  for (const [k, s] of after) {
    const was = before.get(k);
    if (!was) {
      diff.added.push(service(s));
      if (isChange(s)) diff.newRecommendations.push(recommendation(s));
      for (const r of riskCodes(s)) diff.risksAppeared.push({ ...ref(s), code: r.code, message: r.message });
      continue;
    }
    const applied = appliedAdvice(was, s);
    if (applied) {
      diff.applied.push(applied);
      // An EC2 task's smaller reservation frees room on hosts that are paid for anyway: saved only when
      // the hosts scale in (the bill line shows whether they did), so it is kept apart from what is realised.
      const realised = applied.realisedMonthlyUsd ?? 0;
      if (s.launchType === "EC2") diff.fleet.whenHostsScaleInMonthlyUsd += realised;
      else diff.fleet.realisedMonthlyUsd += realised;
    }
    // The same advice at a slightly different size is the same recommendation; one that turned the other
    // way (a downsize now an upsize) is new.
    if (isChange(s) && (!isChange(was) || was.action !== s.action)) diff.newRecommendations.push(recommendation(s));
    if (isChange(was) && !isChange(s))
      diff.resolvedRecommendations.push({ ...recommendation(was), how: applied ? "applied" : "no-longer-advised" });
    const risksThen = new Set(riskCodes(was).map((r) => r.code));
    const risksNow = new Set(riskCodes(s).map((r) => r.code));
    for (const r of riskCodes(s)) if (!risksThen.has(r.code)) diff.risksAppeared.push({ ...ref(s), code: r.code, message: r.message });
    for (const r of riskCodes(was)) if (!risksNow.has(r.code)) diff.risksGone.push({ ...ref(s), code: r.code, message: r.message });
  }
  for (const [k, s] of before) if (!after.has(k)) diff.removed.push(service(s));
  diff.fleet.realisedMonthlyUsd = cents(diff.fleet.realisedMonthlyUsd);
  diff.fleet.whenHostsScaleInMonthlyUsd = cents(diff.fleet.whenHostsScaleInMonthlyUsd);
  const byName = (a: ServiceRef, b: ServiceRef) =>
    (a.account ?? "").localeCompare(b.account ?? "") ||
    (a.region ?? "").localeCompare(b.region ?? "") ||
    a.cluster.localeCompare(b.cluster) ||
    a.service.localeCompare(b.service);
  for (const list of [diff.added, diff.removed, diff.newRecommendations, diff.resolvedRecommendations, diff.risksAppeared, diff.risksGone])
    list.sort(byName);
  diff.applied.sort((a, b) => (b.realisedMonthlyUsd ?? 0) - (a.realisedMonthlyUsd ?? 0) || byName(a, b));
  return diff;
}
