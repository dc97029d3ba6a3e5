// Golden files: compare output with a committed file. A missing golden file fails the test; UPDATE_GOLDEN=1
// writes missing ones and rewrites changed ones instead:
//   UPDATE_GOLDEN=1 npx vitest run      # then review the diff with git
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "golden");

export function expectGolden(name: string, actual: string): void {
  const path = join(DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file test/golden/${name} is missing; UPDATE_GOLDEN=1 writes it`);
  expect(actual, `output differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, "utf8"));
}
