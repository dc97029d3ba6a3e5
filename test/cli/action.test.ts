// The GitHub Action as far as it can run off GitHub: action.yml is valid and names files that exist,
// its shell step finds a pull request's changed task definitions in a real git repository and runs the
// built CLI, and the comment poster talks to a loopback stand-in for the GitHub REST API.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { git } from "../helpers/git.js";
import { ROOT, spawnProcess } from "../helpers/cli.js";
import { demoEvidence } from "../helpers/demo-evidence.js";

/** A process with its output, killed after 30 s (a hang fails the test, not the CI run). */
const run = (cmd: string, args: string[], env: Record<string, string>, cwd: string) =>
  spawnProcess(cmd, args, { cwd, env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), ...env } });

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

describe("action.yml", () => {
  it("is a composite action whose steps name files that exist", () => {
    const action = parseYaml(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
      runs: { using: string; steps: Array<{ run?: string; uses?: string; id?: string; with?: Record<string, unknown> }> };
      inputs: Record<string, unknown>;
      outputs: Record<string, { value: string }>;
    };
    expect(action.runs.using).toBe("composite");
    const runs = action.runs.steps.map((s) => s.run ?? "").join("\n");
    for (const m of runs.matchAll(/\$GITHUB_ACTION_PATH\/([\w./-]+)/g)) expect(existsSync(join(ROOT, m[1]!)), m[1]).toBe(true);
    expect(runs).toContain("scripts/action-check.sh");
    expect(runs).toContain("dist/cli/pr-comment.js");
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["task-definitions", "snapshot", "args", "comment", "github-token"]));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    expect(action.outputs["exit-code"]!.value).toBe("${{ steps.check.outputs.exit-code }}");
    // Node: a setup-node major that runs on the node24 action runtime (v5 and later), installing Node 24.
    const setup = action.runs.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!;
    expect(Number(/@v(\d+)/.exec(setup.uses!)![1])).toBeGreaterThanOrEqual(5);
    expect(String(setup.with!["node-version"])).toBe("24");
    // Inputs reach the script through the environment, never pasted into the script text.
    const check = action.runs.steps.find((s) => s.id === "check")!;
    expect(check.run).not.toContain("inputs.");
  });
});

