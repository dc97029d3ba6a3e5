// A small model of an EC2 cluster with every task on a known host, and of how ECS re-places the tasks of a
// drained host: for a test to drain a host the way ECS would and ask the advisor again. Independent of the
// advisor's own arithmetic (it only produces the ContainerInstances the advisor reads).
import { mulberry32 } from "../../fixtures/demo/generate.js";
import type { ContainerInstance } from "../../src/model/snapshot.js";

export interface SimTask {
  service: string;
  cpu: number;
  memory: number;
  awsvpc: boolean;
}

export interface SimHost {
  id: string;
  instanceType: string;
  registered: { cpu: number; memory: number };
  /** awsvpc tasks the host can hold (ENIs less its own) */
  slots: number;
  availabilityZone?: string;
  tasks: SimTask[];
}

/** ECS's two common task placement strategies for services. */
export type Strategy = "spread" | "binpack";

export function remainingOf(h: SimHost) {
  let cpu = h.registered.cpu;
  let memory = h.registered.memory;
  let slots = h.slots;
  for (const t of h.tasks) {
    cpu -= t.cpu;
    memory -= t.memory;
    if (t.awsvpc) slots--;
  }
  return { cpu, memory, slots };
}

export const fitsOn = (h: SimHost, t: SimTask): boolean => {
  const r = remainingOf(h);
  return r.cpu >= t.cpu && r.memory >= t.memory && (!t.awsvpc || r.slots >= 1);
};

/**
 * Place one task: spread (instanceId) picks the host with the fewest tasks, binpack (memory) the host with
 * the least memory left that still fits; ties go to the first host. Returns false when no host has room.
 */
export function place(hosts: SimHost[], t: SimTask, strategy: Strategy): boolean {
  const open = hosts.filter((h) => fitsOn(h, t));
  if (open.length === 0) return false;
  const key = strategy === "spread" ? (h: SimHost) => h.tasks.length : (h: SimHost) => remainingOf(h).memory;
  const best = open.reduce((a, h) => (key(h) < key(a) ? h : a));
  best.tasks.push(t);
  return true;
}

export const cloneHosts = (hosts: readonly SimHost[]): SimHost[] => hosts.map((h) => ({ ...h, tasks: [...h.tasks] }));

/**
 * Drain one host: take it out and re-place its tasks on the others, largest first (what the ECS scheduler
 * does as the service replaces them). undefined when a task finds no room.
 */
export function drain(hosts: readonly SimHost[], id: string, strategy: Strategy): SimHost[] | undefined {
  const next = cloneHosts(hosts);
  const gone = next.find((h) => h.id === id);
  if (!gone) throw new Error(`no host ${id}`);
  const rest = next.filter((h) => h !== gone);
  const moving = [...gone.tasks].sort((a, b) => b.cpu - a.cpu || b.memory - a.memory);
  for (const t of moving) if (!place(rest, t, strategy)) return undefined;
  return rest;
}

/** What ECS reports for each host: registered and remaining resources and the running tasks. */
export function toInstances(hosts: readonly SimHost[], cluster = "c1"): ContainerInstance[] {
  return hosts.map((h) => {
    const r = remainingOf(h);
    return {
      cluster,
      id: h.id,
      instanceType: h.instanceType,
      status: "ACTIVE",
      agentConnected: true,
      registered: { ...h.registered },
      remaining: { cpu: r.cpu, memory: r.memory },
      runningTasks: h.tasks.length,
      ...(h.availabilityZone ? { availabilityZone: h.availabilityZone } : {}),
    };
  });
}

/** The largest tasks that fit on the hosts now, counted directly (garbe.io's SchedulableContainers). */
export function schedulable(hosts: readonly SimHost[], largest: { cpu: number; memory: number; awsvpc: boolean }): number {
  let n = 0;
  for (const h of hosts) {
    const r = remainingOf(h);
    n += Math.max(
      0,
      Math.min(Math.floor(r.cpu / largest.cpu), Math.floor(r.memory / largest.memory), largest.awsvpc ? r.slots : Number.POSITIVE_INFINITY),
    );
  }
  return n;
}

/** A seeded generator (mulberry32): the same clusters every run, and a failing seed can be replayed. */
export function rng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
