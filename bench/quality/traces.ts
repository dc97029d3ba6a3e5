// Utilization traces in the CSV format of ../shared/data/traces (see its README):
//   service,timestamp_epoch_s,task_cpu_units,task_memory_mib,CPUUtilization,MemoryUtilization,cpu_units_used,memory_mib_used
// read onto a regular grid (NaN where a sample is missing).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

export interface Trace {
  name: string;
  startMs: number;
  periodSeconds: number;
  cpuUsed: Float64Array; // cpu units
  memUsed: Float64Array; // MiB
  allocCpu: Float64Array; // the allocation at each point
  allocMem: Float64Array;
  /** False when the trace has no memory metric (every memory cell empty): memory is then not scored. */
  hasMemory: boolean;
}

/** A CSV cell as a number; an empty cell is a missing value (NaN), never 0. */
const num = (cell: string | undefined): number => (cell === undefined || cell.trim() === "" ? Number.NaN : Number(cell));

function readText(path: string): string {
  const bytes = readFileSync(path);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
}

export function traceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.csv(\.gz)?$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

export function parseTraces(text: string, periodSeconds = 300): Trace[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]!.split(",");
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`trace CSV has no column ${name}`);
    return i;
  };
  const [iS, iT, iC, iM, iCU, iMU] = [
    "service",
    "timestamp_epoch_s",
    "task_cpu_units",
    "task_memory_mib",
    "cpu_units_used",
    "memory_mib_used",
  ].map(col) as [number, number, number, number, number, number];
  const rows = new Map<string, Array<[number, number, number, number, number]>>();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const f = line.split(",");
    const list = rows.get(f[iS]!) ?? [];
    list.push([num(f[iT]) * 1000, num(f[iC]), num(f[iM]), num(f[iCU]), num(f[iMU])]);
    rows.set(f[iS]!, list);
  }
  const step = periodSeconds * 1000;
  const out: Trace[] = [];
  for (const [name, list] of rows) {
    list.sort((a, b) => a[0] - b[0]);
    const startMs = list[0]![0];
    const n = Math.floor((list[list.length - 1]![0] - startMs) / step) + 1;
    const t: Trace = {
      name,
      startMs,
      periodSeconds,
      cpuUsed: new Float64Array(n).fill(Number.NaN),
      memUsed: new Float64Array(n).fill(Number.NaN),
      allocCpu: new Float64Array(n).fill(Number.NaN),
      allocMem: new Float64Array(n).fill(Number.NaN),
      hasMemory: false,
    };
    for (const [ms, ac, am, cu, mu] of list) {
      const i = Math.round((ms - startMs) / step);
      if (i < 0 || i >= n) continue;
      t.cpuUsed[i] = cu;
      t.memUsed[i] = mu;
      t.allocCpu[i] = ac;
      t.allocMem[i] = am;
      if (!Number.isNaN(mu)) t.hasMemory = true;
    }
    out.push(t);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function readTraces(path: string): Trace[] {
  return traceFiles(path).flatMap((f) => parseTraces(readText(f)));
}
