// Container-level sizing: each container's cpu, memory (hard limit) and memoryReservation inside the task's
// recommended size (aws-facts §2.1, §2.2). Pure.
//
// - A container with its own metrics (Container Insights with enhanced observability) is sized from them: cpu
//   from the policy's cpu statistic ÷ the cpu target, memory from its peak ÷ the memory target. No hard limit
//   is ever set below that (its peak plus the headroom the target leaves).
// - A container without metrics of its own, when others have them (a sidecar), keeps its values and is said
//   to be unmeasured.
// - Without any container metrics, every value is scaled with the task; each container's own peak is unknown.
// - The values fit the task: where the task's size is the sum of its containers' (no task-level cpu or memory),
//   they add up to the recommended task size exactly; where the task has its own size, they add up to no more.
//   When the containers' floors do not fit, `minTask` says how large the task must be, and the caller re-sizes.
import type { ContainerAdvice, ContainersAdvice } from "../model/report.js";
import type { Container, ContainerUsage, TaskDefinition } from "../model/snapshot.js";
import type { Policy } from "./policy.js";
import { choosePercentile } from "./predict.js";
import { countPresent, max, percentile } from "./stats.js";

/** Docker 20.10+ refuses less (aws-facts §2.2). */
export const MIN_CONTAINER_MEMORY_MIB = 6;
/** The agent passes 2 shares for anything below (aws-facts §2.1). */
export const MIN_CONTAINER_CPU = 2;

export interface ContainerSizingInput {
  td: TaskDefinition;
  /** What the task reserves now, and the size recommended for it (cpu units, MiB). */
  current: { cpu: number; memory: number };
  recommended: { cpu: number; memory: number };
  usage: readonly ContainerUsage[] | undefined;
  policy: Policy;
  /**
   * Nothing of this resource may be made smaller (low confidence, a suspected leak, OOM kills): its
   * container values are kept as they are.
   */
  blocked?: { cpu: boolean; memory: boolean } | undefined;
}

export interface ContainerSizing {
  advice: ContainersAdvice | null;
  /** The smallest task the containers fit in: above `recommended` when they do not fit it. */
  minTask: { cpu: number; memory: number };
}

interface Observed {
  cpuUnits: number | null;
  memoryPeakMiB: number | null;
  memoryNeedMiB: number | null;
}

interface Slot {
  index: number;
  current: number;
  /** Kept as it is (a container without metrics of its own while others have them). */
  fixed: boolean;
  /** Share of what is left for the containers that move. */
  weight: number;
  floor: number;
}

/** What one container used, by the policy's statistics; null without enough data. */
export function observeContainer(u: ContainerUsage | undefined, policy: Policy): Observed | null {
  if (!u) return null;
  const enough = (s: ArrayLike<number>) => countPresent(s) >= policy.minPoints;
  const cpuOk = enough(u.cpuMaximum);
  const memOk = enough(u.memoryMaximum);
  if (!cpuOk && !memOk) return null;
  // Stored as float32: round to what CloudWatch reported (0.01), and let a need that is whole stay whole.
  const centi = (v: number) => Math.round(v * 100) / 100;
  const peak = memOk ? centi(max(u.memoryMaximum)) : null;
  return {
    cpuUnits: cpuOk ? centi(cpuStatistic(u.cpuMaximum, policy)) : null,
    memoryPeakMiB: peak,
    memoryNeedMiB: peak === null ? null : ceilWhole(peak / (policy.memory.target / 100)),
  };
}

/** The policy's cpu statistic of a container's usage: its fixed percentile, or one chosen the task's way (predict.ts). */
function cpuStatistic(units: ArrayLike<number>, policy: Policy): number {
  if (typeof policy.cpu.throttleWeight !== "number") return percentile(units, policy.cpu.percentile);
  return choosePercentile(units, policy.cpu.throttleWeight)?.valuePercent ?? Number.NaN;
}

/**
 * Integer values for the slots that add up to `total`: fixed slots keep theirs, the others share the rest by
 * weight (largest remainder), none below its floor. Returns undefined when the floors do not fit.
 */
