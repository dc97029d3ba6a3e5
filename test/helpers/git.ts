// git for the tests that need a real repository (the Action's scripts): an identity and a default branch
// of its own, whatever the machine's config says, and a deadline.
import { execFileSync } from "node:child_process";

/** Run git in `cwd`; its stdout, trimmed. */
export const git = (cwd: string, ...args: string[]): string =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 30_000,
  }).trim();
