// Escaping shared by the text formats: a service or cluster name from AWS (or from a snapshot or task
// definition file, which anyone can write) is data, never markup and never a terminal command.

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides, which could
 * clear a screen, set a window title, split a row or reorder what is shown.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSAFE = new RegExp(UNSAFE.source);
const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, "0");

/** The one escaping for anything shown on a terminal: every unsafe character as a visible escape (`\x1b`). */
export function visible(text: string): string {
  if (!HAS_UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (c) => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/**
 * JSON text as a terminal can show it: JSON.stringify escapes C0 controls but leaves DEL, C1 controls,
 * line separators and bidirectional overrides raw; these are written as \u escapes (the same data).
 */
export function jsonSafe(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${hex(c, 4)}`);
}

/** Does any string in this value need escaping? */
function unsafeSomewhere(value: unknown): boolean {
  if (typeof value === "string") return HAS_UNSAFE.test(value);
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v !== "number" && v !== null && unsafeSomewhere(v)) return true;
    return false;
  }
  for (const [k, v] of Object.entries(value)) if (HAS_UNSAFE.test(k) || unsafeSomewhere(v)) return true;
  return false;
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === "string") return visible(value);
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(escapeDeep);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [visible(k), escapeDeep(v)]));
}

/** A report (or check result) with every string made safe for a terminal; the same object when none needs it. */
export function forTerminal<T>(value: T): T {
  return unsafeSomewhere(value) ? (escapeDeep(value) as T) : value;
}

/** Markdown text: characters that would start markup are escaped; < and > become entities. */
export function md(text: string): string {
  return visible(text).replace(/[\\`*_[\]<>|#~]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "|" ? "\\|" : `\\${c}`));
}

/**
 * A code span: backslash escapes do not work inside one, so backticks are replaced; a pipe is written
 * "\\|", which GitHub's tables need even inside code (and ECS names never contain).
 */
export const code = (text: string): string => `\`${visible(text).replace(/`/g, "'").replace(/\|/g, "\\|")}\``;

/** HTML text and attribute values. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/** Slack mrkdwn: only &, < and > are special (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slack(text: string): string {
  return visible(text).replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}
