// Where a task definition file says its sizes: each cpu/memory/memoryReservation value's exact place in the
// text, so `apply` can change the values and nothing else (every other byte of the file stays as it was).

export type SizeField = "cpu" | "memory" | "memoryReservation";

export interface SizeSlot {
  field: SizeField;
  /** The container's name; undefined for the task-level field. */
  container: string | undefined;
  /** The value's source text is text.slice(start, end) (quotes included). */
  start: number;
  end: number;
  /** The number it says, when it is a plain literal (units such as "1 vCPU" or "2 GB" are read too). */
  value: number | undefined;
  /** How to write a new value: a bare number, or a string in this quote character. */
  style: { kind: "number" } | { kind: "string"; quote: string };
  line: number;
  /** Set when the value is not a literal this tool may rewrite (a variable used elsewhere, a function): why. */
  unwritable?: string | undefined;
  /** The value lives elsewhere (a parameter's Default, a variable's default): what, for the diff's notes. */
  via?: string | undefined;
}

export interface FoundTaskDefinition {
  /** The family, when it is a literal. */
  family: string | undefined;
  /** What to call it in messages: the family, or the resource's name. */
  name: string;
  line: number;
  slots: SizeSlot[];
  /** Containers in order, by name (a container without a literal name cannot be matched). */
  containers: string[];
}

/** "512", 512, "1 vCPU", "0.5 vcpu", "2 GB", "2GB", "1024 MiB"? — what ECS converts at registration. */
export function numberOf(field: SizeField, raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== "string") return undefined;
  const s = raw.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const vcpu = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(s);
  if (vcpu && field === "cpu") return Math.round(Number(vcpu[1]) * 1024);
  const gb = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(s);
  if (gb && field !== "cpu") return Math.round(Number(gb[1]) * 1024);
  return undefined;
}

/** The new value in the old one's style: quoted if it was, a bare number if it was. */
export function render(slot: SizeSlot, value: number): string {
  return slot.style.kind === "number" ? String(value) : `${slot.style.quote}${value}${slot.style.quote}`;
}

/** Line (1-based) of an offset. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
