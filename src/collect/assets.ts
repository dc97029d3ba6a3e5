// Files shipped with the package (price book, demo fleet), found from this module's own location so the
// same code works from src/ (tests) and dist/ (the installed CLI).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "ecs-advisor") {
          root = dir;
          return dir;
        }
      } catch {
        // not ours; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`ecs-advisor: cannot find the package root (package.json) above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const assetPath = (...parts: string[]): string => join(packageRoot(), ...parts);

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  return version;
}