export function distribute(slots: readonly Slot[], total: number): Map<number, number> | undefined {
  const out = new Map<number, number>();
  let rest = total;
  for (const s of slots)
    if (s.fixed) {
      out.set(s.index, s.current);
      rest -= s.current;
    }
  const moving = slots.filter((s) => !s.fixed);
  if (moving.length === 0) return rest >= 0 ? out : undefined;
  if (rest < moving.reduce((a, s) => a + s.floor, 0)) return undefined;
  // Shares by weight; a share under its floor is pinned there and the others share what is left (water-filling).
  const share = new Map<Slot, number>();
  let free = moving;
  let left = rest;
  for (;;) {
    const weights = free.reduce((a, s) => a + s.weight, 0);
    const raw = free.map((s) => (weights > 0 ? (left * s.weight) / weights : left / free.length));
    const under = free.filter((s, k) => raw[k]! < s.floor);
    if (under.length === 0) {
      for (const [k, s] of free.entries()) share.set(s, raw[k]!);
      break;
    }
    for (const s of under) {
      share.set(s, s.floor);
      left -= s.floor;
    }
    free = free.filter((s) => !under.includes(s));
    if (free.length === 0) break;
  }
  // Whole units, the remainder to the largest fractions, so the shares add up to `rest` exactly.
  const whole = moving.map((s) => Math.floor(share.get(s)! + 1e-9));
  let spare = rest - whole.reduce((a, b) => a + b, 0);
  const order = moving.map((s, k) => ({ k, frac: share.get(s)! - whole[k]! })).sort((a, b) => b.frac - a.frac || a.k - b.k);
  for (const { k } of order) {
    if (spare <= 0) break;
    whole[k]! += 1;
    spare--;
  }
  for (const [k, s] of moving.entries()) out.set(s.index, whole[k]!);
  return out;
}

/** Ceiling that does not lift 1138.0000000002 to 1139. */
export const ceilWhole = (v: number): number => Math.ceil(v - 1e-9);

const sum = (xs: Iterable<number>) => {
  let a = 0;
  for (const x of xs) a += x;
  return a;
};

export function sizeContainers(input: ContainerSizingInput): ContainerSizing {
  const { td, current, recommended, policy } = input;
  const byName = new Map((input.usage ?? []).map((u) => [u.name, u]));
  const observed = td.containers.map((c) => observeContainer(byName.get(c.name), policy));
  const anyMeasured = observed.some((o) => o !== null);
  const setsSizes = td.containers.some((c) => (c.cpu ?? 0) > 0 || c.memory !== undefined || c.memoryReservation !== undefined);
  const minTask = { ...recommended };
  if (!setsSizes && !anyMeasured) return { advice: null, minTask };

  const ctx: SizingContext = {
    ...input,
    observed,
    anyMeasured,
    ratio: {
      cpu: current.cpu > 0 ? recommended.cpu / current.cpu : 1,
      memory: current.memory > 0 ? recommended.memory / current.memory : 1,
    },
    minTask,
  };
  const cpu = cpuShares(ctx);
  const reserve = memoryReserves(ctx);
  const containers = td.containers.map((c, i) => containerAdvice(ctx, c, i, cpu, reserve));
  settle(containers, recommended, current, policy);
  const blocked = keepBlocked(containers, input.blocked);
  return {
    advice: {
      basis: anyMeasured ? "container-metrics" : setsSizes ? "scaled-with-task" : "task-only",
      message: adviceMessage(containers, anyMeasured, setsSizes, ctx.ratio) + blocked,
      containers,
    },
    minTask,
  };
}

interface SizingContext extends ContainerSizingInput {
  observed: Array<Observed | null>;
  anyMeasured: boolean;
  /** Recommended ÷ current task size: how values scale when no container has metrics. */
  ratio: { cpu: number; memory: number };
  /** Raised here when the containers do not fit. */
  minTask: { cpu: number; memory: number };
}

/** cpu for the containers that reserve some. */
function cpuShares(ctx: SizingContext): Map<number, number> {
  const { td, recommended, observed, anyMeasured, ratio } = ctx;
  const cpuTarget = ctx.policy.cpu.target / 100;
  const slots: Slot[] = [];
  for (const [i, c] of td.containers.entries()) {
    if (c.cpu === undefined || c.cpu <= 0) continue;
    const o = observed[i];
    const need = o?.cpuUnits != null ? ceilWhole(o.cpuUnits / cpuTarget) : undefined;
    if (anyMeasured && need === undefined) slots.push({ index: i, current: c.cpu, fixed: true, weight: 0, floor: c.cpu });
    else slots.push({ index: i, current: c.cpu, fixed: false, weight: need ?? c.cpu, floor: MIN_CONTAINER_CPU });
  }
  const total =
    td.cpu === undefined
      ? recommended.cpu
      : Math.min(recommended.cpu, anyMeasured ? wants(slots) : Math.floor(sum(slots.map((s) => s.current)) * ratio.cpu));
  const out = distribute(slots, total);
  if (out) return out;
  ctx.minTask.cpu = Math.max(ctx.minTask.cpu, sum(slots.map((s) => s.floor)));
  return new Map(slots.map((s) => [s.index, s.current]));
}

