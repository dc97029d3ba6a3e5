// Sizes in JSON and YAML task definitions — register/describe JSON and CloudFormation (JSON or YAML) — found
// by their place in the document (the `yaml` package's nodes keep their source ranges), so only the values
// change: comments, key order, quoting and short tags stay as written.
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar, visit } from "yaml";
import { API, CFN, CFN_TAGS, type Names, NotATaskDefinition } from "../collect/taskdef-file.js";
import { UserError } from "../errors.js";
import { type FoundTaskDefinition, numberOf, type SizeField, type SizeSlot } from "./slots.js";

type Path = Array<string | number>;

/** The task definitions in a JSON or YAML file; a file of another kind is refused with why. */
export function locateInDocument(text: string, file: string): FoundTaskDefinition[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, customTags: CFN_TAGS, keepSourceTokens: true });
  if (doc.errors.length)
    throw new UserError(`${file}: not valid JSON or YAML: ${doc.errors[0]!.message.split("\n")[0]}`, "fix the file, or leave it out");
  const root = doc.contents;
  const has = (path: Path) => doc.hasIn(path);
  const ctx = { doc, lines, text };
  if (has(["taskDefinition", "containerDefinitions"])) return [found(ctx, ["taskDefinition"], API, undefined)];
  if (has(["containerDefinitions"])) return [found(ctx, [], API, undefined)];
  if (has(["resource_changes"]) && has(["format_version"])) {
    throw new NotATaskDefinition(
      `${file} is a Terraform plan: it is made from your .tf files`,
      "apply the .tf files that define the task definitions",
    );
  }
  if (isSeq(root)) {
    throw new NotATaskDefinition(
      `${file} is a bare containerDefinitions array: it names no family to match a service with`,
      "apply the file that names the family (the .tf file or the template that reads this one)",
    );
  }
  const resources = doc.getIn(["Resources"], true);
  if (isMap(resources)) {
    const out: FoundTaskDefinition[] = [];
    for (const pair of resources.items) {
      const id = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (id === undefined || doc.getIn(["Resources", id, "Type"]) !== "AWS::ECS::TaskDefinition") continue;
      out.push(found(ctx, ["Resources", id, "Properties"], CFN, id));
    }
    if (out.length) return out;
  }
  throw new NotATaskDefinition(
    `${file} is not a task definition this tool can edit`,
    "apply register-task-definition JSON, CloudFormation templates or Terraform .tf files",
  );
}

interface Ctx {
  doc: Document;
  lines: LineCounter;
  text: string;
}

function found(ctx: Ctx, base: Path, n: Names, logicalId: string | undefined): FoundTaskDefinition {
  const { doc } = ctx;
  const familyNode = doc.getIn([...base, n.family], true);
  const family = isScalar(familyNode) && !familyNode.tag && typeof familyNode.value === "string" ? familyNode.value : undefined;
  const slots: SizeSlot[] = [];
  const add = (path: Path, field: SizeField, container: string | undefined) => {
    const s = slotAt(ctx, path, field, container);
    if (s) slots.push(s);
  };
  add([...base, n.cpu], "cpu", undefined);
  add([...base, n.memory], "memory", undefined);
  const containers: string[] = [];
  const list = doc.getIn([...base, n.containers], true);
  if (isSeq(list)) {
    list.items.forEach((_, i) => {
      const nameNode = doc.getIn([...base, n.containers, i, n.name], true);
      const name = isScalar(nameNode) && !nameNode.tag ? String(nameNode.value) : `#${i + 1}`;
      containers.push(name);
      add([...base, n.containers, i, n.cpu], "cpu", name);
      add([...base, n.containers, i, n.memory], "memory", name);
      add([...base, n.containers, i, n.memoryReservation], "memoryReservation", name);
    });
  }
  const node = doc.getIn(base.length ? base : [], true) as Node | undefined;
  const line = node?.range ? ctx.lines.linePos(node.range[0]).line : 1;
  return { family, name: family ?? logicalId ?? "task definition", line, slots, containers };
}

function slotAt(ctx: Ctx, path: Path, field: SizeField, container: string | undefined): SizeSlot | undefined {
  const node = ctx.doc.getIn(path, true) as Node | undefined;
  if (node === undefined) return undefined;
  const what = `${container ? `container ${container}'s ` : ""}${path.at(-1)}`;
  const ref = refName(node);
  if (ref !== undefined) return parameterSlot(ctx, ref, field, container, what, node);
  if (!isScalar(node) || node.tag) return unwritable(ctx, node, field, container, `${what} is not a literal value`);
  return scalarSlot(ctx, node, field, container);
}

function scalarSlot(ctx: Ctx, node: Scalar, field: SizeField, container: string | undefined, via?: string): SizeSlot | undefined {
  const [start, end] = node.range!;
  const quoted = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : undefined;
  return {
    field,
    container,
    start,
    end,
    value: numberOf(field, node.value),
    style: quoted ? { kind: "string", quote: quoted } : typeof node.value === "number" ? { kind: "number" } : { kind: "string", quote: "" },
    line: ctx.lines.linePos(start).line,
    ...(via ? { via } : {}),
  };
}

function unwritable(ctx: Ctx, node: Node, field: SizeField, container: string | undefined, why: string): SizeSlot {
  const [start, end] = node.range ?? [0, 0];
  return {
    field,
    container,
    start,
    end,
    value: undefined,
    style: { kind: "number" },
    line: ctx.lines.linePos(start).line,
    unwritable: why,
  };
}

/** A tagged scalar's text (`!Ref X` reads as {Ref: "X"}, `!Sub "…"` as {"Fn::Sub": "…"}). */
function tagged(node: Scalar): string | undefined {
  const v = node.value;
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null) {
    const inner = Object.values(v)[0];
    if (typeof inner === "string") return inner;
  }
  return undefined;
}

/** `!Ref X` or `{"Ref": "X"}`: the name X. */
function refName(node: Node): string | undefined {
  if (isScalar(node) && node.tag === "!Ref") return tagged(node);
  if (isMap(node) && node.items.length === 1) {
    const pair = node.items[0]!;
    if (isScalar(pair.key) && pair.key.value === "Ref" && isScalar(pair.value)) return String(pair.value.value);
  }
  return undefined;
}

/** A size that is `!Ref Param`: the parameter's Default, when nothing else uses the parameter. */
function parameterSlot(ctx: Ctx, name: string, field: SizeField, container: string | undefined, what: string, at: Node): SizeSlot {
  const def = ctx.doc.getIn(["Parameters", name, "Default"], true) as Node | undefined;
  const uses = countRefs(ctx.doc, name);
  if (!isScalar(def)) return unwritable(ctx, at, field, container, `${what} is !Ref ${name}, a parameter with no Default here`);
  if (uses !== 1)
    return unwritable(ctx, at, field, container, `${what} is !Ref ${name}, which ${uses} places use: change it where it is passed in`);
  return scalarSlot(ctx, def, field, container, `parameter ${name}'s Default`)!;
}

/** How many times the document refers to a parameter: Ref in either form, or ${Name} in a Sub. */
function countRefs(doc: Document, name: string): number {
  let n = 0;
  visit(doc, {
    Scalar(_, node) {
      const text = node.tag ? tagged(node) : typeof node.value === "string" ? node.value : undefined;
      if (node.tag === "!Ref" && text === name) n++;
      else if (text?.includes(`\${${name}}`)) n++;
    },
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === "Ref" && isScalar(pair.value) && pair.value.value === name) n++;
    },
  });
  return n;
}
