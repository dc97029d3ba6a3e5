// Task definitions as people keep them, read for `check`: the JSON `aws ecs register-task-definition
// --cli-input-json` takes, the output of `describe-task-definition` ({"taskDefinition": …}), and
// AWS::ECS::TaskDefinition resources in CloudFormation templates (JSON or YAML, e.g. `cdk synth`).
// Values are read the ways ECS accepts them ("1024", "1 vCPU", "2GB", numbers), and every problem is
// one line naming the file and, where the parser knows it, the line.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { isNode, LineCounter, parseDocument, type Document } from "yaml";
import { UserError } from "../errors.js";
import type { TaskDefinition } from "../model/snapshot.js";
import { parseCpuUnits, parseMemoryMiB } from "../model/units.js";
import { locateJsonError } from "./json-error.js";

import type { CheckedFile, ProposedTaskDefinition, TaskDefinitionFormat } from "../model/check.js";

export type { ProposedTaskDefinition, TaskDefinitionFormat };

const HINT = "check accepts register-task-definition JSON, describe-task-definition output, or a CloudFormation template (JSON or YAML)";

/** CloudFormation's short-form intrinsic functions (!Ref, !Sub, !If …), read as their long forms. */
const INTRINSICS = [
  "Base64",
  "Cidr",
  "FindInMap",
  "GetAtt",
  "GetAZs",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "If",
  "Equals",
  "And",
  "Or",
  "Not",
  "Length",
  "ToJsonString",
];
const longName = (tag: string) => (tag === "Ref" || tag === "Condition" ? tag : `Fn::${tag}`);
export const CFN_TAGS = ["Ref", "Condition", ...INTRINSICS].flatMap((t) => [
  { tag: `!${t}`, resolve: (s: string) => ({ [longName(t)]: t === "GetAtt" ? s.split(".") : s }) },
  { tag: `!${t}`, collection: "seq" as const, resolve: (seq: { toJSON(): unknown }) => ({ [longName(t)]: seq.toJSON() }) },
  { tag: `!${t}`, collection: "map" as const, resolve: (map: { toJSON(): unknown }) => ({ [longName(t)]: map.toJSON() }) },
]);

/** A file of another kind (a package.json, a template without task definitions): skipped in a folder. */
export class NotATaskDefinition extends UserError {}

/** Files in a folder that may hold task definitions (its subfolders too, but not node_modules or dot-folders). */
const CANDIDATE = /\.(json|ya?ml|template)$/i;

function filesIn(dir: string, shown: string): Array<{ path: string; shown: string }> {
  const out: Array<{ path: string; shown: string }> = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const path = join(dir, e.name);
    const s = `${shown.replace(/\/$/, "")}/${e.name}`;
    if (e.isDirectory()) out.push(...filesIn(path, s));
    else if (e.isFile() && CANDIDATE.test(e.name)) out.push({ path, shown: s });
  }
  return out;
}

/** "file:12:5: not valid JSON…" → the line, column and message without the place. */
function placeOf(message: string, shown: string): { line: number | null; column: number | null; message: string } {
  if (!message.startsWith(`${shown}:`))
    return { line: null, column: null, message: message.startsWith(shown) ? message.slice(shown.length).replace(/^[\s:]+/, "") : message };
  const m = /^(\d+|\?)(?::(\d+))?: (.*)$/s.exec(message.slice(shown.length + 1));
  if (!m) return { line: null, column: null, message };
  return { line: m[1] === "?" ? null : Number(m[1]), column: m[2] ? Number(m[2]) : null, message: m[3]! };
}

/**
 * Every file given (a folder: the task definitions in it), each read on its own: a bad file is an error
 * for that file, never the end of the others. In a folder, files that are not task definitions are skipped.
 */
