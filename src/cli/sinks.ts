// Where output goes: stdout, or a file written whole (write-file.ts) — and never over one of the run's
// own inputs.
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomically } from "../write-file.js";
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
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new UserError(`--out ${out} is a directory`, "give a file name, e.g. --out report.json");
  }
  if (!existsSync(dirname(target))) {
    throw new UserError(
      `cannot write ${out}: the directory ${dirname(out)} does not exist`,
      "create the directory first, or choose another --out path",
    );
  }
  writeFileAtomically(target, text, out);
  if (io.stderr.isTTY) io.stderr.write(`wrote ${out}\n`);
}
