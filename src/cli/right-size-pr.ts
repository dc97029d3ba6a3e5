// The GitHub Action's right-sizing mode: run `apply --write` on the repository's task definitions, commit the
// result to one branch, and open — or, on later runs, update — one pull request with the diff, the evidence
// per service and `check`'s verdict, as Dependabot does for versions. Used by action.yml (mode: right-size):
//
//   node dist/cli/right-size-pr.js
//
// Environment: INPUT_TASK_DEFINITIONS (files or folders, space or newline separated), INPUT_SNAPSHOT (a
// snapshot file; empty: collect live with the job's credentials), INPUT_ARGS (more arguments for apply and
// check, e.g. "--demo" or "--region eu-west-1 --target-cpu 70"), INPUT_BRANCH (default
// ecs-advisor/right-size), INPUT_BASE (default: the branch checked out), INPUT_REPORT_URL (linked from the
// pull request), and GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL as GitHub sets them. The token goes only
// in the Authorization header and is never printed. The branch is pushed to `origin` with the checkout's
// credentials (actions/checkout keeps them), so the job needs contents: write and pull-requests: write.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApplySummary } from "../edit/summary.js";
import { fmtUsd, fmtUsdMonthly } from "../model/format.js";
import { COMMENT_MARKER } from "../report/check.js";
import { githubCall, repositoryOf, whyFailed } from "./github.js";
import { isEntryPoint } from "./io.js";
import { type Io, processIo } from "./io.js";
import { main } from "./main.js";

export const PR_MARKER = "<!-- ecs-advisor-right-size -->";
/** GitHub refuses a pull request body over 65,536 characters. */
const MAX_BODY = 60_000;

export interface PrEnv {
  [name: string]: string | undefined;
}

export interface PrResult {
  action: "created" | "updated" | "nothing" | "failed";
  message: string;
  number?: number;
}

/**
 * apply and check, run in this process (one start, one load of the evidence): their output captured, the
 * environment theirs without the token.
 */