/** What each container reserves of memory: memoryReservation, else its hard limit. */
function memoryReserves(ctx: SizingContext): Map<number, number> {
  const { td, recommended, observed, anyMeasured, ratio } = ctx;
  const slots: Slot[] = [];
  for (const [i, c] of td.containers.entries()) {
    const reserve = c.memoryReservation ?? c.memory;
    if (reserve === undefined) continue;
    const hard = c.memoryReservation === undefined;
    // With both set, the reservation keeps the share of the limit the team chose; the limit follows the need.
    const needMiB = observed[i]?.memoryNeedMiB ?? undefined;
    const need = needMiB !== undefined && !hard && c.memory !== undefined ? Math.ceil((needMiB * reserve) / c.memory) : needMiB;
    if (anyMeasured && need === undefined) slots.push({ index: i, current: reserve, fixed: true, weight: 0, floor: reserve });
    else
      slots.push({
        index: i,
        current: reserve,
        fixed: false,
        weight: need ?? reserve,
        floor: hard && need !== undefined ? need : Math.min(MIN_CONTAINER_MEMORY_MIB, reserve),
      });
  }
  const total =
    td.memory === undefined
      ? recommended.memory
      : Math.min(recommended.memory, anyMeasured ? wants(slots) : Math.floor(sum(slots.map((s) => s.current)) * ratio.memory));
  const out = distribute(slots, total);
  if (out) return out;
  ctx.minTask.memory = Math.max(ctx.minTask.memory, sum(slots.map((s) => s.floor)));
  return new Map(slots.map((s) => [s.index, s.current]));
}

/** What the slots want together: the kept values and the others' needs. */
const wants = (slots: readonly Slot[]) => sum(slots.map((s) => (s.fixed ? s.current : s.weight)));

function containerAdvice(
  ctx: SizingContext,
  c: Container,
  i: number,
  cpu: Map<number, number>,
  reserve: Map<number, number>,
): ContainerAdvice {
  const { td, recommended, anyMeasured, ratio } = ctx;
  const o = ctx.observed[i] ?? null;
  const setsSizes = (c.cpu ?? 0) > 0 || c.memory !== undefined || c.memoryReservation !== undefined;
  const basis: ContainerAdvice["basis"] = o
    ? "measured"
    : anyMeasured
      ? setsSizes
        ? "unmeasured"
        : "none"
      : setsSizes
        ? "scaled"
        : "none";
  const rec = { cpu: cpu.get(i) ?? c.cpu ?? null, memory: c.memory ?? null, memoryReservation: c.memoryReservation ?? null };
  if (c.memoryReservation !== undefined) rec.memoryReservation = reserve.get(i) ?? c.memoryReservation;
  if (c.memory !== undefined) {
    if (c.memoryReservation === undefined) rec.memory = reserve.get(i) ?? c.memory;
    else {
      // Both set: the hard limit above the reservation (ECS requires it), never below the container's need.
      const limit =
        basis === "measured" && o?.memoryNeedMiB != null
          ? o.memoryNeedMiB
          : basis === "scaled"
            ? Math.floor(c.memory * ratio.memory)
            : c.memory;
      rec.memory = Math.max(limit, (rec.memoryReservation ?? 0) + 1, MIN_CONTAINER_MEMORY_MIB);
    }
    if (td.memory !== undefined && rec.memory > recommended.memory) {
      // A limit cannot exceed the task's memory: the task grows when the container needs it, else the limit is capped.
      if (basis === "measured" && (o?.memoryNeedMiB ?? 0) > recommended.memory)
        ctx.minTask.memory = Math.max(ctx.minTask.memory, rec.memory);
      else rec.memory = recommended.memory;
    }
  }
  return {
    name: c.name,
    essential: c.essential !== false,
    basis,
    current: { cpu: c.cpu ?? null, memory: c.memory ?? null, memoryReservation: c.memoryReservation ?? null },
    recommended: rec,
    observed: o,
    changed: false,
  };
}

