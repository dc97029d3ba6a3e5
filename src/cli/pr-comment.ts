// Post `check`'s markdown as a pull-request comment, or update the one it posted before (found by the
// hidden marker), so a pull request carries one comment that follows its latest push. Used by the
// GitHub Action (action.yml):
//
//   node dist/cli/pr-comment.js comment.md [--update-only]
//
// --update-only edits the comment posted before, if there is one, and creates none: a pull request
// that passes after a failure sees its comment turn green, and one that always passed gets no comment.
//
// Environment (GitHub sets all but the token): GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name),
// GITHUB_EVENT_PATH (the pull_request event) or PR_NUMBER, GITHUB_API_URL (default api.github.com).
// The token is sent only in the Authorization header and never printed. A comment that cannot be
// written (a fork's read-only token, say) is a warning, not a failure: the check's verdict stands.
import { readFileSync } from "node:fs";
import { COMMENT_MARKER } from "../report/check.js";
import { githubCall, repositoryOf, whyFailed } from "./github.js";
import { isEntryPoint } from "./io.js";

export interface CommentEnv {
  [name: string]: string | undefined;
}

export interface CommentResult {
  action: "created" | "updated" | "skipped" | "failed";
  message: string;
}

export async function upsertComment(
  body: string,
  env: CommentEnv,
  fetchImpl: typeof fetch = fetch,
  opts: { updateOnly?: boolean } = {},
): Promise<CommentResult> {
  const token = env.GITHUB_TOKEN;
  const repo = repositoryOf(env);
  const pr = env.PR_NUMBER ?? prFromEvent(env.GITHUB_EVENT_PATH);
  if (!token) return { action: "skipped", message: "no GITHUB_TOKEN: the comment was not posted" };
  if (!repo) return { action: "skipped", message: "GITHUB_REPOSITORY is not owner/name: the comment was not posted" };
  if (!pr || !/^\d+$/.test(pr)) return { action: "skipped", message: "not a pull request (no PR number): the comment was not posted" };
  const text = body.includes(COMMENT_MARKER) ? body : `${COMMENT_MARKER}\n${body}`;
  const call = githubCall(token, env, fetchImpl);
  try {
    let existing: number | undefined;
    for (let page = 1; page <= 50 && existing === undefined; page++) {
      const list = (await call("GET", `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`)) as Array<{
        id: number;
        body?: string;
      }>;
      existing = list.find((c) => typeof c.body === "string" && c.body.includes(COMMENT_MARKER))?.id;
      if (list.length < 100) break;
    }
    if (existing !== undefined) {
      await call("PATCH", `/repos/${repo}/issues/comments/${existing}`, { body: text });
      return { action: "updated", message: `updated the ecs-advisor comment on pull request #${pr}` };
    }
    if (opts.updateOnly)
      return { action: "skipped", message: `no earlier ecs-advisor comment on pull request #${pr} to update; none posted (comment-when)` };
    await call("POST", `/repos/${repo}/issues/${pr}/comments`, { body: text });
    return { action: "created", message: `commented on pull request #${pr}` };
  } catch (e) {
    return { action: "failed", message: `the pull-request comment was not posted: ${whyFailed(e, env)}` };
  }
}

function prFromEvent(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const event = JSON.parse(readFileSync(path, "utf8")) as { pull_request?: { number?: number }; number?: number };
    const n = event.pull_request?.number ?? event.number;
    return n === undefined ? undefined : String(n);
  } catch {
    return undefined;
  }
}

if (isEntryPoint(import.meta.url)) {
  const args = process.argv.slice(2);
  const updateOnly = args.includes("--update-only");
  const file = args.find((a) => a !== "--update-only");
  if (!file) {
    process.stderr.write("usage: node pr-comment.js COMMENT.md [--update-only]\n");
    process.exit(2);
  }
  let body: string;
  try {
    body = readFileSync(file, "utf8");
  } catch {
    process.stderr.write(`ecs-advisor: cannot read ${file}\n`);
    process.exit(2);
  }
  const r = await upsertComment(body, process.env, fetch, { updateOnly });
  // GitHub shows "::warning::" lines as annotations; the job's result is the check's, not the comment's.
  // Not commenting because comment-when said so is no warning.
  const chosen = updateOnly && r.action === "skipped" && r.message.startsWith("no earlier");
  process.stdout.write(
    r.action === "failed" || (r.action === "skipped" && !chosen) ? `::warning title=ecs-advisor::${r.message}\n` : `${r.message}\n`,
  );
}
