// Every file the tool writes goes through here. What happens depends on what the path is:
// - a regular file, or nothing yet: written to a temporary name next to it, then renamed into place, so a
//   failure (full disk, killed process) never leaves half a file where a good one was;
// - a symlink: the same for the file it points to (the link stays a link, as with a shell's `>`);
// - a character device or a FIFO (/dev/stdout, /dev/null, a named pipe): written through, never replaced;
// - a directory, socket or block device: refused, with one line saying so.
import { randomBytes } from "node:crypto";
import { closeSync, createWriteStream, lstatSync, openSync, readlinkSync, renameSync, unlinkSync, writeSync, type Stats } from "node:fs";
import type { Writable } from "node:stream";
import { dirname, resolve } from "node:path";
import { UserError } from "./errors.js";

export interface OutputTarget {
  /** The path to write: the file itself, or what a symlink leads to. */
  path: string;
  /** "file": exists, replaced atomically; "new": created atomically; "stream": written through. */
  kind: "file" | "new" | "stream";
}

const MAX_LINKS = 40;

function stat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** What writing to `path` would write to (following symlinks), and how; refuses what cannot be written. */
export function outputTarget(path: string, label = path): OutputTarget {
  let at = resolve(path);
  for (let links = 0; ; links++) {
    let s: Stats | undefined;
    try {
      s = stat(at);
    } catch (e) {
      throw new UserError(`cannot write ${label}: ${(e as Error).message}`, "check the path and its permissions");
    }
    if (!s) return { path: at, kind: "new" };
    if (s.isSymbolicLink()) {
      if (links >= MAX_LINKS) throw new UserError(`--out ${label}: too many symbolic links`, "point --out at a file");
      at = resolve(dirname(at), readlinkSync(at));
      continue;
    }
    if (s.isFile()) return { path: at, kind: "file" };
    if (s.isCharacterDevice() || s.isFIFO()) return { path: at, kind: "stream" };
    if (s.isDirectory()) throw new UserError(`--out ${label} is a directory`, "give a file name, e.g. --out report.json");
    const what = s.isSocket() ? "a socket" : s.isBlockDevice() ? "a block device" : "not a regular file";
    throw new UserError(`--out ${label} is ${what}, not a file ecs-advisor can write to`, "give a regular file, a FIFO, or - for stdout");
  }
}

function fail(tmp: string | undefined, label: string, e: unknown): never {
  if (tmp) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
  }
  if (e instanceof UserError) throw e;
  throw new UserError(`cannot write ${label}: ${(e as Error).message}`, "check that the directory exists and is writable");
}

/**
 * Temporary files being written now. Ctrl-C (SIGINT) or SIGTERM while one is open removes them before the
 * process ends by that signal, so an interrupted write leaves only what was there before.
 */
const inProgress = new Set<string>();
let handlersInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const tmp of inProgress) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  inProgress.clear();
  process.removeListener("SIGINT", onSignal);
  process.removeListener("SIGTERM", onSignal);
  // Ending by the same signal keeps the exit status a shell expects (130 for Ctrl-C).
  process.kill(process.pid, signal);
}

function track(tmp: string): void {
  inProgress.add(tmp);
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Only while something is being written: otherwise a signal ends the process as Node would.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

function untrack(tmp: string): void {
  inProgress.delete(tmp);
  if (inProgress.size > 0 || !handlersInstalled) return;
  handlersInstalled = false;
  process.removeListener("SIGINT", onSignal);
  process.removeListener("SIGTERM", onSignal);
}

/** A name no one can have prepared: opened with O_EXCL ("wx"), so a planted symlink there is refused. */
const temporaryFor = (path: string) => `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;

export function writeFileAtomically(path: string, data: string | Uint8Array, label = path): void {
  const target = outputTarget(path, label);
  if (target.kind === "stream") {
    writeThrough(target.path, data, label);
    return;
  }
  const tmp = temporaryFor(target.path);
  try {
    writeThrough(tmp, data, label, "wx");
    renameSync(tmp, target.path);
  } catch (e) {
    fail(tmp, label, e);
  }
}

/** Open (a FIFO waits here for its reader), write everything, close. */
function writeThrough(path: string, data: string | Uint8Array, label: string, flags = "w"): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, flags);
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  } catch (e) {
    fail(undefined, label, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The same for content written by a stream: `write` fills the stream it is given. */
export async function streamFileAtomically(path: string, write: (out: Writable) => Promise<void>, label = path): Promise<void> {
  const target = outputTarget(path, label);
  const tmp = target.kind === "stream" ? undefined : temporaryFor(target.path);
  if (tmp) track(tmp);
  try {
    await write(tmp ? createWriteStream(tmp, { flags: "wx" }) : createWriteStream(target.path));
    if (tmp) renameSync(tmp, target.path);
  } catch (e) {
    fail(tmp, label, e);
  } finally {
    if (tmp) untrack(tmp);
  }
}