function adviceMessage(
  containers: readonly ContainerAdvice[],
  anyMeasured: boolean,
  setsSizes: boolean,
  ratio: { cpu: number; memory: number },
): string {
  const unmeasured = containers.filter((c) => c.basis === "unmeasured").map((c) => c.name);
  const one = unmeasured.length === 1;
  if (anyMeasured) {
    const kept = unmeasured.length
      ? `; ${unmeasured.join(", ")} ${one ? "has" : "have"} no metrics of ${one ? "its" : "their"} own and keep${one ? "s" : ""} ${one ? "its" : "their"} values`
      : "";
    return `sized from each container's own metrics (Container Insights)${kept}`;
  }
  const x = (r: number) => `×${r.toFixed(2)}`;
  return setsSizes
    ? `no container metrics: each container's values are scaled with the task (cpu ${x(ratio.cpu)}, memory ${x(ratio.memory)}); their own peaks are unknown`
    : "the containers set no sizes of their own: they share the task's";
}

/**
 * Nothing moves for less than the policy's minimum change when the task keeps its size and every hard limit
 * covers its need: a deployment for a few MiB is not worth it.
 */
function settle(
  containers: ContainerAdvice[],
  recommended: { cpu: number; memory: number },
  current: { cpu: number; memory: number },
  policy: Policy,
): void {
  const fields = ["cpu", "memory", "memoryReservation"] as const;
  const moved = (c: ContainerAdvice, f: (typeof fields)[number]) => {
    const a = c.current[f];
    const b = c.recommended[f];
    return a !== null && b !== null && a !== b;
  };
  const small = (c: ContainerAdvice) =>
    fields.every((f) => {
      const a = c.current[f];
      const b = c.recommended[f];
      return a === null || b === null || Math.abs(b - a) < (a * policy.minChangePercent) / 100;
    });
  const belowNeed = (c: ContainerAdvice) =>
    c.current.memory !== null && c.observed?.memoryNeedMiB != null && c.current.memory < c.observed.memoryNeedMiB;
  const taskKept = recommended.cpu === current.cpu && recommended.memory === current.memory;
  if (taskKept && containers.every(small) && !containers.some(belowNeed)) {
    for (const c of containers) c.recommended = { ...c.current };
  }
  for (const c of containers) c.changed = fields.some((f) => moved(c, f));
}

/**
 * A resource that may not be made smaller (the task's is not either): no container value of it goes down;
 * one may go up (an OOM kill raises the task, and its containers with it). Returns what to add to the message.
 */
function keepBlocked(containers: ContainerAdvice[], blocked: ContainerSizingInput["blocked"]): string {
  if (!blocked || (!blocked.cpu && !blocked.memory)) return "";
  const fields = [...(blocked.cpu ? (["cpu"] as const) : []), ...(blocked.memory ? (["memory", "memoryReservation"] as const) : [])];
  let held = false;
  for (const c of containers) {
    for (const f of fields) {
      const now = c.current[f];
      const rec = c.recommended[f];
      if (now !== null && rec !== null && rec < now) {
        c.recommended[f] = now;
        held = true;
      }
    }
    c.changed = (["cpu", "memory", "memoryReservation"] as const).some((f) => c.current[f] !== c.recommended[f]);
  }
  if (!held) return "";
  const what = blocked.cpu && blocked.memory ? "cpu and memory" : blocked.cpu ? "cpu" : "memory";
  return `; nothing may be made smaller (see the reasons), so no container's ${what} goes down`;
}

/** The container values of a task definition as the recommendation has them (for export and apply). */
export function containerValues(
  c: Container,
  advice: ContainerAdvice | undefined,
): Pick<Container, "cpu" | "memory" | "memoryReservation"> {
  const r = advice?.recommended;
  return {
    ...(c.cpu !== undefined ? { cpu: r?.cpu ?? c.cpu } : {}),
    ...(c.memory !== undefined ? { memory: r?.memory ?? c.memory } : {}),
    ...(c.memoryReservation !== undefined ? { memoryReservation: r?.memoryReservation ?? c.memoryReservation } : {}),
  };
}
