// Where output goes: stdout, or a path (write-file.ts says what each kind of path gets) — and never over
// one of the run's own inputs.
import { existsSync, realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../errors.js";
import { outputTarget, writeFileAtomically } from "../write-file.js";
import type { Io } from "./io.js";

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export function writeOutput(io: Io, text: string, out: string | undefined, inputs: readonly string[] = []): void {
  if (out === undefined || out === "-") {
    io.stdout.write(text);
    return;
  }
  const target = resolve(io.cwd, out);
  for (const input of inputs) {
    if (canonical(resolve(io.cwd, input)) === canonical(target)) {
      throw new UserError(`--out ${out} is also an input of this run; writing it would destroy the input`, "choose another --out file");
    }
  }
  // A directory, socket or block device is refused here; a symlink is followed to what it points at.
  const where = outputTarget(target, out);
  if (where.kind === "new" && !existsSync(dirname(where.path))) {
    throw new UserError(
      `cannot write ${out}: the directory ${dirname(where.path)} does not exist`,
      "create the directory first, or choose another --out path",
    );
  }
  writeFileAtomically(target, text, out);
  if (io.stderr.isTTY) io.stderr.write(`wrote ${out}\n`);
}
