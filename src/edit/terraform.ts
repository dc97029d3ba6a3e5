// Sizes in Terraform files: each `resource "aws_ecs_task_definition"` block's cpu, memory and, in a literal
// `container_definitions = jsonencode([...])` (or a JSON heredoc), each container's cpu, memory and
// memoryReservation. A tokenizer that knows HCL's strings, templates, heredocs and comments finds where each
// value is; only the values change, every other byte stays. A size from `var.x` changes the variable's
// default when nothing else uses the variable. Anything else (a function, a reference) is left alone, with why.
import { UserError } from "../errors.js";
import { locateInDocument } from "./document.js";
import { type FoundTaskDefinition, lineAt, numberOf, type SizeField, type SizeSlot } from "./slots.js";

interface Token {
  kind: "ident" | "number" | "string" | "heredoc" | "punct" | "newline";
  start: number;
  end: number;
  /** ident/number/punct: the text; string: the unquoted value when it has no template; heredoc: its body. */
  text: string;
  /** string: `${` or `%{` inside. */
  template?: boolean;
  /** heredoc: where its body starts. */
  bodyStart?: number;
}

export function tokenize(src: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new UserError(
      `${file}:${lineAt(src, i)}: cannot read this Terraform file: ${what}`,
      "check that `terraform validate` accepts it",
    );
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n") {
      out.push({ kind: "newline", start: i, end: i + 1, text: "\n" });
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (c === "#" || (c === "/" && src[i + 1] === "/")) {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) fail("a comment that never ends");
      i = end + 2;
    } else if (c === '"') {
      const start = i;
      i = skipString(src, i + 1, fail);
      const body = src.slice(start + 1, i - 1);
      out.push({ kind: "string", start, end: i, text: body, template: /[$%]\{/.test(body) });
    } else if (c === "<" && src[i + 1] === "<" && /[-A-Za-z_]/.test(src[i + 2] ?? "")) {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(src.slice(i));
      if (!m) fail("a heredoc without its marker");
      const start = i;
      const bodyStart = i + m![0].length;
      const close = new RegExp(`^[ \\t]*${m![1]}[ \\t]*$`, "m");
      const rest = src.slice(bodyStart);
      const end = close.exec(rest);
      if (!end) fail(`a heredoc that never reaches ${m![1]}`);
      i = bodyStart + end!.index + end![0].length;
      out.push({ kind: "heredoc", start, end: i, text: rest.slice(0, end!.index), bodyStart });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      out.push({ kind: "number", start: i, end: i + m[0].length, text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))!;
      out.push({ kind: "ident", start: i, end: i + m[0].length, text: m[0] });
      i += m[0].length;
    } else {
      out.push({ kind: "punct", start: i, end: i + 1, text: c });
      i++;
    }
  }
  return out;
}

/** Past a string's closing quote, through escapes and `${ … }` templates (which may hold strings). */
function skipString(src: string, i: number, fail: (what: string) => never): number {
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else if ((c === "$" || c === "%") && src[i + 1] === "{") {
      let depth = 1;
      i += 2;
      while (i < src.length && depth > 0) {
        if (src[i] === '"') i = skipString(src, i + 1, fail);
        else {
          if (src[i] === "{") depth++;
          else if (src[i] === "}") depth--;
          i++;
        }
      }
    } else if (c === "\n") fail("a string that never ends");
    else i++;
  }
  return fail("a string that never ends");
}

const OPEN = new Set(["{", "[", "("]);
const CLOSE = new Set(["}", "]", ")"]);

/** The index just past the bracket that closes the one at `i`. */
function closing(t: Token[], i: number): number {
  let depth = 0;
  for (let k = i; k < t.length; k++) {
    if (t[k]!.kind !== "punct") continue;
    if (OPEN.has(t[k]!.text)) depth++;
    else if (CLOSE.has(t[k]!.text) && --depth === 0) return k + 1;
  }
  return t.length;
}

interface Attribute {
  name: string;
  /** Tokens of its value: [from, to). */
  from: number;
  to: number;
}