async function run(argv: string[], cwd: string, env: PrEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const { GITHUB_TOKEN: _token, ...rest } = { ...process.env, ...env };
  const io: Io = {
    ...processIo(),
    stdin: { isTTY: false },
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: rest,
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Split the task-definitions input as the check mode does: spaces or new lines. */
const splitList = (s: string | undefined) => (s ?? "").split(/\s+/).filter(Boolean);

export async function rightSizePr(env: PrEnv, cwd: string, fetchImpl: typeof fetch = fetch): Promise<PrResult> {
  const paths = splitList(env.INPUT_TASK_DEFINITIONS);
  if (paths.length === 0) return { action: "failed", message: "task-definitions is empty: name the files or folders to right-size" };
  const branch = env.INPUT_BRANCH || "ecs-advisor/right-size";
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes(".."))
    return { action: "failed", message: `branch ${branch} is not a branch name` };
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=ecs-advisor", "-c", "user.email=ecs-advisor@users.noreply.github.com", ...args], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    }).trim();
  const base = env.INPUT_BASE || git("rev-parse", "--abbrev-ref", "HEAD");
  const tmp = mkdtempSync(join(tmpdir(), "ecs-advisor-pr-"));
  const source = [...(env.INPUT_SNAPSHOT ? ["--snapshot", env.INPUT_SNAPSHOT] : []), ...splitList(env.INPUT_ARGS)];

  // The branch starts again from the base on every run: the pull request always shows today's advice.
  git("checkout", "-q", "-B", branch, `${base}`);
  const summaryFile = join(tmp, "apply.json");
  const apply = await run(["apply", ...paths, ...source, "--write", "--summary", summaryFile], cwd, env);
  process.stderr.write(apply.stderr);
  if (apply.code !== 0 && apply.code !== 2) return { action: "failed", message: `apply failed (exit ${apply.code})` };
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as ApplySummary;
  if (summary.files.length === 0) {
    git("checkout", "-q", base);
    return closeStale(branch, env, fetchImpl);
  }

  // check's verdict on what it can read (not .tf: it reads Terraform plans, which a plan step makes).
  const checkable = summary.files.filter((f) => !/\.tf$/i.test(f));
  let verdict = "`check` was not run: the changed files are Terraform `.tf` files (check reads `terraform show -json` plans)";
  if (checkable.length) {
    const check = await run(["check", ...checkable, ...source, "--format", "markdown"], cwd, env);
    verdict = check.stdout.replace(COMMENT_MARKER, "").trim() || `check ended with exit ${check.code}`;
  }

  const n = summary.services.length;
  const title = `Right-size ${n} ECS service${n === 1 ? "" : "s"}: ${savingsText(summary.savingsMonthlyUsd)}`;
  git("add", "--", ...summary.files);
  git("commit", "-q", "-m", title, "-m", summary.services.map((s) => `${s.service}: ${s.changes.join(", ")}`).join("\n"));
  git("push", "-q", "--force", "origin", `${branch}:refs/heads/${branch}`);
  git("checkout", "-q", base);
  return upsertPullRequest({ title, body: prBody(summary, verdict, env.INPUT_REPORT_URL), branch, base }, env, fetchImpl);
}

function savingsText(usd: number): string {
  const whole = Math.round(usd);
  return whole >= 0 ? `−${fmtUsd(whole).replace(/\.00$/, "")}/mo` : `+${fmtUsd(-whole).replace(/\.00$/, "")}/mo`;
}

/** The pull request's description: the changes, the evidence per service, check's verdict, the report link. */
export function prBody(summary: ApplySummary, verdict: string, reportUrl: string | undefined): string {
  const md = (s: string) => s.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
  const lines = [
    PR_MARKER,
    `ecs-advisor set these task definitions' sizes to what their services use. Only the size values changed; review the diff, and merge to deploy it the way the files are deployed. Each run starts this branch again from the base, so this pull request always holds the latest advice.`,
    "",
    "| service | change | confidence | now | after | saves |",
    "|---|---|---|---|---|---|",
    ...summary.services.map(
      (s) =>
        `| ${md(s.service)} | ${md(s.changes.join(", "))} | ${s.confidence} | ${s.current.monthlyUsd === null ? "–" : fmtUsdMonthly(s.current.monthlyUsd)} | ${s.recommended?.monthlyUsd == null ? "–" : fmtUsdMonthly(s.recommended.monthlyUsd)} | ${s.savingsMonthlyUsd === null ? "–" : fmtUsdMonthly(s.savingsMonthlyUsd)} |`,
    ),
    "",
    `**Together: ${fmtUsdMonthly(summary.savingsMonthlyUsd)} less** (the report's right-sizing figures, each service once).${reportUrl ? ` [The full report](${reportUrl}).` : ""}`,
    "",
    "### Evidence",
    "",
    ...summary.services.flatMap((s) => [
      `<details><summary>${escapeHtml(s.service)} (${s.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")})</summary>`,
      "",
      ...s.reasons.map((r) => `- ${r.severity === "risk" ? "**risk**: " : r.severity === "warning" ? "warning: " : ""}${md(r.message)}`),
      "",
      "</details>",
    ]),
    "",
    "### ecs-advisor check on the changed files",
    "",
    verdict,
  ];
  if (summary.notes.length) {
    lines.push("", "### Left as they are", "", ...summary.notes.map((n) => `- \`${md(n.file)}\`: ${md(n.note)}`));
  }
  const body = lines.join("\n");
  return body.length <= MAX_BODY ? body : `${body.slice(0, MAX_BODY)}\n\n… (cut to fit GitHub's limit; the full evidence is in the report)`;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * Nothing left to change: a pull request still open from the branch holds advice that no longer applies, so
 * it is closed with a comment saying why (as Dependabot closes one it supersedes). No token: nothing to do.
 */
async function closeStale(branch: string, env: PrEnv, fetchImpl: typeof fetch): Promise<PrResult> {
  const nothing = "nothing to right-size: every task definition is at the advice (or left alone, see the notes)";
  const gh = github(env, fetchImpl);
  if (!gh) return { action: "nothing", message: nothing };
  try {
    const open = await gh.openFrom(branch);
    if (!open) return { action: "nothing", message: nothing };
    await gh.call("POST", `/repos/${gh.repo}/issues/${open.number}/comments`, {
      body: "ecs-advisor: the task definitions are at the advice now (or the advice changed), so this pull request is no longer needed. Closing it; the next run opens a new one if there is something to change.",
    });
    await gh.call("PATCH", `/repos/${gh.repo}/pulls/${open.number}`, { state: "closed" });
    return { action: "nothing", message: `${nothing}; closed pull request #${open.number}, which no longer applies`, number: open.number };
  } catch (e) {
    return { action: "failed", message: `nothing to right-size, but the stale pull request could not be closed: ${whyFailed(e, env)}` };
  }
}

/** The pulls API with the job's token; undefined without a token or a repository name. */
function github(env: PrEnv, fetchImpl: typeof fetch) {
  const repo = repositoryOf(env);
  if (!env.GITHUB_TOKEN || !repo) return undefined;
  const call = githubCall(env.GITHUB_TOKEN, env, fetchImpl);
  const owner = repo.split("/")[0]!;
  const openFrom = async (branch: string) =>
    (
      (await call("GET", `/repos/${repo}/pulls?state=open&head=${encodeURIComponent(`${owner}:${branch}`)}&per_page=100`)) as Array<{
        number: number;
      }>
    )[0];
  return { repo, call, openFrom };
}

/** One pull request from the branch: found (open, same head) and updated, or created. */
export async function upsertPullRequest(
  pr: { title: string; body: string; branch: string; base: string },
  env: PrEnv,
  fetchImpl: typeof fetch,
): Promise<PrResult> {
  if (!env.GITHUB_TOKEN)
    return { action: "failed", message: `no GITHUB_TOKEN: the branch ${pr.branch} was pushed, but no pull request was opened` };
  const gh = github(env, fetchImpl);
  if (!gh) return { action: "failed", message: "GITHUB_REPOSITORY is not owner/name: no pull request was opened" };
  try {
    const existing = await gh.openFrom(pr.branch);
    if (existing) {
      await gh.call("PATCH", `/repos/${gh.repo}/pulls/${existing.number}`, { title: pr.title, body: pr.body });
      return { action: "updated", message: `updated pull request #${existing.number}: ${pr.title}`, number: existing.number };
    }
    const created = (await gh.call("POST", `/repos/${gh.repo}/pulls`, {
      title: pr.title,
      head: pr.branch,
      base: pr.base,
      body: pr.body,
    })) as {
      number: number;
    };
    return { action: "created", message: `opened pull request #${created.number}: ${pr.title}`, number: created.number };
  } catch (e) {
    return {
      action: "failed",
      message: `the branch ${pr.branch} was pushed, but the pull request was not opened or updated: ${whyFailed(e, env)}`,
    };
  }
}

if (isEntryPoint(import.meta.url)) {
  let r: PrResult;
  try {
    r = await rightSizePr(process.env, process.cwd());
  } catch (e) {
    // git's own message (a push refused, say), one line; never a stack trace.
    const err = e as { stderr?: string; message: string };
    r = { action: "failed", message: (err.stderr || err.message).trim().split("\n").at(-1) ?? "failed" };
  }
  process.stdout.write(r.action === "failed" ? `::error title=ecs-advisor::${r.message}\n` : `${r.message}\n`);
  const out = process.env.GITHUB_OUTPUT;
  if (out) {
    const { appendFileSync } = await import("node:fs");
    appendFileSync(out, `pull-request=${r.number ?? ""}\nresult=${r.action}\n`);
  }
  process.exitCode = r.action === "failed" ? 1 : 0;
}
