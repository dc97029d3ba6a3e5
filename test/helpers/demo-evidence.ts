// The demo fleet narrowed to a few services, as a snapshot file: each keeps its task definitions, its cluster and
// that cluster's hosts, so its advice is the same as under --demo — without loading and advising forty services
// in every run a test starts (a spawned `check --demo` or `apply --demo` spends most of its time on the others).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSaved } from "../../src/cli/source.js";
import { writeSnapshotFile } from "../../src/collect/file.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { ROOT } from "./cli.js";

/**
 * The demo fleet narrowed to the services named (in the demo's order), with their task definitions, clusters and
 * those clusters' hosts: a snapshot whose advice for those services is what --demo gives them.
 */
export function narrowDemo(names: readonly string[]): Snapshot {
  const demo = loadSaved({ demo: true }, ROOT).snapshot;
  const services = demo.services.filter((s) => names.includes(s.name));
  if (services.length !== names.length)
    throw new Error(`the demo fleet has no service named ${names.filter((n) => !services.some((s) => s.name === n)).join(", ")}`);
  const refs = new Set(services.map((s) => s.taskDefinition));
  const clusters = new Set(services.map((s) => s.cluster));
  return {
    ...demo,
    services,
    taskDefinitions: demo.taskDefinitions.filter((td) => refs.has(`${td.family}:${td.revision}`)),
    clusters: demo.clusters.filter((c) => clusters.has(c.name)),
    containerInstances: demo.containerInstances.filter((ci) => clusters.has(ci.cluster)),
  };
}

/** Writes the narrowed snapshot to a fresh temporary file and returns its path. */
export async function demoEvidence(names: readonly string[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "ecs-advisor-evidence-")), "evidence.json");
  await writeSnapshotFile(file, narrowDemo(names));
  return file;
}
