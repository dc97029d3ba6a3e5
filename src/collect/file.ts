// Snapshot files: .json or .json.gz (detected by content, not name), validated once, with errors that say
// which field is wrong and what was expected.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, gunzipSync } from "node:zlib";
import type { z } from "zod";
import { UserError } from "../errors.js";
import {
  ESTATE_SCHEMA_VERSION,
  type Estate,
  estateSchema,
  SNAPSHOT_SCHEMA_VERSION,
  scopeName,
  snapshotSchema,
  type Snapshot,
} from "../model/snapshot.js";
import { streamFileAtomically } from "../write-file.js";
import { describeJsonError } from "./json-error.js";

const SNAPSHOT_HINT =
  "the file must be an ecs-advisor snapshot (format: schema/snapshot-v1.schema.json); check it against that schema, or write it again with the tool that made it";

/** Read and validate a snapshot file of one account-region; messages name it as `shown` (the path as the user gave it). */
export function readSnapshotFile(path: string, shown = path): Snapshot {
  const estate = readEstateFile(path, shown);
  if (estate.parts.length === 1 && estate.gaps.length === 0) return estate.parts[0]!;
  throw new UserError(
    `${shown} holds ${estate.parts.length} account-regions${estate.gaps.length ? ` and ${estate.gaps.length} gaps` : ""}; this reads one`,
    "use `ecs-advisor report`, which reads many, or collect the account-region on its own",
  );
}

/** Read and validate a snapshot file of any version: one account-region (version 1) or many (version 2). */
export function readEstateFile(path: string, shown = path): Estate {
  return parseEstateText(readText(path, shown), shown);
}

function readText(path: string, shown: string): string {
  return decodeText(
    readInputBytes(path, shown, "snapshot", "pass the path of a .json or .json.gz ecs-advisor snapshot, or use --demo"),
    shown,
    "the file is damaged or cut short; collect it again",
  );
}

/** An input file's bytes; a missing file, a folder or an unreadable one is one line naming it as given. */
export function readInputBytes(path: string, shown: string, what: string, hint: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === "ENOENT"
        ? `${what} file not found: ${shown}`
        : code === "EISDIR"
          ? `${what} path is a directory: ${shown}`
          : `cannot read ${what} ${shown}: ${(e as Error).message}`,
      hint,
    );
  }
}

/** Plain or gzipped (told by its first two bytes) bytes as text. */
export function decodeText(bytes: Buffer, shown: string, hint: string): string {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.toString("utf8");
  try {
    return gunzipSync(bytes).toString("utf8");
  } catch (e) {
    throw new UserError(`${shown} looks gzipped but cannot be decompressed: ${(e as Error).message}`, hint);
  }
}