/** A body's attributes (`name = value` or `name: value`) between tokens [from, to), nested blocks skipped. */
function attributes(t: Token[], from: number, to: number): Attribute[] {
  const out: Attribute[] = [];
  let i = from;
  while (i < to) {
    const k = t[i]!;
    if (k.kind === "newline" || (k.kind === "punct" && k.text === ",")) {
      i++;
      continue;
    }
    const eq = t[i + 1];
    if ((k.kind === "ident" || (k.kind === "string" && !k.template)) && eq?.kind === "punct" && (eq.text === "=" || eq.text === ":")) {
      let j = i + 2;
      while (j < to && !(t[j]!.kind === "newline" || (t[j]!.kind === "punct" && (t[j]!.text === "," || CLOSE.has(t[j]!.text))))) {
        j = t[j]!.kind === "punct" && OPEN.has(t[j]!.text) ? closing(t, j) : j + 1;
      }
      out.push({ name: k.text, from: i + 2, to: j });
      i = j;
      continue;
    }
    // A nested block (`dynamic "x" { … }`, `volume { … }`) or something else: past it.
    let j = i;
    while (j < to && t[j]!.kind !== "newline" && !(t[j]!.kind === "punct" && OPEN.has(t[j]!.text))) j++;
    i = j < to && t[j]!.kind === "punct" && OPEN.has(t[j]!.text) ? closing(t, j) : j + 1;
  }
  return out;
}

/** Every `resource "aws_ecs_task_definition" "name" { … }` in the file, with where its sizes are. */
export function locateInTerraform(src: string, file: string): FoundTaskDefinition[] {
  const t = tokenize(src, file);
  const variables = variableDefaults(t);
  const out: FoundTaskDefinition[] = [];
  for (let i = 0; i + 3 < t.length; i++) {
    const [kw, type, name, open] = [t[i]!, t[i + 1]!, t[i + 2]!, t[i + 3]!];
    if (
      kw.kind !== "ident" ||
      kw.text !== "resource" ||
      type.text !== "aws_ecs_task_definition" ||
      name.kind !== "string" ||
      open.text !== "{"
    )
      continue;
    if (i > 0 && t[i - 1]!.kind !== "newline") continue;
    const end = closing(t, i + 3);
    out.push(resource(src, file, t, i + 4, end - 1, name.text, variables));
    i = end - 1;
  }
  return out;
}

function resource(src: string, file: string, t: Token[], from: number, to: number, name: string, vars: Variables): FoundTaskDefinition {
  const attrs = attributes(t, from, to);
  const get = (n: string) => attrs.find((a) => a.name === n);
  const familyAttr = get("family");
  const familyTok = familyAttr && familyAttr.to - familyAttr.from === 1 ? t[familyAttr.from] : undefined;
  const family = familyTok?.kind === "string" && !familyTok.template ? familyTok.text : undefined;
  const slots: SizeSlot[] = [];
  for (const field of ["cpu", "memory"] as const) {
    const a = get(field);
    if (a) slots.push(valueSlot(src, t, a, field, undefined, vars));
  }
  const containers: string[] = [];
  const cd = get("container_definitions");
  if (cd) containerSlots(src, file, t, cd, slots, containers, vars);
  return { family, name: family ?? `aws_ecs_task_definition.${name}`, line: lineAt(src, t[from - 1]!.start), slots, containers };
}

/** A literal value's slot, a variable's default, or why it cannot be written. */
function valueSlot(src: string, t: Token[], a: Attribute, field: SizeField, container: string | undefined, vars: Variables): SizeSlot {
  const toks = t.slice(a.from, a.to);
  const first = toks[0];
  const what = `${container ? `container ${container}'s ` : ""}${a.name}`;
  const base = { field, container, line: first ? lineAt(src, first.start) : 0 };
  if (toks.length === 1 && first!.kind === "number") {
    return { ...base, start: first!.start, end: first!.end, value: numberOf(field, Number(first!.text)), style: { kind: "number" } };
  }
  if (toks.length === 1 && first!.kind === "string" && !first!.template) {
    return { ...base, start: first!.start, end: first!.end, value: numberOf(field, first!.text), style: { kind: "string", quote: '"' } };
  }
  // var.name: its default, when nothing else in the file uses it.
  if (toks.length === 3 && first!.text === "var" && toks[1]!.text === "." && toks[2]!.kind === "ident") {
    const name = toks[2]!.text;
    const v = vars.get(name);
    const why = !v?.value
      ? `${what} is var.${name}, with no literal default in this file`
      : v.uses !== 1
        ? `${what} is var.${name}, which ${v.uses} places use: change it where it is set`
        : undefined;
    if (why || !v?.value)
      return { ...base, start: first!.start, end: toks[2]!.end, value: undefined, style: { kind: "number" }, unwritable: why };
    const d = v.value;
    return {
      ...base,
      line: lineAt(src, d.start),
      start: d.start,
      end: d.end,
      value: numberOf(field, d.kind === "number" ? Number(d.text) : d.text),
      style: d.kind === "number" ? { kind: "number" } : { kind: "string", quote: '"' },
      via: `variable ${toks[2]!.text}'s default`,
    };
  }
  const start = first?.start ?? 0;
  return {
    ...base,
    start,
    end: toks.at(-1)?.end ?? start,
    value: undefined,
    style: { kind: "number" },
    unwritable: `${what} is not a literal value`,
  };
}

