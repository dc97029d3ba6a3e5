// Every file the tool writes goes through here: to a temporary name first, then renamed into place, so a
// failure (full disk, killed process) never leaves half a file where a good one was.
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { UserError } from "./errors.js";

function fail(tmp: string, label: string, e: unknown): never {
  try {
    unlinkSync(tmp);
  } catch {
    // nothing to clean up
  }
  throw new UserError(`cannot write ${label}: ${(e as Error).message}`, "check that the directory exists and is writable");
}

export function writeFileAtomically(path: string, data: string | Uint8Array, label = path): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    fail(tmp, label, e);
  }
}

/** The same for content written by a stream: `write` fills the temporary file it is given. */
export async function streamFileAtomically(path: string, write: (tmp: string) => Promise<void>, label = path): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await write(tmp);
    renameSync(tmp, path);
  } catch (e) {
    fail(tmp, label, e);
  }
}