export function readTaskDefinitionInputs(
  args: readonly string[],
  cwd: string,
  defaultsFor: (shown: string) => TaskDefaults | undefined = () => undefined,
): { proposals: ProposedTaskDefinition[]; files: CheckedFile[]; errors: UserError[] } {
  const proposals: ProposedTaskDefinition[] = [];
  const files: CheckedFile[] = [];
  const errors: UserError[] = [];
  const entry = (file: string, status: CheckedFile["status"], n: number, e?: UserError): CheckedFile => {
    const place = e ? placeOf(e.message, file) : undefined;
    return {
      file,
      status,
      taskDefinitions: n,
      message: place?.message ?? null,
      hint: e?.hint ?? null,
      line: place?.line ?? null,
      column: place?.column ?? null,
    };
  };
  for (const arg of args) {
    const path = resolvePath(cwd, arg);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // readTaskDefinitionFile says what is wrong with a path that cannot be read
    }
    const inFolder = isDir;
    for (const f of isDir ? filesIn(path, arg) : [{ path, shown: arg }]) {
      try {
        const read = readTaskDefinitionFile(f.path, f.shown, defaultsFor(f.shown));
        proposals.push(...read);
        files.push(entry(f.shown, "checked", read.length));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        const skipped = inFolder && e instanceof NotATaskDefinition;
        if (!skipped) errors.push(e);
        files.push(entry(f.shown, skipped ? "skipped" : "error", 0, e));
      }
    }
    if (isDir && !files.some((f) => f.file.startsWith(`${arg.replace(/\/$/, "")}/`))) {
      const e = new UserError(
        `${arg}: no .json, .yaml or .yml files in this folder`,
        "pass the task definition files, or the folder that holds them",
      );
      errors.push(e);
      files.push(entry(arg, "error", 0, e));
    }
  }
  return { proposals, files, errors };
}

/** What a bare containerDefinitions array lacks: the task's family and size (--family/--cpu/--memory, or the config's mapping). */
export interface TaskDefaults {
  family?: string | undefined;
  cpu?: string | number | undefined;
  memory?: string | number | undefined;
}

/** @param shown the path as the user gave it, for messages */
export function readTaskDefinitionFile(path: string, shown = path, defaults?: TaskDefaults): ProposedTaskDefinition[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new UserError(`task definition file not found: ${shown}`, "check the path (relative to the current directory)");
    if (code === "EISDIR")
      throw new UserError(
        `${shown} is a directory, not a task definition file`,
        "pass the files themselves, or the folder to check every file in it",
      );
    throw new UserError(`cannot read ${shown}: ${(e as Error).message}`, "check the file's permissions");
  }
  return parseTaskDefinitions(text, shown, defaults);
}

