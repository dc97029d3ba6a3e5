// Bin packing tasks onto EC2 hosts: which instance type (or a small mix) holds a set of tasks for the
// least money. First-fit decreasing per type, with identical tasks placed in batches, and types tried in
// order of a lower bound on their cost so that most of a 500-type catalogue is never packed at all.

export interface TaskGroup {
  /** Reservation of one task. */
  cpu: number;
  memory: number;
  /** Needs an ENI of its own (awsvpc network mode). */
  awsvpc: boolean;
  count: number;
  label: string;
  /** The most of these tasks one host may hold (availability: a host holds at most a share of a service). */
  perHost?: number | undefined;
}

export interface HostType {
  instanceType: string;
  cpu: number;
  memory: number;
  /** awsvpc tasks one host holds. */
  awsvpcSlots: number;
  hourly: number;
}

interface Bin {
  cpu: number; // remaining
  memory: number;
  slots: number;
}

export interface Packing {
  instanceTypes: Record<string, number>;
  hosts: number;
  hourly: number;
  /** Reserved share of the hosts' registered capacity once packed. */
  cpuReservedPercent: number;
  memoryReservedPercent: number;
  /** What fills the hosts first. */
  limitedBy: "cpu" | "memory" | "eni";
}

/**
 * Identical tasks as one group (so 10,000 tasks of a few sizes pack as a few groups). Groups with a
 * per-host limit merge only with groups of the same size, count and limit, and their limits add up:
 * k services of c tasks at most m a host, packed as kc tasks at most km a host, can always be handed
 * back to the services with at most m each on every host (for any s of them, s·c ≤ Σ min(x, s·m) when
 * every host's x ≤ k·m), so the limit holds for each service.
 */
export function mergeGroups(groups: readonly TaskGroup[]): TaskGroup[] {
  const byShape = new Map<string, TaskGroup>();
  for (const g of groups) {
    if (g.count <= 0) continue;
    const limited = g.perHost !== undefined && g.perHost < g.count;
    const key = `${g.cpu}|${g.memory}|${g.awsvpc ? 1 : 0}${limited ? `|${g.count}|${g.perHost}` : ""}`;
    const prev = byShape.get(key);
    if (prev) {
      prev.count += g.count;
      if (limited) prev.perHost! += g.perHost!;
    } else byShape.set(key, { ...g, perHost: limited ? g.perHost : undefined });
  }
  return [...byShape.values()];
}

/**
 * Hosts of one type that first-fit decreasing needs for the groups (largest share of a host first);
 * undefined when a task does not fit an empty host. Hosts that cannot take even the smallest task still
 * to come are dropped from the scan, so the work grows with the open hosts, not all of them.
 */
