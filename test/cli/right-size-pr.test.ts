// The Action's right-sizing mode, off GitHub: a real git repository with an origin, the built script, and a
// loopback stand-in for GitHub's pull-request API. One run opens the pull request; the next updates it.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planFile } from "../../src/edit/apply.js";
import { git } from "../helpers/git.js";
import { ROOT, SOURCE_DATE_EPOCH, spawnProcess } from "../helpers/cli.js";
import { demoEvidence } from "../helpers/demo-evidence.js";
import { demoReport } from "../helpers/demo-report.js";

const TOKEN = "ghs_secret-token-never-printed";

interface Pull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: "open" | "closed";
}

/** GitHub's pulls API, as much as the script uses: list by head, create, update. */
function githubStandIn() {
  const pulls: Pull[] = [];
  const requests: Array<{ method: string; url: string; auth: string | undefined }> = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
      const url = new URL(req.url!, "http://x");
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
      if (req.method === "GET" && url.pathname === "/repos/acme/shop/pulls") {
        const head = url.searchParams.get("head");
        return send(
          200,
          pulls.filter((p) => `acme:${p.head}` === head && p.state === "open"),
        );
      }
      if (req.method === "POST" && url.pathname === "/repos/acme/shop/pulls") {
        const p = JSON.parse(body) as Omit<Pull, "number" | "state">;
        const pull = { ...p, number: pulls.length + 1, state: "open" as const };
        pulls.push(pull);
        return send(201, pull);
      }
      if (req.method === "POST" && /^\/repos\/acme\/shop\/issues\/\d+\/comments$/.test(url.pathname)) return send(201, { id: 1 });
      const m = /^\/repos\/acme\/shop\/pulls\/(\d+)$/.exec(url.pathname);
      if (req.method === "PATCH" && m) {
        const pull = pulls.find((p) => p.number === Number(m[1]));
        if (!pull) return send(404, {});
        Object.assign(pull, JSON.parse(body));
        return send(200, pull);
      }
      send(404, { message: "Not Found" });
    });
  });
  return { server, pulls, requests };
}

