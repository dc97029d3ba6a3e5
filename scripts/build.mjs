// npm run build: dist/ from src/ with tsc, and the CLI's run bit (tsc writes files without it, so after a
// rebuild `npx ecs-advisor` would say "Permission denied").
//   node scripts/build.mjs              type-check src and emit (npm run build, npm install's prepare)
//   node scripts/build.mjs --no-check   emit only (npm test, which has type-checked everything first)
import { spawnSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
const args = [tsc, "-p", join(root, "tsconfig.build.json"), ...(process.argv.includes("--no-check") ? ["--noCheck"] : [])];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", timeout: 300_000 });
if (r.status !== 0) process.exit(r.status ?? 1);
chmodSync(join(root, "dist", "cli", "main.js"), 0o755);