describe("scripts/action-check.sh in a pull request's checkout", () => {
  // The evidence: the demo fleet's two services these task definitions belong to, as a snapshot file (what a
  // workflow passes as `snapshot:`). The same numbers as --demo, without loading and advising forty services
  // in every check the script starts.
  let evidence = "";
  beforeAll(async () => {
    evidence = await demoEvidence(["checkout-api", "cart-api"]);
  });

  function repo(): { dir: string; env: Record<string, string>; out: string } {
    const base = mkdtempSync(join(tmpdir(), "ecs-advisor-action-"));
    const origin = join(base, "origin.git");
    const dir = join(base, "work");
    git(base, "init", "--bare", "-q", origin);
    git(base, "clone", "-q", origin, dir);
    mkdirSync(join(dir, "infra", "taskdefs"), { recursive: true });
    copyFileSync(join(ROOT, "fixtures/taskdefs/checkout-api-unchanged.json"), join(dir, "infra/taskdefs/checkout-api-taskdef.json"));
    copyFileSync(join(ROOT, "fixtures/taskdefs/cart-api-rightsized.json"), join(dir, "infra/taskdefs/cart-api-taskdef.json"));
    writeFileSync(join(dir, "README.md"), "app\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    git(dir, "push", "-q", "origin", "main");
    git(dir, "checkout", "-q", "-b", "shrink");
    // The pull request shrinks checkout-api below its peak memory and touches a file that is not a task definition.
    copyFileSync(join(ROOT, "fixtures/taskdefs/checkout-api-too-small.json"), join(dir, "infra/taskdefs/checkout-api-taskdef.json"));
    writeFileSync(join(dir, "README.md"), "app, changed\n");
    git(dir, "commit", "-q", "-am", "shrink checkout-api");
    const runner = mkdtempSync(join(tmpdir(), "ecs-advisor-runner-"));
    const out = join(runner, "output");
    writeFileSync(out, "");
    const env = {
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_OUTPUT: out,
      GITHUB_STEP_SUMMARY: join(runner, "summary.md"),
      RUNNER_TEMP: runner,
      GITHUB_BASE_REF: "main",
      INPUT_PATTERN: "**/*taskdef*.json **/*task-definition*.json **/*.template.json",
      INPUT_SNAPSHOT: evidence,
      INPUT_TASK_DEFINITIONS: "",
      INPUT_ARGS: "",
      SOURCE_DATE_EPOCH: "1795305600",
    };
    return { dir, env, out };
  }

  it("checks only the changed task definitions, annotates, writes the comment and hands on exit 1", async () => {
    const { dir, env, out } = repo();
    const r = await run("bash", [join(ROOT, "scripts/action-check.sh")], env, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0); // the verdict is the last step's, so the comment is posted first
    expect(r.stdout).toMatch(/^::error file=infra\/taskdefs\/checkout-api-taskdef\.json,line=6,title=ecs-advisor memory-below-peak::/m);
    expect(r.stdout).not.toContain("cart-api");
    const o = outputs(out);
    expect(o["exit-code"]).toBe("1");
    expect(o.files).toBe("infra/taskdefs/checkout-api-taskdef.json");
    const comment = readFileSync(o.comment!, "utf8");
    expect(comment.split("\n")[0]).toBe("<!-- ecs-advisor-check -->");
    expect(comment).toContain("### ❌ ecs-advisor check failed: 2 errors · monthly cost -$157.14 (-55%)");
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8")).toBe(comment);
    expect(o["comment-mode"]).toBe("");
  });

  it("comment-when: a passing change with comment-when=failures only updates an earlier comment", async () => {
    const { dir, env, out } = repo();
    const r = await run(
      "bash",
      [join(ROOT, "scripts/action-check.sh")],
      { ...env, INPUT_TASK_DEFINITIONS: "infra/taskdefs/cart-api-taskdef.json", INPUT_COMMENT_WHEN: "failures" },
      dir,
    );
    expect(r.code).toBe(0);
    expect(outputs(out)).toMatchObject({ "exit-code": "0", "comment-mode": "--update-only" });
  });

  it("comment-when=changes comments on a cost change even when it passes", async () => {
    const { dir, env, out } = repo();
    // cart-api right-sized: $255.18 → $63.79 a month, a change worth a comment.
    await run(
      "bash",
      [join(ROOT, "scripts/action-check.sh")],
      { ...env, INPUT_TASK_DEFINITIONS: "infra/taskdefs/cart-api-taskdef.json", INPUT_COMMENT_WHEN: "changes" },
      dir,
    );
    expect(outputs(out)).toMatchObject({ "exit-code": "0", "comment-mode": "" });
  });

  it("explicit files override the diff; a bad file among good ones is annotated, the rest checked, exit 2, and the comment posted", async () => {
    const { dir, env, out } = repo();
    writeFileSync(join(dir, "broken.json"), '{"family": "x",, }');
    const r = await run(
      "bash",
      [join(ROOT, "scripts/action-check.sh")],
      { ...env, INPUT_TASK_DEFINITIONS: "infra/taskdefs/cart-api-taskdef.json\nbroken.json\nmissing.json", INPUT_COMMENT_WHEN: "failures" },
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/missing\.json/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/^::error file=broken\.json,line=1,col=16,title=ecs-advisor%3A cannot check this file::not valid JSON: /m);
    expect(r.stdout).toMatch(
      /^::error file=missing\.json,title=ecs-advisor%3A cannot check this file::task definition file not found: missing\.json/m,
    );
    const o = outputs(out);
    expect(o).toMatchObject({ "exit-code": "2", "comment-mode": "" });
    const comment = readFileSync(o.comment!, "utf8");
    expect(comment).toContain("### ❌ ecs-advisor check incomplete: 2 files could not be checked · monthly cost -$191.39 (-75%)");
    expect(comment).toContain("- ❌ `broken.json:1:16` — not valid JSON");
    expect(comment).toContain("`infra/taskdefs/cart-api-taskdef.json` cart-api");
  });

  it("with no evidence there is nothing to comment: exit 2 and no comment", async () => {
    const { dir, env, out } = repo();
    const r = await run(
      "bash",
      [join(ROOT, "scripts/action-check.sh")],
      { ...env, INPUT_TASK_DEFINITIONS: "infra/taskdefs/cart-api-taskdef.json", INPUT_ARGS: "", INPUT_SNAPSHOT: "nowhere.json.gz" },
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nowhere\.json\.gz/);
    expect(outputs(out)).toMatchObject({ "exit-code": "2", comment: "" });
  });

  it("no changed task definitions is a notice and exit 0", async () => {
    const { dir, env, out } = repo();
    const r = await run("bash", [join(ROOT, "scripts/action-check.sh")], { ...env, INPUT_PATTERN: "**/*.nothing.json" }, dir);
    expect(r.stdout).toContain("::notice title=ecs-advisor::no task definition files to check");
    expect(outputs(out)).toMatchObject({ "exit-code": "0", comment: "" });
  });
});

describe("pr-comment against a loopback GitHub API", () => {
  const TOKEN = "ghs_SECRETtoken0123456789";
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections(); // a keep-alive connection would hold close() open
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  interface Seen {
    method: string;
    url: string;
    auth: string | undefined;
    body: string;
  }
  async function github(
    handler: (req: IncomingMessage, body: string) => { status: number; json: unknown },
  ): Promise<{ url: string; seen: Seen[] }> {
    const seen: Seen[] = [];
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
        const r = handler(req, body);
        res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify(r.json));
      });
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
  }

  function commentFile(): { file: string; env: Record<string, string> } {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-comment-"));
    const file = join(dir, "comment.md");
    writeFileSync(file, "<!-- ecs-advisor-check -->\n### ✅ ecs-advisor check passed\n");
    const event = join(dir, "event.json");
    writeFileSync(event, JSON.stringify({ pull_request: { number: 42 } }));
    return { file, env: { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/infra", GITHUB_EVENT_PATH: event } };
  }
  const poster = join(ROOT, "dist/cli/pr-comment.js");

  it("creates the comment when there is none, with the token only in the Authorization header", async () => {
    const { url, seen } = await github((req) =>
      req.method === "GET" ? { status: 200, json: [{ id: 1, body: "looks good" }] } : { status: 201, json: { id: 9 } },
    );
    const { file, env } = commentFile();
    const r = await run(process.execPath, [poster, file], { ...env, GITHUB_API_URL: url }, ROOT);
    expect(r.stdout).toBe("commented on pull request #42\n");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /repos/acme/infra/issues/42/comments?per_page=100&page=1",
      "POST /repos/acme/infra/issues/42/comments",
    ]);
    expect(seen.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.parse(seen[1]!.body).body).toContain("ecs-advisor check passed");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("finds its earlier comment on a later page and updates it in place", async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: `comment ${i}` }));
    const page2 = [{ id: 777, body: "<!-- ecs-advisor-check -->\nold result" }];
    const { url, seen } = await github((req) =>
      req.method === "GET" ? { status: 200, json: req.url!.endsWith("page=1") ? page1 : page2 } : { status: 200, json: { id: 777 } },
    );
    const { file, env } = commentFile();
    const r = await run(process.execPath, [poster, file], { ...env, GITHUB_API_URL: url }, ROOT);
    expect(r.stdout).toBe("updated the ecs-advisor comment on pull request #42\n");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /repos/acme/infra/issues/42/comments?per_page=100&page=1",
      "GET /repos/acme/infra/issues/42/comments?per_page=100&page=2",
      "PATCH /repos/acme/infra/issues/comments/777",
    ]);
  });

  it("a read-only token (403) is one warning line, exit 0, and the token is not printed", async () => {
    const { url } = await github((req) =>
      req.method === "GET"
        ? { status: 200, json: [] }
        : { status: 403, json: { message: `Resource not accessible by integration ${TOKEN}` } },
    );
    const { file, env } = commentFile();
    const r = await run(process.execPath, [poster, file], { ...env, GITHUB_API_URL: url }, ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "::warning title=ecs-advisor::the pull-request comment was not posted: POST /repos/acme/infra/issues/42/comments answered 403 (a read-only token, as on pull requests from forks?)\n",
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("--update-only edits an earlier comment but posts no new one, and says so without a warning", async () => {
    const { url, seen } = await github((req) =>
      req.method === "GET" ? { status: 200, json: [{ id: 1, body: "looks good" }] } : { status: 201, json: { id: 9 } },
    );
    const { file, env } = commentFile();
    const r = await run(process.execPath, [poster, file, "--update-only"], { ...env, GITHUB_API_URL: url }, ROOT);
    expect(r.stdout).toBe("no earlier ecs-advisor comment on pull request #42 to update; none posted (comment-when)\n");
    expect(seen.map((s) => s.method)).toEqual(["GET"]);
  });

  it("no server, or no pull request, is a warning too", async () => {
    const { file, env } = commentFile();
    const down = await run(process.execPath, [poster, file], { ...env, GITHUB_API_URL: "http://127.0.0.1:9" }, ROOT);
    expect(down.code).toBe(0);
    expect(down.stdout).toBe("::warning title=ecs-advisor::the pull-request comment was not posted: could not reach http://127.0.0.1:9\n");
    const push = await run(
      process.execPath,
      [poster, file],
      { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: "acme/infra", GITHUB_API_URL: "http://127.0.0.1:9" },
      ROOT,
    );
    expect(push.stdout).toBe("::warning title=ecs-advisor::not a pull request (no PR number): the comment was not posted\n");
  });
});