export function parseSnapshotText(text: string, label: string): Snapshot {
  return parseSnapshot(parseJson(text, label), label);
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${label} is not valid JSON: ${describeJsonError(text, e as Error)}`, SNAPSHOT_HINT);
  }
}

export function parseEstateText(text: string, label: string): Estate {
  const json = parseJson(text, label);
  const version = typeof json === "object" && json !== null ? (json as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (version !== ESTATE_SCHEMA_VERSION) return { parts: [parseSnapshot(json, label)], gaps: [] };
  const result = estateSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues;
    const issue = issues[0]!;
    // "parts[2].services[3] (prod/api).desiredCount: …": the part's own path, named as in a version 1 file.
    const inPart = issue.path[0] === "parts" && typeof issue.path[1] === "number";
    const first = inPart
      ? `parts[${issue.path[1] as number}].${describeIssue({ ...issue, path: issue.path.slice(2) }, (json as { parts: unknown[] }).parts[issue.path[1] as number])}`
      : describeIssue(issue, json);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    throw new UserError(`${label}: ${first}${more}`, SNAPSHOT_HINT);
  }
  const parts = result.data.parts.map((p, i) => coherent(p, `${label} parts[${i}]`));
  const estate = { parts, gaps: result.data.gaps };
  distinctClusters(estate, () => label);
  return estate;
}

/**
 * Snapshots given together (`--snapshot a --snapshot b`, or a folder of them) as one estate: their parts
 * side by side, their gaps unless another file holds that account-region. A cluster (account, region,
 * name) may be in one file only, so nothing is counted twice.
 */
export function readEstateInputs(paths: readonly string[], resolvePath: (p: string) => string): { estate: Estate; inputs: string[] } {
  const files: Array<{ path: string; shown: string }> = [];
  for (const given of paths) {
    const path = resolvePath(given);
    let dir = false;
    try {
      dir = statSync(path).isDirectory();
    } catch {
      // not found: said by the read below
    }
    if (!dir) {
      files.push({ path, shown: given });
      continue;
    }
    const inDir = readdirSync(path)
      .filter((f) => /\.json(\.gz)?$/.test(f))
      .sort();
    if (!inDir.length)
      throw new UserError(`${given} is a folder with no snapshot in it (.json or .json.gz)`, "pass the folder the collect jobs wrote to");
    for (const f of inDir) files.push({ path: join(path, f), shown: join(given, f) });
  }
  const parts: Array<{ part: Snapshot; from: string }> = [];
  const gaps: Array<{ gap: Estate["gaps"][number]; from: string }> = [];
  for (const f of files) {
    const e = readEstateFile(f.path, f.shown);
    for (const part of e.parts) parts.push({ part, from: f.shown });
    for (const gap of e.gaps) gaps.push({ gap, from: f.shown });
  }
  const estate: Estate = {
    parts: parts.map((p) => p.part),
    // A gap another file filled (a job run again) is no gap.
    gaps: gaps
      .filter(
        ({ gap }) =>
          !parts.some(
            ({ part }) =>
              (gap.account === null || part.source.accountId === gap.account) && (gap.region === null || part.source.region === gap.region),
          ),
      )
      .map((g) => g.gap),
  };
  distinctClusters(estate, (i) => parts[i]!.from);
  return { estate, inputs: files.map((f) => f.shown) };
}

/** Each cluster of an account-region in one part only: the same cluster twice would count its services twice. */
function distinctClusters(estate: Estate, fileOf: (part: number) => string): void {
  const seen = new Map<string, number>();
  estate.parts.forEach((p, i) => {
    const names = new Set([...p.services.map((s) => s.cluster), ...p.clusters.map((c) => c.name)]);
    for (const c of names) {
      const key = `${scopeName(p.source.accountId, p.source.region)} cluster ${c}`;
      const first = seen.get(key);
      if (first !== undefined && first !== i) {
        const [a, b] = [fileOf(first), fileOf(i)];
        throw new UserError(
          a === b ? `${a}: ${key} is in two parts` : `${a} and ${b} both hold ${key}`,
          "give each account-region's cluster once: drop one of the files, or collect them with different --cluster",
        );
      }
      seen.set(key, i);
    }
  });
}

export function parseSnapshot(json: unknown, label: string): Snapshot {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError(`${label} is not an ecs-advisor snapshot: expected a JSON object`, SNAPSHOT_HINT);
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  if (version === undefined) {
    throw new UserError(`${label} is not an ecs-advisor snapshot: it has no schemaVersion`, SNAPSHOT_HINT);
  }
  if (typeof version === "number" && version > ESTATE_SCHEMA_VERSION) {
    throw new UserError(
      `${label} is a version ${version} snapshot, newer than this ecs-advisor reads (versions ${SNAPSHOT_SCHEMA_VERSION} and ${ESTATE_SCHEMA_VERSION})`,
      "upgrade ecs-advisor (a newer checkout or release of it), or collect the snapshot again with this version",
    );
  }
  if (version !== SNAPSHOT_SCHEMA_VERSION) {
    throw new UserError(
      `${label}: schemaVersion ${JSON.stringify(version)} is not supported (this ecs-advisor reads version ${SNAPSHOT_SCHEMA_VERSION})`,
      SNAPSHOT_HINT,
    );
  }
  const result = snapshotSchema.safeParse(json);
  if (result.success) return coherent(result.data, label);
  const issues = result.error.issues;
  const first = describeIssue(issues[0]!, json);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw new UserError(`${label}: ${first}${more}`, SNAPSHOT_HINT);
}

/** "services[3] (prod/api).desiredCount: expected a number, got string" */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = annotate(issue.path, input);
  // "services[3] (prod/api).desiredCount": the name goes right after the index it explains.
  const rest = formatPath(issue.path.slice(2));
  const path = where
    ? `${formatPath(issue.path.slice(0, 2))}${where}${rest && !rest.startsWith("[") ? "." : ""}${rest}`
    : formatPath(issue.path);
  const got = issue.code === "invalid_type" ? describeValue(valueAt(input, issue.path)) : undefined;
  let what = issue.message.replace(/^Invalid input: /, "").replace(/, received \w+$/, "");
  if (got !== undefined) what = `${what}, got ${got}`;
  return `${path || "(top level)"}: ${what}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

/** Name the service or task definition an index points at, so "services[17]" is findable. */
function annotate(path: readonly PropertyKey[], input: unknown): string {
  if (path.length < 2 || typeof path[1] !== "number") return "";
  const item = valueAt(input, path.slice(0, 2)) as Record<string, unknown> | undefined;
  if (!item || typeof item !== "object") return "";
  if (path[0] === "services" && typeof item.name === "string")
    return ` (${typeof item.cluster === "string" ? `${item.cluster}/` : ""}${item.name})`;
  if (path[0] === "taskDefinitions" && typeof item.family === "string")
    return ` (${item.family}${typeof item.revision === "number" ? `:${item.revision}` : ""})`;
  if (path[0] === "containerInstances" && typeof item.id === "string") return ` (${item.id})`;
  return "";
}

/** What the schema cannot say alone: the window runs forwards, and each service is listed once. */
function coherent(snapshot: Snapshot, label: string): Snapshot {
  const { start, end } = snapshot.window;
  if (!(Date.parse(start) < Date.parse(end))) {
    throw new UserError(`${label}: window.start (${start}) is not before window.end (${end})`, SNAPSHOT_HINT);
  }
  const seen = new Map<string, number>();
  snapshot.services.forEach((s, i) => {
    const key = `${s.cluster}/${s.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new UserError(`${label}: services[${i}] (${key}) is listed twice (also services[${first}])`, SNAPSHOT_HINT);
    }
    seen.set(key, i);
  });
  return snapshot;
}

/** A series as JSON text, written directly (JSON.stringify through a replacer costs ~4× more). */
function seriesJson(values: Float32Array | Float64Array): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    parts[i] = Number.isNaN(v) ? "null" : String(Math.round(v * 1000) / 1000);
  }
  return `[${parts.join(",")}]`;
}

const SERIES_MARK = "\u0000series:";

/** Replace each series by a marker, then splice the series text in: JSON.stringify never sees them. */
function stringifyWithSeries(value: unknown): string {
  const series: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Float32Array || v instanceof Float64Array) {
      series.push(seriesJson(v));
      return `${SERIES_MARK}${series.length - 1}`;
    }
    return v;
  });
  if (series.length === 0) return text;
  return text.replace(/"\\u0000series:(\d+)"/g, (_m, i: string) => series[Number(i)]!);
}

/**
 * Snapshot → JSON text in pieces: everything but the services first, then one service at a time, so a
 * 10,000-service snapshot is never one string in memory. Series become arrays (null for gaps), values
 * rounded to 3 decimals to keep files small.
 */
export function* serializeSnapshotChunks(snapshot: Snapshot): Generator<string> {
  const { services, ...rest } = snapshot;
  const head = stringifyWithSeries(rest);
  yield `${head.slice(0, -1)},"services":[`;
  for (let i = 0; i < services.length; i++) yield (i ? "," : "") + stringifyWithSeries(services[i]);
  yield "]}";
}

export function serializeSnapshot(snapshot: Snapshot): string {
  return [...serializeSnapshotChunks(snapshot)].join("");
}

/** Write a snapshot (.json.gz is gzipped), streamed through a temporary file renamed into place. */
export async function writeSnapshotFile(path: string, snapshot: Snapshot): Promise<void> {
  await streamFileAtomically(path, async (out) => {
    const chunks = Readable.from(serializeSnapshotChunks(snapshot), { objectMode: false });
    if (path.endsWith(".gz")) await pipeline(chunks, createGzip(), out);
    else await pipeline(chunks, out);
  });
}

/** An estate as JSON text in pieces: version 1 for one account-region without gaps (older versions read it), else version 2. */
export function* serializeEstateChunks(estate: Estate, collectedAt: string, tool?: string): Generator<string> {
  if (estate.parts.length === 1 && estate.gaps.length === 0) {
    yield* serializeSnapshotChunks(estate.parts[0]!);
    return;
  }
  yield JSON.stringify({ schemaVersion: ESTATE_SCHEMA_VERSION, collectedAt, ...(tool ? { tool } : {}), gaps: estate.gaps }).slice(0, -1);
  yield ',"parts":[';
  for (let i = 0; i < estate.parts.length; i++) {
    if (i) yield ",";
    yield* serializeSnapshotChunks(estate.parts[i]!);
  }
  yield "]}";
}

/** Write an estate (see serializeEstateChunks), streamed through a temporary file renamed into place. */
export async function writeEstateFile(path: string, estate: Estate, collectedAt: string, tool?: string): Promise<void> {
  await streamFileAtomically(path, async (out) => {
    const chunks = Readable.from(serializeEstateChunks(estate, collectedAt, tool), { objectMode: false });
    if (path.endsWith(".gz")) await pipeline(chunks, createGzip(), out);
    else await pipeline(chunks, out);
  });
}
