// The project's config file: .ecs-advisor.yml (or .yaml, or .json) in the current directory, or
// --config FILE. Validated once; a bad value names the file, the line and what is expected.
//
//   check:
//     fail-on: [risk, cost]          # categories (invalid, risk, cost, evidence) or rule names; or "none"
//     max-increase: ["$50", "10%"]   # a monthly dollar amount, a percent, or both
//     overprovisioned: 50%           # above the recommendation by more than this
//     require-evidence: false
//     rules:
//       cpu-below-need: warning      # error | warning | off
//     task-definitions:              # what a bare containerDefinitions array lacks, by file (from here)
//       infra/api/containers.json: { family: api, cpu: 512, memory: 1024 }
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { UserError } from "../errors.js";
import { RULE_IDS } from "../advisor/check-rules.js";
import { CATEGORIES, CHECK_RULES, SEVERITIES } from "../model/check.js";

export const CONFIG_NAMES = [".ecs-advisor.yml", ".ecs-advisor.yaml", ".ecs-advisor.json"] as const;

export interface MaxIncrease {
  usd: number | null;
  percent: number | null;
}

/** "$50", "50", 50 → dollars; "10%" → percent. */
export function parseIncrease(value: string | number): { usd?: number; percent?: number } | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? { usd: value } : undefined;
  const m = /^\s*(\$)?\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(value);
  if (!m || (m[1] && m[3])) return undefined;
  const n = Number(m[2]);
  return m[3] ? { percent: n } : { usd: n };
}

const failOnItem = z
  .string()
  .refine((s) => s === "none" || (CATEGORIES as readonly string[]).includes(s) || (RULE_IDS as readonly string[]).includes(s), {
    message: `expected one of ${[...CATEGORIES, "none"].join(", ")}, or a rule name (${RULE_IDS.join(", ")})`,
  });
const increaseItem = z.union([z.number(), z.string()]).refine((v) => parseIncrease(v) !== undefined, {
  message: 'expected a monthly dollar amount ("$50" or 50) or a percent ("10%")',
});
const percentValue = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : /^\s*\d+(\.\d+)?\s*%?\s*$/.test(v) ? Number(v.replace("%", "")) : Number.NaN;
  if (!(n >= 0)) {
    ctx.addIssue({ code: "custom", message: 'expected a percent such as 50 or "50%"' });
    return z.NEVER;
  }
  return n;
});

export const configSchema = z.strictObject({
  check: z
    .strictObject({
      "fail-on": z.union([z.array(failOnItem), failOnItem.transform((s) => s.split(",").map((x) => x.trim()))]).optional(),
      "max-increase": z.union([z.array(increaseItem), increaseItem.transform((v) => [v])]).optional(),
      overprovisioned: percentValue.optional(),
      "require-evidence": z.boolean().optional(),
      rules: z.partialRecord(z.enum(CHECK_RULES), z.enum(SEVERITIES)).optional(),
      "task-definitions": z
        .record(
          z.string(),
          z.strictObject({
            family: z.string(),
            cpu: z.union([z.number(), z.string()]).optional(),
            memory: z.union([z.number(), z.string()]).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type Config = z.output<typeof configSchema>;

export interface LoadedConfig {
  config: Config;
  path: string | undefined;
}

/** --config FILE, else the first of CONFIG_NAMES in `cwd`, else an empty config. */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  const path = explicit ? resolve(cwd, explicit) : CONFIG_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  if (!path) return { config: {}, path: undefined };
  const shown = explicit ?? path.replace(/^.*[\\/]/, "");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new UserError(`config file not found: ${shown}`, "check the --config path");
    throw new UserError(`cannot read ${shown}: ${(e as Error).message}`, "check the file's permissions");
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new UserError(
      `${shown}${pos ? `:${pos.line}:${pos.col}` : ""}: not valid YAML or JSON: ${err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      "fix the syntax; docs/check.md shows the format",
    );
  }
  const raw = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
    const at = keys.length ? [...path, keys[0]!] : path;
    const node = doc.getIn(at, true) ?? (keys.length ? findKey(doc, path, keys[0]!) : undefined);
    const line = isNode(node) && node.range ? lines.linePos(node.range[0]).line : undefined;
    const name = at.join(".") || "(top level)";
    const what = keys.length ? `unknown setting ${name}` : `${name}: ${issue.message}`;
    throw new UserError(
      `${shown}${line ? `:${line}` : ""}: ${what}`,
      "settings go under check: fail-on, max-increase, overprovisioned, require-evidence, rules",
    );
  }
  return { config: parsed.data, path };
}

function findKey(doc: ReturnType<typeof parseDocument>, path: Array<string | number>, key: string): unknown {
  const parent = path.length ? doc.getIn(path, true) : doc.contents;
  const items = (parent as { items?: Array<{ key?: unknown }> } | null)?.items ?? [];
  return items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === key)?.key;
}