export function packOnto(
  groups: readonly TaskGroup[],
  t: HostType,
): { bins: Bin[]; used: { cpu: number; memory: number; slots: number } } | undefined {
  const share = (g: TaskGroup) => Math.max(g.cpu / t.cpu, g.memory / t.memory);
  const order = groups.filter((g) => g.count > 0).sort((a, b) => share(b) - share(a) || b.cpu - a.cpu || b.memory - a.memory);
  // The smallest cpu and memory of any task from position k on, and whether any of them needs no ENI.
  const minCpu = new Float64Array(order.length + 1).fill(Number.POSITIVE_INFINITY);
  const minMem = new Float64Array(order.length + 1).fill(Number.POSITIVE_INFINITY);
  const anyPlain = new Uint8Array(order.length + 1);
  for (let k = order.length - 1; k >= 0; k--) {
    minCpu[k] = Math.min(minCpu[k + 1]!, order[k]!.cpu);
    minMem[k] = Math.min(minMem[k + 1]!, order[k]!.memory);
    anyPlain[k] = anyPlain[k + 1]! || (order[k]!.awsvpc ? 0 : 1);
  }
  const bins: Bin[] = [];
  let open: Bin[] = [];
  const used = { cpu: 0, memory: 0, slots: 0 };
  for (let k = 0; k < order.length; k++) {
    const g = order[k]!;
    const perEmpty = Math.min(
      Math.floor(t.cpu / g.cpu),
      Math.floor(t.memory / g.memory),
      g.awsvpc ? t.awsvpcSlots : Number.POSITIVE_INFINITY,
    );
    if (!(perEmpty >= 1)) return undefined;
    const cap = g.perHost ?? Number.POSITIVE_INFINITY;
    let left = g.count;
    // First fit: the open hosts in order, as many as each still holds (and the group's limit allows).
    for (let i = 0; i < open.length && left > 0; i++) {
      const b = open[i]!;
      const n = Math.min(left, cap, Math.floor(b.cpu / g.cpu), Math.floor(b.memory / g.memory), g.awsvpc ? b.slots : left);
      if (n <= 0) continue;
      b.cpu -= n * g.cpu;
      b.memory -= n * g.memory;
      if (g.awsvpc) b.slots -= n;
      left -= n;
    }
    // Then new hosts, each taking as many as fit an empty one.
    while (left > 0) {
      const n = Math.min(left, perEmpty, cap);
      const b = { cpu: t.cpu - n * g.cpu, memory: t.memory - n * g.memory, slots: t.awsvpcSlots - (g.awsvpc ? n : 0) };
      bins.push(b);
      open.push(b);
      left -= n;
    }
    used.cpu += g.count * g.cpu;
    used.memory += g.count * g.memory;
    if (g.awsvpc) used.slots += g.count;
    const c = minCpu[k + 1]!;
    const m = minMem[k + 1]!;
    const plain = anyPlain[k + 1] === 1;
    open = open.filter((b) => b.cpu >= c && b.memory >= m && (plain || b.slots >= 1));
  }
  return { bins, used };
}

export interface Demand {
  cpu: number;
  memory: number;
  slots: number;
  maxCpu: number;
  maxMemory: number;
  /** Hosts the per-host limits alone call for: the largest ⌈count ÷ perHost⌉. */
  spread: number;
}

export function demandOf(groups: readonly TaskGroup[]): Demand {
  const d = { cpu: 0, memory: 0, slots: 0, maxCpu: 0, maxMemory: 0, spread: 0 };
  for (const g of groups) {
    if (g.count <= 0) continue;
    d.cpu += g.cpu * g.count;
    d.memory += g.memory * g.count;
    if (g.awsvpc) d.slots += g.count;
    d.maxCpu = Math.max(d.maxCpu, g.cpu);
    d.maxMemory = Math.max(d.maxMemory, g.memory);
    if (g.perHost !== undefined) d.spread = Math.max(d.spread, Math.ceil(g.count / g.perHost));
  }
  return d;
}

/** No packing onto this type can use fewer hosts than this. */
export function lowerBound(d: Demand, t: HostType): number {
  if (d.maxCpu > t.cpu || d.maxMemory > t.memory || (d.slots > 0 && t.awsvpcSlots < 1)) return Number.POSITIVE_INFINITY;
  return Math.max(Math.ceil(d.cpu / t.cpu), Math.ceil(d.memory / t.memory), d.slots > 0 ? Math.ceil(d.slots / t.awsvpcSlots) : 0, d.spread);
}

/** The smallest multiple of `step` that is at least n. */
const roundUpTo = (n: number, step: number) => Math.ceil(n / Math.max(1, step)) * Math.max(1, step);

function describe(t: HostType, bins: Bin[], used: { cpu: number; memory: number; slots: number }, mix?: { last: HostType }): Packing {
  const hosts = bins.length;
  const capCpu = (hosts - (mix ? 1 : 0)) * t.cpu + (mix ? mix.last.cpu : 0);
  const capMem = (hosts - (mix ? 1 : 0)) * t.memory + (mix ? mix.last.memory : 0);
  const cpuShare = used.cpu / Math.max(1, capCpu);
  const memShare = used.memory / Math.max(1, capMem);
  const eniShare = used.slots / Math.max(1, hosts * t.awsvpcSlots);
  const limitedBy = eniShare >= cpuShare && eniShare >= memShare && used.slots > 0 ? "eni" : cpuShare >= memShare ? "cpu" : "memory";
  const instanceTypes: Record<string, number> = {};
  if (hosts - (mix ? 1 : 0) > 0) instanceTypes[t.instanceType] = hosts - (mix ? 1 : 0);
  if (mix) instanceTypes[mix.last.instanceType] = 1;
  return {
    instanceTypes,
    hosts,
    hourly: (hosts - (mix ? 1 : 0)) * t.hourly + (mix ? mix.last.hourly : 0),
    cpuReservedPercent: cpuShare * 100,
    memoryReservedPercent: memShare * 100,
    limitedBy,
  };
}

