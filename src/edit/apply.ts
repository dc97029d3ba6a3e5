// `ecs-advisor apply`: the report's sizes written into the task definitions a team keeps in its repository.
// Pure: a file's text and the report in, the new text (values changed, every other byte as it was), what
// changed and what was left alone (with why) out.
import type { Report, ServiceFinding } from "../model/report.js";
import { sizeChanges } from "../report/export.js";
import { locateInDocument } from "./document.js";
import { type FoundTaskDefinition, render, type SizeField, type SizeSlot } from "./slots.js";
import { locateInTerraform } from "./terraform.js";

export interface Change {
  line: number;
  /** "cpu", "container app memory" …, with where the value lives when it is not in place. */
  what: string;
  from: number;
  to: number;
  service: string;
}

export interface FilePlan {
  file: string;
  before: string;
  after: string;
  changes: Change[];
  /** One line each: what was left as it was, and why. */
  notes: string[];
}

const familyOf = (ref: string): string => ref.replace(/:\d+$/, "").replace(/^.*task-definition\//, "");

/** The task definitions in a file (Terraform by its extension, the rest as JSON or YAML). */
export function locate(text: string, file: string): FoundTaskDefinition[] {
  return /\.tf$/i.test(file) ? locateInTerraform(text, file) : locateInDocument(text.replace(/^\uFEFF/, ""), file);
}

/** What `apply` would make of one file. A file it cannot read throws (a UserError saying why). */
export function planFile(file: string, text: string, report: Report): FilePlan {
  const bom = !/\.tf$/i.test(file) && text.startsWith("\uFEFF") ? 1 : 0;
  const found = locate(text, file);
  const edits: Array<{ slot: SizeSlot; to: number; change: Change }> = [];
  const notes: string[] = [];
  for (const td of found) {
    const planned = planTaskDefinition(td, report, notes);
    for (const e of planned) edits.push(e);
  }
  // Right to left, so earlier offsets stay true.
  let after = text;
  for (const e of [...edits].sort((a, b) => b.slot.start - a.slot.start)) {
    after = after.slice(0, e.slot.start + bom) + render(e.slot, e.to) + after.slice(e.slot.end + bom);
  }
  return { file, before: text, after, changes: edits.map((e) => e.change).sort((a, b) => a.line - b.line), notes };
}

function planTaskDefinition(
  td: FoundTaskDefinition,
  report: Report,
  notes: string[],
): Array<{ slot: SizeSlot; to: number; change: Change }> {
  if (!td.family) {
    notes.push(`${td.name} (line ${td.line}): its family is not a literal, so no service can be matched: left as it is`);
    return [];
  }
  const runs = report.services.filter((s) => familyOf(s.taskDefinition) === td.family);
  if (runs.length === 0) {
    notes.push(`${td.name}: no service in the report runs family ${td.family}: left as it is`);
    return [];
  }
  const f = runs[0]!;
  const key = (s: ServiceFinding) =>
    JSON.stringify([s.recommended?.cpu, s.recommended?.memory, s.containers?.containers.map((c) => c.recommended)]);
  if (runs.some((s) => key(s) !== key(f))) {
    notes.push(
      `${td.name}: ${runs.length} services run family ${td.family} with different advice (${runs.map((s) => `${s.cluster}/${s.service}`).join(", ")}): left as it is`,
    );
    return [];
  }
  const service = runs.map((s) => `${s.cluster}/${s.service}`).join(", ");
  if (!f.recommended) {
    notes.push(`${td.name}: ${service} has no advice (${f.reasons[0]?.message ?? "see the report"}): left as it is`);
    return [];
  }
  const unread = td.slots.find((s) => s.container === "*");
  if (unread && f.containers?.containers.some((c) => c.changed)) {
    notes.push(`${td.name}: ${unread.unwritable}; its containers' sizes change too, so nothing is changed here`);
    return [];
  }
  let edits: Array<{ slot: SizeSlot; to: number; change: Change }> = [];
  const final = new Map<SizeSlot, number | undefined>();
  let taskBlocked = false;
  for (const slot of td.slots) {
    const wanted = target(f, slot);
    final.set(slot, slot.value);
    if (!wanted || wanted.to === wanted.from) continue;
    if (slot.container === undefined && slot.value !== wanted.to) taskBlocked ||= !!slot.unwritable || slot.value !== wanted.from;
    const what = `${slot.container ? `container ${slot.container} ` : ""}${slot.field}${slot.via ? ` (${slot.via})` : ""}`;
    if (slot.unwritable) {
      notes.push(`${td.name}: ${slot.unwritable}; it should go ${wanted.from} → ${wanted.to}: left as it is`);
      continue;
    }
    if (slot.value === wanted.to) continue; // already at the advice (applied before, not yet deployed)
    if (slot.value !== wanted.from) {
      notes.push(
        `${td.name}: ${what} says ${slot.value ?? "something else"} but ${service} runs ${wanted.from}: left as it is (deploy or reconcile the file first)`,
      );
      continue;
    }
    final.set(slot, wanted.to);
    edits.push({ slot, to: wanted.to, change: { line: slot.line, what, from: wanted.from, to: wanted.to, service } });
  }
  // The task's cpu and memory move together: one without the other may be no size ECS accepts.
  const taskEdits = edits.filter((e) => e.slot.container === undefined);
  if (taskBlocked && taskEdits.length > 0) {
    for (const e of taskEdits) final.set(e.slot, e.slot.value);
    edits = edits.filter((e) => e.slot.container !== undefined);
    notes.push(
      `${td.name}: the task's cpu and memory change together or not at all: ${taskEdits.map((e) => e.change.what).join(" and ")} left as ${taskEdits.length === 1 ? "it is" : "they are"} too`,
    );
  }
  const problem = fitProblem(td, final, f);
  if (problem) {
    notes.push(`${td.name}: ${problem}: left as it is`);
    return [];
  }
  if (!sizeChanges(f)) notes.push(`${td.name}: ${service} keeps its size: nothing to change`);
  return edits;
}

/** What a slot should say: the service's value now and the advice. */
function target(f: ServiceFinding, slot: SizeSlot): { from: number; to: number } | undefined {
  if (slot.container === undefined) {
    if (slot.field === "memoryReservation") return undefined;
    const from = f.current[slot.field];
    const to = f.recommended?.[slot.field];
    return from === null || to === undefined ? undefined : { from, to };
  }
  const a = f.containers?.containers.find((c) => c.name === slot.container);
  if (!a) return undefined;
  const from = a.current[slot.field];
  const to = a.recommended[slot.field];
  return from === null || to === null ? undefined : { from, to };
}

/**
 * The file's sizes after the edit, checked before anything is written: the containers fit the task, no
 * limit above the task's memory, none below a measured container's need.
 */
function fitProblem(td: FoundTaskDefinition, final: Map<SizeSlot, number | undefined>, f: ServiceFinding): string | undefined {
  const value = (field: SizeField, container: string | undefined) => {
    for (const [s, v] of final) if (s.field === field && s.container === container) return v;
    return undefined;
  };
  const taskCpu = value("cpu", undefined);
  const taskMemory = value("memory", undefined);
  let cpuSum = 0;
  let memSum = 0;
  for (const name of td.containers) {
    cpuSum += value("cpu", name) ?? 0;
    memSum += value("memoryReservation", name) ?? value("memory", name) ?? 0;
    const limit = value("memory", name);
    const need = f.containers?.containers.find((c) => c.name === name)?.observed?.memoryNeedMiB;
    if (limit !== undefined && taskMemory !== undefined && limit > taskMemory)
      return `container ${name}'s limit ${limit} MiB would exceed the task's ${taskMemory}`;
    if (limit !== undefined && need != null && limit < need)
      return `container ${name}'s limit ${limit} MiB would be below its need of ${need} MiB`;
    const reservation = value("memoryReservation", name);
    if (limit !== undefined && reservation !== undefined && reservation >= limit)
      return `container ${name}'s memoryReservation ${reservation} would not be below its limit ${limit}`;
  }
  if (taskCpu !== undefined && cpuSum > taskCpu) return `its containers would reserve ${cpuSum} cpu units, more than the task's ${taskCpu}`;
  if (taskMemory !== undefined && memSum > taskMemory)
    return `its containers would reserve ${memSum} MiB, more than the task's ${taskMemory}`;
  return undefined;
}

/** A unified diff of two texts with the same lines but some changed (what apply makes), 3 lines of context. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return "";
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) throw new Error("apply changes values, never lines");
  const changed = a.map((l, i) => l !== b[i]);
  const shown = file.replace(/^\/+/, "");
  const out = [`--- a/${shown}`, `+++ b/${shown}`];
  let i = 0;
  while (i < a.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    const start = Math.max(0, i - 3);
    let end = i;
    // Extend while another change is within 6 lines (their contexts touch).
    for (let k = i; k < a.length; k++) {
      if (changed[k]) end = k;
      else if (k - end > 6) break;
    }
    const stop = Math.min(a.length - 1, end + 3);
    const count = stop - start + 1;
    out.push(`@@ -${start + 1},${count} +${start + 1},${count} @@`);
    // A run of changed lines: all the old ones, then all the new ones.
    for (let k = start; k <= stop; ) {
      if (!changed[k]) {
        out.push(` ${a[k]}`);
        k++;
        continue;
      }
      let run = k;
      while (run <= stop && changed[run]) run++;
      for (let x = k; x < run; x++) out.push(`-${a[x]}`);
      for (let x = k; x < run; x++) out.push(`+${b[x]}`);
      k = run;
    }
    i = stop + 1;
  }
  return `${out.join("\n")}\n`;
}
