// The container image's runtime steps, without a container engine (npm test runs this after the suite):
// the files `npm pack` ships, unpacked into an empty folder with the lockfile; a clean
// `npm ci --omit=dev --ignore-scripts` (no dev dependency, no build); then the Dockerfile's ENTRYPOINT with
// its CMD, and a live-style run with no credentials (one line, exit 2). It also checks that the Dockerfile
// still says exactly these steps, so the two cannot drift apart. What it cannot check without an engine:
// the base image (node:22-slim) and the `node` user.
//   node scripts/image-check.mjs
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
const STEPS = [
  "mkdir -p /tmp/pkg && npm pack --ignore-scripts --pack-destination /tmp/pkg",
  "tar -xzf /tmp/pkg/ecs-advisor-*.tgz -C /app --strip-components=1",
  "npm ci --omit=dev --ignore-scripts --no-audit --no-fund",
  'ENTRYPOINT ["node", "/app/dist/cli/main.js"]',
  'CMD ["report", "--demo", "--no-interactive"]',
];
for (const step of STEPS)
  if (!dockerfile.includes(step)) fail(`the Dockerfile no longer says: ${step} (update scripts/image-check.mjs with it)`);

function fail(message) {
  console.error(`image-check: ${message}`);
  process.exit(1);
}
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 300_000, ...opts });
  if (r.error) fail(`${cmd} ${args.join(" ")}: ${r.error.message}`);
  return r;
}

const work = mkdtempSync(join(tmpdir(), "ecs-advisor-image-"));
const pkg = join(work, "pkg");
const app = join(work, "app");
const env = { PATH: process.env.PATH ?? "", HOME: work, NODE_ENV: "production", npm_config_update_notifier: "false" };
try {
  const t0 = Date.now();
  run("mkdir", ["-p", pkg]);
  let r = run("npm", ["pack", "--ignore-scripts", "--pack-destination", pkg], {
    cwd: root,
    env: { ...env, HOME: process.env.HOME ?? work },
  });
  if (r.status !== 0) fail(`npm pack failed: ${r.stderr}`);
  const tarball = readdirSync(pkg).find((f) => /^ecs-advisor-.*\.tgz$/.test(f));
  if (!tarball) fail("npm pack wrote no ecs-advisor-*.tgz");
  run("mkdir", ["-p", app]);
  r = run("tar", ["-xzf", join(pkg, tarball), "-C", app, "--strip-components=1"]);
  if (r.status !== 0) fail(`tar: ${r.stderr}`);
  copyFileSync(join(root, "package-lock.json"), join(app, "package-lock.json"));
  // The npm cache of this machine (filled by npm ci) is used first; the registry only for what it lacks.
  r = run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: app,
    env: { ...env, HOME: process.env.HOME ?? work },
  });
  if (r.status !== 0) fail(`npm ci --omit=dev failed: ${r.stderr}`);
  for (const dev of ["typescript", "vitest", "@biomejs/biome", "playwright-core", "tsx"])
    if (existsSync(join(app, "node_modules", dev))) fail(`a dev dependency was installed: ${dev}`);
  // ENTRYPOINT + CMD, as the container starts them (no terminal: the table).
  r = run(process.execPath, [join(app, "dist", "cli", "main.js"), "report", "--demo", "--no-interactive"], { cwd: app, env });
  if (r.status !== 0 || !/^ecs-advisor · demo/m.test(r.stdout))
    fail(`the entrypoint did not print the demo report (exit ${r.status}): ${r.stderr}`);
  // A live run without credentials or network: one line and exit 2, never a stack trace.
  r = run(process.execPath, [join(app, "dist", "cli", "main.js"), "report", "--region", "eu-west-1", "--no-interactive"], {
    cwd: app,
    env: { ...env, AWS_EC2_METADATA_DISABLED: "true", AWS_ENDPOINT_URL: "http://127.0.0.1:9" },
  });
  if (r.status !== 2 || /\n\s+at /.test(r.stderr))
    fail(`a run without AWS access should end with one line and exit 2, got ${r.status}: ${r.stderr}`);
  const size = run("du", ["-sm", join(app, "node_modules")]).stdout.split("\t")[0];
  console.log(
    `image-check: the runtime stage's steps work without a container engine: packed files + npm ci --omit=dev (${size} MB of dependencies), the entrypoint prints the demo report, a run without AWS access exits 2 with one line (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