export interface PackingChoice {
  best: Packing;
  /** The next cheapest single-type packings (for the report), the best's own type left out. */
  alternatives: Packing[];
  /** Types packed in full (the rest were ruled out by their lower bound). */
  evaluated: number;
}

/**
 * The cheapest packing: each type packed alone by first-fit decreasing, with its last (least full) host
 * swapped for the cheapest type that holds what it holds. Types are tried in order of a lower bound on
 * that cost — (hosts it needs at least − 1) × its price + the cheapest host — and the search stops once
 * no type left can beat the best, so most of a 500-type catalogue is never packed.
 */
export function cheapestPacking(
  tasks: readonly TaskGroup[],
  types: readonly HostType[],
  opts: { keep?: number; minHosts?: number; hostMultiple?: number } = {},
): PackingChoice | undefined {
  const keep = opts.keep ?? 3;
  const multiple = Math.max(1, opts.hostMultiple ?? 1);
  const minHosts = roundUpTo(Math.max(1, opts.minHosts ?? 1), multiple);
  const groups = mergeGroups(tasks);
  const demand = demandOf(groups);
  const cheapestHost = Math.min(...types.map((t) => t.hourly));
  const ranked = types
    .map((t) => ({ t, lb: roundUpTo(Math.max(minHosts, lowerBound(demand, t)), multiple) }))
    .filter((x) => Number.isFinite(x.lb) && x.lb > 0)
    .map((x) => ({ ...x, lbCost: (x.lb - 1) * x.t.hourly + Math.min(cheapestHost, x.t.hourly) }))
    .sort((a, b) => a.lbCost - b.lbCost || a.t.instanceType.localeCompare(b.t.instanceType));
  const done: Array<{ single: Packing; mixed: Packing }> = [];
  let bestCost = Number.POSITIVE_INFINITY;
  for (const { t, lbCost } of ranked) {
    if (lbCost >= bestCost && done.length >= keep) break;
    const r = packOnto(groups, t);
    if (!r) continue;
    // Too few hosts to spread over, or not a multiple of the zones: add empty hosts of the same type.
    const hosts = roundUpTo(Math.max(minHosts, r.bins.length), multiple);
    while (r.bins.length < hosts) r.bins.push({ cpu: t.cpu, memory: t.memory, slots: t.awsvpcSlots });
    const single = describe(t, r.bins, r.used);
    const last = r.bins[r.bins.length - 1]!;
    const need = { cpu: t.cpu - last.cpu, memory: t.memory - last.memory, slots: t.awsvpcSlots - last.slots };
    let cheaper: HostType | undefined;
    for (const o of last.cpu === t.cpu && last.memory === t.memory ? [] : types) {
      if (o.cpu >= need.cpu && o.memory >= need.memory && o.awsvpcSlots >= need.slots && o.hourly < (cheaper?.hourly ?? t.hourly))
        cheaper = o;
    }
    const mixed = cheaper ? describe(t, r.bins, r.used, { last: cheaper }) : single;
    done.push({ single, mixed });
    bestCost = Math.min(bestCost, mixed.hourly);
  }
  if (done.length === 0) return undefined;
  // Equal cost: fewer hosts (less overhead per host, fewer daemons), then by name for a stable answer.
  const byCost = (a: Packing, b: Packing) => a.hourly - b.hourly || a.hosts - b.hosts || typesKey(a).localeCompare(typesKey(b));
  const best = done.map((d) => d.mixed).sort(byCost)[0]!;
  const alternatives = done
    .map((d) => d.single)
    .filter((p) => typesKey(p) !== typesKey(best))
    .sort(byCost)
    .slice(0, keep - 1);
  return { best, alternatives, evaluated: done.length };
}

const typesKey = (p: Packing): string =>
  Object.entries(p.instanceTypes)
    .map(([t, n]) => `${t}×${n}`)
    .sort()
    .join("+");