type Path = Array<string | number>;
type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseTaskDefinitions(input: string, file: string, defaults?: TaskDefaults): ProposedTaskDefinition[] {
  // A byte-order mark (editors on Windows write one) is not part of the document.
  const text = input.replace(/^\uFEFF/, "");
  const looksJson = /\.json$/i.test(file) || /^\s*[{[]/.test(text);
  if (looksJson) {
    try {
      JSON.parse(text);
    } catch {
      const at = locateJsonError(text);
      throw new UserError(`${file}${at ? `:${at.line}:${at.column}` : ""}: not valid JSON${at ? `: ${at.message}` : ""}`, HINT);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, customTags: CFN_TAGS, uniqueKeys: !looksJson, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const what = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new UserError(`${file}${pos ? `:${pos.line}:${pos.col}` : ""}: not valid YAML: ${what}`, HINT);
  }
  const root = doc.toJS({ maxAliasCount: 1000 }) as Json;
  const lineAt = (path: Path): number | undefined => lineOf(doc, lines, path);
  const ctx: Ctx = { file, lineAt, parameters: {}, notes: [] };

  if (isObject(root) && isObject(root.taskDefinition) && Array.isArray(root.taskDefinition.containerDefinitions)) {
    return [fromApiShape(root.taskDefinition, ["taskDefinition"], "describe-task-definition", ctx)];
  }
  if (isObject(root) && Array.isArray(root.containerDefinitions)) {
    return [fromApiShape(root, [], "register-task-definition", ctx)];
  }
  if (isObject(root) && Array.isArray(root.resource_changes) && typeof root.format_version === "string") {
    return fromTerraformPlan(root.resource_changes, ctx);
  }
  if (Array.isArray(root) && root.length > 0 && root.every((c) => isObject(c) && "name" in c)) {
    if (!defaults?.family) {
      throw new UserError(
        `${file} is a bare containerDefinitions array (what Terraform's container_definitions = file(…) reads): it has no family or task size`,
        "pass --family (and --cpu/--memory for the task size), or map the file in .ecs-advisor.yml under check.task-definitions",
      );
    }
    const td = {
      family: defaults.family,
      ...(defaults.cpu !== undefined ? { cpu: String(defaults.cpu) } : {}),
      ...(defaults.memory !== undefined ? { memory: String(defaults.memory) } : {}),
      containerDefinitions: root,
    };
    const out = build(td, [], API, "container-definitions", defaults.family, defaults.family, 1, {
      ...ctx,
      // The containers are in the file; the task's fields came from the options.
      lineAt: (path) => (path.length > 0 && path[0] === "containerDefinitions" ? ctx.lineAt(path.slice(1)) : undefined),
    });
    return [out];
  }
  if (isObject(root) && isObject(root.Resources)) {
    ctx.parameters = isObject(root.Parameters) ? root.Parameters : {};
    const found = Object.entries(root.Resources).filter(([, r]) => isObject(r) && r.Type === "AWS::ECS::TaskDefinition");
    if (found.length === 0) {
      throw new NotATaskDefinition(
        `${file}: a CloudFormation template with no AWS::ECS::TaskDefinition resource`,
        "pass the template that defines the task definitions, or their register-task-definition JSON",
      );
    }
    return found.map(([id, r]) => fromCloudFormation(id, r as Record<string, Json>, ctx));
  }
  throw new NotATaskDefinition(
    `${file} is not a task definition: no containerDefinitions, no {"taskDefinition": …}, no CloudFormation Resources`,
    HINT,
  );
}

function lineOf(doc: Document, lines: LineCounter, path: Path): number | undefined {
  const node = doc.getIn(path, true);
  if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  return undefined;
}

interface Ctx {
  file: string;
  lineAt: (path: Path) => number | undefined;
  parameters: Record<string, Json>;
  /** What was read with a caveat (an unevaluated name, a templated family): said with the verdict. */
  notes: string[];
}

/** The same fields under their API (camelCase) or CloudFormation (PascalCase) names. */
export interface Names {
  family: string;
  cpu: string;
  memory: string;
  containers: string;
  name: string;
  memoryReservation: string;
  essential: string;
  compatibilities: string;
  networkMode: string;
  runtimePlatform: string;
  cpuArchitecture: string;
  operatingSystemFamily: string;
  ephemeralStorage: string;
  sizeInGiB: string;
  resourceRequirements: string;
  type: string;
  value: string;
}
export const API: Names = {
  family: "family",
  cpu: "cpu",
  memory: "memory",
  containers: "containerDefinitions",
  name: "name",
  memoryReservation: "memoryReservation",
  essential: "essential",
  compatibilities: "requiresCompatibilities",
  networkMode: "networkMode",
  runtimePlatform: "runtimePlatform",
  cpuArchitecture: "cpuArchitecture",
  operatingSystemFamily: "operatingSystemFamily",
  ephemeralStorage: "ephemeralStorage",
  sizeInGiB: "sizeInGiB",
  resourceRequirements: "resourceRequirements",
  type: "type",
  value: "value",
};
export const CFN: Names = {
  family: "Family",
  cpu: "Cpu",
  memory: "Memory",
  containers: "ContainerDefinitions",
  name: "Name",
  memoryReservation: "MemoryReservation",
  essential: "Essential",
  compatibilities: "RequiresCompatibilities",
  networkMode: "NetworkMode",
  runtimePlatform: "RuntimePlatform",
  cpuArchitecture: "CpuArchitecture",
  operatingSystemFamily: "OperatingSystemFamily",
  ephemeralStorage: "EphemeralStorage",
  sizeInGiB: "SizeInGiB",
  resourceRequirements: "ResourceRequirements",
  type: "Type",
  value: "Value",
};

function fromApiShape(td: Record<string, Json>, at: Path, format: TaskDefinitionFormat, ctx: Ctx): ProposedTaskDefinition {
  const family = text(td.family, [...at, "family"], "family", ctx);
  const revision = typeof td.revision === "number" && td.revision > 0 ? td.revision : 1;
  return build(td, at, API, format, family ?? fileStem(ctx.file), family, revision, ctx);
}

/**
 * `terraform show -json` of a plan: each aws_ecs_task_definition being created or changed, judged as it will
 * be after (`change.after`; container_definitions is the JSON string Terraform keeps). A plan gives no
 * source lines: annotations point at the resource change in the plan file.
 */
function fromTerraformPlan(changes: Json[], ctx: Ctx): ProposedTaskDefinition[] {
  const out: ProposedTaskDefinition[] = [];
  changes.forEach((rc, i) => {
    if (!isObject(rc) || rc.type !== "aws_ecs_task_definition" || !isObject(rc.change)) return;
    const actions = Array.isArray(rc.change.actions) ? rc.change.actions : [];
    if (!actions.includes("create") && !actions.includes("update")) return; // no-op, read, delete
    const after = rc.change.after;
    const address = typeof rc.address === "string" ? rc.address : `aws_ecs_task_definition.${String(rc.name)}`;
    const line = ctx.lineAt(["resource_changes", i]);
    const where = `${ctx.file}:${line ?? "?"}`;
    if (!isObject(after)) throw new UserError(`${where}: ${address} has no planned values (change.after)`, HINT);
    const unknown = isObject(rc.change.after_unknown) ? rc.change.after_unknown : {};
    for (const field of ["cpu", "memory", "container_definitions"]) {
      if (unknown[field] === true) {
        throw new UserError(
          `${where}: ${address}'s ${field} is known only after apply, so check cannot judge it`,
          "give it a value the plan can show (a literal or a variable), not one computed from another resource",
        );
      }
    }
    let containers: Json;
    try {
      containers = JSON.parse(String(after.container_definitions ?? "[]"));
    } catch {
      throw new UserError(`${where}: ${address}'s container_definitions is not valid JSON`, HINT);
    }
    const platform = Array.isArray(after.runtime_platform) && isObject(after.runtime_platform[0]) ? after.runtime_platform[0] : {};
    const storage = Array.isArray(after.ephemeral_storage) && isObject(after.ephemeral_storage[0]) ? after.ephemeral_storage[0] : {};
    const td: Record<string, Json> = {
      family: after.family,
      cpu: after.cpu ?? undefined,
      memory: after.memory ?? undefined,
      containerDefinitions: containers,
      requiresCompatibilities: after.requires_compatibilities,
      networkMode: after.network_mode ?? undefined,
      runtimePlatform: {
        cpuArchitecture: platform.cpu_architecture ?? undefined,
        operatingSystemFamily: platform.operating_system_family ?? undefined,
      },
      ...(typeof storage.size_in_gib === "number" ? { ephemeralStorage: { sizeInGiB: storage.size_in_gib } } : {}),
    };
    const family = typeof after.family === "string" ? after.family : undefined;
    const proposal = build(td, [], API, "terraform-plan", family ?? address, family, 1, { ...ctx, lineAt: () => line });
    proposal.line = line;
    out.push(proposal);
  });
  return out;
}

function fromCloudFormation(id: string, resource: Record<string, Json>, ctx: Ctx): ProposedTaskDefinition {
  const at: Path = ["Resources", id, "Properties"];
  const props = isObject(resource.Properties) ? resource.Properties : undefined;
  if (!props) throw new UserError(`${ctx.file}:${ctx.lineAt(["Resources", id]) ?? "?"}: task definition ${id} has no Properties`, HINT);
  // Only cpu and memory decide a verdict: they are read first, and only they refuse a definition.
  const notes: string[] = [];
  const family = lenient(
    () => text(props.Family, [...at, "Family"], "Family", ctx),
    (why) => {
      notes.push(`${id}'s Family ${why}, so it is matched by its logical ID ${id} (or name the service with --service cluster/name)`);
    },
  );
  const out = build(props, at, CFN, "cloudformation", family ?? id, family, 1, { ...ctx, notes });
  out.line = ctx.lineAt(["Resources", id]);
  return out;
}

/** A value check can do without: what it is, or undefined and why not (said as a note). */
function lenient<T>(read: () => T, onUnresolved: (why: string) => void): T | undefined {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    onUnresolved(e instanceof Unresolved ? e.why : "cannot be read");
    return undefined;
  }
}

const TEMPLATED = /\{\{.*?\}\}|\$\{[^}]*\}|<%.*?%>|#\{[^}]*\}/;

function build(
  td: Record<string, Json>,
  at: Path,
  n: Names,
  format: TaskDefinitionFormat,
  name: string,
  family: string | undefined,
  revision: number,
  ctx: Ctx,
): ProposedTaskDefinition {
  const cpu = amount(td[n.cpu], [...at, n.cpu], n.cpu, "cpu", ctx);
  const memory = amount(td[n.memory], [...at, n.memory], n.memory, "memory", ctx);
  const containersRaw = td[n.containers];
  if (!Array.isArray(containersRaw) || containersRaw.length === 0) {
    throw new UserError(
      `${ctx.file}:${ctx.lineAt([...at, n.containers]) ?? ctx.lineAt(at) ?? "?"}: ${name} has no ${n.containers}`,
      "a task definition needs at least one container",
    );
  }
  if (family && TEMPLATED.test(family)) {
    ctx.notes.push(
      `${name}: the family ${JSON.stringify(family)} looks like a template placeholder that was not filled in; it is matched as written (render the template first, or name the service with --service cluster/name)`,
    );
  }
  // The API takes a container's cpu and memory as numbers: a string there is refused at registration.
  const apiShape = n === API;
  const containerLines: ProposedTaskDefinition["lines"]["containers"] = [];
  const containers = containersRaw.map((c: Json, i: number) => {
    const cAt: Path = [...at, n.containers, i];
    if (!isObject(c)) throw new UserError(`${ctx.file}:${ctx.lineAt(cAt) ?? "?"}: ${n.containers}[${i}] is not an object`, HINT);
    const cname =
      lenient(
        () => text(c[n.name], [...cAt, n.name], `${n.containers}[${i}].${n.name}`, ctx),
        (why) => ctx.notes.push(`${name}: container ${i + 1}'s ${n.name} ${why}; it is called "container ${i + 1}" here`),
      ) ?? (isObject(c[n.name]) ? `container ${i + 1}` : undefined);
    if (!cname)
      throw new UserError(`${ctx.file}:${ctx.lineAt(cAt) ?? "?"}: ${n.containers}[${i}] has no ${n.name}`, "every container needs a name");
    if (apiShape) {
      for (const key of [n.cpu, n.memory, n.memoryReservation]) {
        if (typeof c[key] === "string") {
          throw new UserError(
            `${ctx.file}:${ctx.lineAt([...cAt, key]) ?? "?"}: ${cname}'s ${key} is the string ${JSON.stringify(c[key])}, which ECS refuses: a container's ${key} is a number`,
            `write it without quotes, e.g. "${key}": ${Number.parseInt(String(c[key]), 10) || 256}`,
          );
        }
      }
    }
    containerLines.push({
      line: ctx.lineAt(cAt),
      cpu: ctx.lineAt([...cAt, n.cpu]),
      memory: ctx.lineAt([...cAt, n.memory]),
      memoryReservation: ctx.lineAt([...cAt, n.memoryReservation]),
    });
    const ccpu = amount(c[n.cpu], [...cAt, n.cpu], `${cname}'s ${n.cpu}`, "cpu", ctx, { allowZero: true });
    const cmem = amount(c[n.memory], [...cAt, n.memory], `${cname}'s ${n.memory}`, "memory", ctx);
    const cres = amount(c[n.memoryReservation], [...cAt, n.memoryReservation], `${cname}'s ${n.memoryReservation}`, "memory", ctx);
    const essential = c[n.essential];
    const reqs = Array.isArray(c[n.resourceRequirements]) ? (c[n.resourceRequirements] as Json[]) : [];
    const gpuReq = reqs.find((r) => isObject(r) && String(r[n.type]).toUpperCase() === "GPU") as Record<string, Json> | undefined;
    const gpu = gpuReq ? Number(gpuReq[n.value]) : undefined;
    return {
      name: cname,
      ...(gpu !== undefined && Number.isInteger(gpu) && gpu > 0 ? { gpu } : {}),
      ...(ccpu !== undefined ? { cpu: ccpu } : {}),
      ...(cmem !== undefined ? { memory: cmem } : {}),
      ...(cres !== undefined ? { memoryReservation: cres } : {}),
      ...(typeof essential === "boolean" ? { essential } : {}),
    };
  });
  const compat = td[n.compatibilities];
  const compatibilities = Array.isArray(compat) ? compat.filter((x): x is string => typeof x === "string").map((x) => x.toUpperCase()) : [];
  const platform = isObject(td[n.runtimePlatform]) ? (td[n.runtimePlatform] as Record<string, Json>) : {};
  const arch =
    text(platform[n.cpuArchitecture], [...at, n.runtimePlatform, n.cpuArchitecture], n.cpuArchitecture, ctx)?.toUpperCase() ?? "X86_64";
  if (arch !== "X86_64" && arch !== "ARM64") {
    throw new UserError(
      `${ctx.file}:${ctx.lineAt([...at, n.runtimePlatform, n.cpuArchitecture]) ?? "?"}: ${n.cpuArchitecture} ${JSON.stringify(arch)} is not X86_64 or ARM64`,
      HINT,
    );
  }
  const os =
    text(
      platform[n.operatingSystemFamily],
      [...at, n.runtimePlatform, n.operatingSystemFamily],
      n.operatingSystemFamily,
      ctx,
    )?.toUpperCase() ?? "LINUX";
  const mode = text(td[n.networkMode], [...at, n.networkMode], n.networkMode, ctx);
  const storage = isObject(td[n.ephemeralStorage]) ? (td[n.ephemeralStorage] as Record<string, Json>)[n.sizeInGiB] : undefined;
  const taskDefinition: TaskDefinition = {
    family: family ?? name,
    revision,
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
    ...(mode === "awsvpc" || mode === "bridge" || mode === "host" || mode === "none" ? { networkMode: mode } : {}),
    ...(compatibilities.length ? { requiresCompatibilities: compatibilities } : {}),
    cpuArchitecture: arch,
    operatingSystemFamily: os,
    ...(typeof storage === "number" && storage > 0 ? { ephemeralStorageGiB: storage } : {}),
    containers,
  };
  return {
    file: ctx.file,
    name,
    family,
    format,
    line: ctx.lineAt(at.length ? at : []) ?? 1,
    lines: {
      cpu: ctx.lineAt([...at, n.cpu]),
      memory: ctx.lineAt([...at, n.memory]),
      compatibilities: ctx.lineAt([...at, n.compatibilities]),
      containers: containerLines,
    },
    taskDefinition,
    ...(ctx.notes.length ? { notes: [...ctx.notes] } : {}),
  };
}

const fileStem = (file: string) => file.replace(/^.*[\\/]/, "").replace(/\.(json|ya?ml)$/i, "");

/** A Ref to a template parameter becomes its Default; other intrinsics cannot be evaluated here. */
/** A value check cannot evaluate; `why` says so without the place ("uses Fn::Sub"), for notes. */
class Unresolved extends UserError {
  constructor(
    where: string,
    field: string,
    readonly why: string,
    detail: string,
    hint: string,
  ) {
    super(`${where}: ${field} ${why}, ${detail}`, hint);
  }
}

function resolve(value: Json, path: Path, field: string, ctx: Ctx): Json {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const where = `${ctx.file}:${ctx.lineAt(path) ?? "?"}`;
  if (keys.length === 1 && keys[0] === "Ref" && typeof value.Ref === "string") {
    const p = ctx.parameters[value.Ref];
    if (isObject(p) && p.Default !== undefined) return p.Default;
    throw new Unresolved(
      where,
      field,
      `is a Ref to ${value.Ref}`,
      "which has no Default to check",
      "give the parameter a Default, or check the synthesized template (cdk synth) with literal values",
    );
  }
  if (keys.length === 1 && /^Fn::/.test(keys[0]!)) {
    throw new Unresolved(
      where,
      field,
      `uses ${keys[0]}`,
      "which check cannot evaluate",
      "use a literal value or a Ref to a parameter with a Default",
    );
  }
  return value;
}

function text(value: Json, path: Path, field: string, ctx: Ctx): string | undefined {
  const v = resolve(value, path, field, ctx);
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  throw new UserError(`${ctx.file}:${ctx.lineAt(path) ?? "?"}: ${field} should be a string, got ${JSON.stringify(v)}`, HINT);
}

/** cpu units or MiB from the forms ECS accepts; undefined when the field is absent. */
function amount(
  value: Json,
  path: Path,
  field: string,
  kind: "cpu" | "memory",
  ctx: Ctx,
  opts: { allowZero?: boolean } = {},
): number | undefined {
  const v = resolve(value, path, field, ctx);
  if (v === undefined || v === null || v === "") return undefined;
  const where = `${ctx.file}:${ctx.lineAt(path) ?? "?"}`;
  const shown = JSON.stringify(v);
  const numeric = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : undefined;
  if (numeric !== undefined && (numeric < 0 || (numeric === 0 && !opts.allowZero))) {
    throw new UserError(
      `${where}: ${field} ${shown} must be greater than 0`,
      kind === "cpu" ? 'cpu is in units (1024 = 1 vCPU) or vCPU, e.g. 512 or "0.5 vCPU"' : 'memory is in MiB or GB, e.g. 2048 or "2 GB"',
    );
  }
  if (numeric === 0) return 0;
  const parsed = kind === "cpu" ? parseCpuUnits(v) : parseMemoryMiB(v);
  if (parsed === undefined && typeof v === "string" && TEMPLATED.test(v)) {
    throw new UserError(
      `${where}: ${field} ${shown} is a template placeholder that was not filled in, so check cannot judge it`,
      "check the rendered task definition (the file your deploy tool registers), or give --family/--cpu/--memory",
    );
  }
  if (parsed === undefined) {
    throw new UserError(
      `${where}: ${field} ${shown} is not a ${kind} value ECS accepts`,
      kind === "cpu" ? 'write cpu units (1024) or vCPU ("1 vCPU")' : 'write MiB (2048) or GB ("2GB", "2 GB")',
    );
  }
  return parsed;
}
