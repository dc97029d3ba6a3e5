// Ready to publish, and safe to follow: `npm pack` holds the CLI and what it needs at run time (dist, assets,
// schema, README, LICENSE) and nothing else (that they run alone: scripts/image-check.mjs); no recipe or hint
// sends a user to a package name on the registry that this project has not published.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, spawnProcess } from "./helpers/cli.js";

const env = {
  PATH: process.env.PATH ?? "",
  HOME: mkdtempSync(join(tmpdir(), "ecs-advisor-pack-home-")),
  npm_config_update_notifier: "false",
};

describe("npm pack", () => {
  it("holds dist, assets, schema, README, LICENSE and package.json, and nothing else", async () => {
    const r = await spawnProcess("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { env, cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    const outside = files.filter((f) => !/^(dist|assets|schema)\//.test(f) && !["README.md", "LICENSE", "package.json"].includes(f));
    expect(outside).toEqual([]);
    for (const needed of [
      "dist/cli/main.js",
      "assets/demo/demo-snapshot.json.gz",
      "assets/prices/fargate_prices_us-east-1.json",
      "schema/report-v1.schema.json",
      "LICENSE",
    ]) {
      expect(files, needed).toContain(needed);
    }
    expect(files.some((f) => f.startsWith("dist/") && /\.test\./.test(f))).toBe(false);
  });
  // That the packed files run on their own, with a clean production install, is scripts/image-check.mjs
  // (npm test runs it after the suite: it is the container image's runtime stage, without an engine).
});

describe("no recipe runs a package this project has not published", () => {
  const docs = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)];

  it("no `npm install ecs-advisor` from the registry, no ecs-advisor@latest, anywhere a user reads", () => {
    const sources = readdirSync(join(ROOT, "src"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1));
    for (const file of [...docs, ...sources]) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text, file).not.toMatch(/npm (install|i)( -g)? ecs-advisor(@|\s|$)/m);
      expect(text, file).not.toContain("ecs-advisor@latest");
    }
  });

  it("`npx ecs-advisor` only where the text says it runs in the checkout", () => {
    for (const file of docs) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const m of text.matchAll(/npx ecs-advisor/g)) {
        const around = text.slice(Math.max(0, m.index - 700), m.index + 120);
        expect(/checkout/.test(around), `${file}: npx ecs-advisor at ${m.index} with no checkout said around it`).toBe(true);
      }
    }
  });
});