/** container_definitions = jsonencode([ { … }, … ]) or a JSON heredoc: each container's sizes. */
function containerSlots(
  src: string,
  file: string,
  t: Token[],
  cd: Attribute,
  slots: SizeSlot[],
  containers: string[],
  vars: Variables,
): void {
  const toks = t.slice(cd.from, cd.to);
  const first = toks[0];
  if (first?.kind === "heredoc" && toks.length === 1) {
    // A heredoc holding the JSON array: located as JSON, offsets moved to the file's.
    const body = first.text;
    let found: FoundTaskDefinition[] = [];
    try {
      found = locateInDocument(`{"containerDefinitions": ${body}}`, file);
    } catch {
      return;
    }
    const shift = first.bodyStart! - '{"containerDefinitions": '.length;
    for (const s of found[0]?.slots ?? [])
      slots.push({ ...s, start: s.start + shift, end: s.end + shift, line: lineAt(src, s.start + shift) });
    containers.push(...(found[0]?.containers ?? []));
    return;
  }
  const call = first?.kind === "ident" && first.text === "jsonencode" && t[cd.from + 1]?.text === "(" && t[cd.from + 2]?.text === "[";
  if (!call) {
    const start = first?.start ?? 0;
    slots.push({
      field: "memory",
      container: "*",
      start,
      end: start,
      value: undefined,
      style: { kind: "number" },
      line: lineAt(src, start),
      unwritable:
        "container_definitions is not a literal jsonencode([...]) or JSON heredoc (a file(), a template or a local): apply the file it reads, or change the values there",
    });
    return;
  }
  const listEnd = closing(t, cd.from + 2) - 1;
  for (let i = cd.from + 3; i < listEnd; i++) {
    if (t[i]!.kind !== "punct" || t[i]!.text !== "{") continue;
    const objEnd = closing(t, i) - 1;
    const attrs = attributes(t, i + 1, objEnd);
    const nameAttr = attrs.find((a) => a.name === "name");
    const nameTok = nameAttr && nameAttr.to - nameAttr.from === 1 ? t[nameAttr.from] : undefined;
    const name = nameTok?.kind === "string" && !nameTok.template ? nameTok.text : `#${containers.length + 1}`;
    containers.push(name);
    for (const field of ["cpu", "memory", "memoryReservation"] as const) {
      const a = attrs.find((x) => x.name === field);
      if (a) slots.push(valueSlot(src, t, a, field, name, vars));
    }
    i = objEnd;
  }
}

type Variables = Map<string, { value: Token | undefined; uses: number }>;

/** `variable "x" { default = <literal> }` in the file, and how many times `var.x` appears. */
function variableDefaults(t: Token[]): Variables {
  const out: Variables = new Map();
  for (let i = 0; i + 2 < t.length; i++) {
    if (t[i]!.text === "variable" && t[i + 1]!.kind === "string" && t[i + 2]!.text === "{" && (i === 0 || t[i - 1]!.kind === "newline")) {
      const end = closing(t, i + 2) - 1;
      const def = attributes(t, i + 3, end).find((a) => a.name === "default");
      const tok = def && def.to - def.from === 1 ? t[def.from] : undefined;
      const literal = tok && (tok.kind === "number" || (tok.kind === "string" && !tok.template)) ? tok : undefined;
      out.set(t[i + 1]!.text, { value: literal, uses: 0 });
    }
  }
  for (let i = 0; i + 2 < t.length; i++) {
    if (t[i]!.text === "var" && t[i + 1]!.text === "." && t[i + 2]!.kind === "ident") {
      const v = out.get(t[i + 2]!.text);
      if (v) v.uses++;
    }
    // Inside a string template too: "${var.x}".
    if (t[i]!.kind === "string" && t[i]!.template)
      for (const m of t[i]!.text.matchAll(/var\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
        const v = out.get(m[1]!);
        if (v) v.uses++;
      }
  }
  return out;
}
