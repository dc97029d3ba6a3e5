// Running the CLI in tests, two ways:
//   cli(args)       in-process, through the same `main(argv, io)` the binary runs, with stdout, stderr, the
//                   environment and the working directory captured: most CLI tests use this.
//   spawnCli(args)  the built binary as a child process (real exit code, real pipes, signals), for the few
//                   tests that are about the process itself. It is killed if it runs past its timeout.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Io } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");

/** 2026-11-22T00:00:00Z: every run's generatedAt, so output is the same from run to run. */
export const SOURCE_DATE_EPOCH = "1795305600";

/** An empty home: no ~/.aws/config or credentials of the developer's can reach a test. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), "ecs-advisor-home-"));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The whole environment the command sees (over SOURCE_DATE_EPOCH); nothing of the test runner's leaks in. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Run a command in-process; resolves to its exit code and what it wrote. */
export async function cli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdin: { isTTY: false },
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { SOURCE_DATE_EPOCH, ...opts.env },
    cwd: opts.cwd ?? ROOT,
    now: () => new Date(Number(SOURCE_DATE_EPOCH) * 1000),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the process after this long (ms); the result then says so. Default 30 s. */
  timeoutMs?: number;
  /** Called once the process has started (e.g. to send it a signal). */
  started?: (pid: number) => void;
  /** Close the read end of its stderr at once: everything it writes there meets a closed pipe. */
  closeStderr?: boolean;
  /** Called with each chunk of stdout as it arrives (to wait for a child to reach a point). */
  onStdout?: (chunk: string) => void;
}

export interface SpawnResult extends CliResult {
  signal: NodeJS.Signals | null;
}

/** Run the built binary as a user would: a child process, real stdout/stderr, real exit code. */
export function spawnCli(args: readonly string[], opts: SpawnOptions = {}): Promise<SpawnResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const env = { PATH: process.env.PATH ?? "", HOME: EMPTY_HOME, AWS_EC2_METADATA_DISABLED: "true", SOURCE_DATE_EPOCH, ...opts.env };
  return spawnProcess(process.execPath, [CLI, ...args], { ...opts, env });
}

/** Any command, with its output collected and a timeout that kills it (a hang fails the test, not CI). */
export function spawnProcess(
  command: string,
  args: readonly string[],
  opts: SpawnOptions & { env: Record<string, string>; input?: string },
): Promise<SpawnResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const input = opts.input !== undefined;
    const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: opts.env, stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      opts.onStdout?.(d);
    });
    if (opts.closeStderr) child.stderr!.destroy();
    else child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    if (input) {
      child.stdin!.on("error", () => undefined); // a child that exits without reading its input
      child.stdin!.end(opts.input);
    }
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("spawn", () => opts.started?.(child.pid!));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`${command} ${args.join(" ")} did not end within ${timeoutMs} ms; stderr: ${stderr}`));
      else resolve({ code: code ?? -1, signal, stdout, stderr });
    });
  });
}
