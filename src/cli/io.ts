// What a command may touch of the outside world, passed in so tests can run commands in-process.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface Io {
  /** Only whether it is a terminal: the terminal UI reads keys from the real one. */
  stdin: { isTTY?: boolean | undefined };
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The clock, for `generatedAt`. */
  now: () => Date;
}

export function processIo(): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/** Colour for a stream: never when NO_COLOR is set or the stream is not a terminal, unless FORCE_COLOR says so. */
export function wantsColor(stream: OutStream, env: Io["env"]): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** `generatedAt`: SOURCE_DATE_EPOCH (seconds) when set, for reproducible output; otherwise the clock. */
export function generatedAt(io: Io): string {
  const epoch = io.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString().replace(".000Z", "Z");
  return io
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
}

/** Whether the module at `moduleUrl` is the script node was started with (not imported by a test). */
export function isEntryPoint(moduleUrl: string): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