describe("the right-sizing pull request (action.yml mode: right-size)", () => {
  const gh = githubStandIn();
  let api = "";
  let work = "";
  let origin = "";
  // The six services the files define, from the demo fleet (the same advice as --demo, a seventh of the work).
  let evidence = "";

  beforeAll(async () => {
    evidence = await demoEvidence(["cart-api", "checkout-api", "api-gateway", "webhooks", "notifications", "audit-log"]);
    await new Promise<void>((r) => gh.server.listen(0, "127.0.0.1", () => r()));
    api = `http://127.0.0.1:${(gh.server.address() as AddressInfo).port}`;
    const base = mkdtempSync(join(tmpdir(), "ecs-advisor-rightsize-"));
    origin = join(base, "origin.git");
    work = join(base, "work");
    git(base, "init", "--bare", "-q", origin);
    git(base, "clone", "-q", origin, work);
    mkdirSync(join(work, "infra"));
    for (const f of ["cart-api.json", "stack.cfn.yaml", "services.tf"])
      copyFileSync(join(ROOT, "fixtures/apply", f), join(work, "infra", f));
    writeFileSync(join(work, "README.md"), "shop\n");
    git(work, "add", ".");
    git(work, "commit", "-q", "-m", "base");
    git(work, "push", "-q", "origin", "main");
  });

  afterAll(() => new Promise<void>((r) => gh.server.close(() => r())));

  const runScript = () =>
    spawnProcess(process.execPath, [join(ROOT, "dist/cli/right-size-pr.js")], {
      cwd: work,
      timeoutMs: 60_000,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: tmpdir(),
        SOURCE_DATE_EPOCH,
        INPUT_TASK_DEFINITIONS: "infra",
        INPUT_SNAPSHOT: evidence,
        INPUT_REPORT_URL: "https://reports.example.com/ecs/latest.html",
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_API_URL: api,
      },
    });

  it("the first run pushes one commit on the branch and opens one pull request with the changes, evidence and check", async () => {
    const r = await runScript();
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("opened pull request #1: Right-size 6 ECS services: −$614/mo\n");
    expect(gh.pulls).toHaveLength(1);
    const pr = gh.pulls[0]!;
    expect([pr.head, pr.base, pr.title]).toEqual(["ecs-advisor/right-size", "main", "Right-size 6 ECS services: −$614/mo"]);
    expect(pr.body).toContain("| shop-fargate/cart-api | cpu 2048 → 512, memory 8192 → 2048, container app cpu 1536 → 248,");
    // cart-api 191.38 + webhooks 147.36 + checkout-api 144.16 + api-gateway 57.15 + notifications 54.06 + audit-log 19.47
    // (each as the report rounds it: 613.58; unrounded they add to 613.585…, shown $613.59, titled −$614).
    expect(pr.body).toContain("**Together: $613.59/mo less**");
    expect(pr.body).toContain("[The full report](https://reports.example.com/ecs/latest.html)");
    expect(pr.body).toContain("<details><summary>shop-fargate/cart-api (<code>infra/cart-api.json</code>)</summary>");
    expect(pr.body).toMatch(/### ecs-advisor check on the changed files\n\n### ✅ ecs-advisor check passed/);
    expect(gh.requests.every((q) => q.auth === `Bearer ${TOKEN}`)).toBe(true);

    // The branch in origin: one commit on main, the three files as apply makes them, nothing else.
    expect(git(work, "rev-list", "--count", "origin/main..ecs-advisor/right-size")).toBe("1");
    expect(git(work, "diff", "--name-only", "main", "ecs-advisor/right-size").split("\n")).toEqual([
      "infra/cart-api.json",
      "infra/services.tf",
      "infra/stack.cfn.yaml",
    ]);
    const tf = git(work, "show", "ecs-advisor/right-size:infra/services.tf");
    expect(`${tf}\n`).toBe(planFile("x.tf", readFileSync(join(ROOT, "fixtures/apply/services.tf"), "utf8"), demoReport()).after);
    expect(git(work, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main"); // the checkout is left on the base
  }, 60_000);

  it("a second run updates that pull request, never a second one, and the branch is the base plus one commit again", async () => {
    // Something else lands on main meanwhile.
    writeFileSync(join(work, "README.md"), "shop, changed\n");
    git(work, "commit", "-q", "-am", "docs");
    git(work, "push", "-q", "origin", "main");
    const r = await runScript();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("updated pull request #1: Right-size 6 ECS services: −$614/mo\n");
    expect(gh.pulls).toHaveLength(1);
    expect(gh.requests.filter((q) => q.method === "POST")).toHaveLength(1);
    expect(gh.requests.filter((q) => q.method === "PATCH")).toHaveLength(1);
    git(work, "fetch", "-q", "origin");
    expect(git(work, "rev-list", "--count", "origin/main..origin/ecs-advisor/right-size")).toBe("1");
    expect(git(work, "merge-base", "origin/main", "origin/ecs-advisor/right-size")).toBe(git(work, "rev-parse", "origin/main"));
  }, 60_000);

  it("nothing left to change: no commit, and the pull request still open is closed with a comment saying why", async () => {
    const before = gh.requests.length;
    git(work, "checkout", "-q", "ecs-advisor/right-size");
    git(work, "checkout", "-q", "-B", "main");
    const head = git(work, "rev-parse", "origin/ecs-advisor/right-size");
    const r = await runScript();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "nothing to right-size: every task definition is at the advice (or left alone, see the notes); closed pull request #1, which no longer applies\n",
    );
    expect(gh.requests.slice(before).map((q) => `${q.method} ${q.url.replace(/\?.*/, "")}`)).toEqual([
      "GET /repos/acme/shop/pulls",
      "POST /repos/acme/shop/issues/1/comments",
      "PATCH /repos/acme/shop/pulls/1",
    ]);
    expect(gh.pulls[0]!.state).toBe("closed");
    git(work, "fetch", "-q", "origin");
    expect(git(work, "rev-parse", "origin/ecs-advisor/right-size")).toBe(head); // nothing pushed
    // And again: no pull request open, nothing to call but the one look.
    const again = await runScript();
    expect(again.stdout).toBe("nothing to right-size: every task definition is at the advice (or left alone, see the notes)\n");
  }, 60_000);
});
