// Tests that need a program from the system: Chromium for the HTML report, tmux for the terminal UI, moto
// (Python) for the AWS integration tests. .ci/run installs the first two, the machines have moto, and it
// sets ECS_ADVISOR_REQUIRE_EXTERNAL=1, so in CI a missing one fails the run. On a developer's machine without
// them, `npm test` skips those tests and says so (vitest counts them as skipped); ECS_ADVISOR_SKIP_<NAME>=1
// skips them even where the program exists.
import { spawnSync } from "node:child_process";

export interface External {
  name: string;
  found: boolean;
  skip: boolean;
}

export function external(name: "BROWSER" | "TERMINAL" | "MOTO", found: boolean, install: string): External {
  const forced = process.env[`ECS_ADVISOR_SKIP_${name}`] === "1";
  const required = process.env.ECS_ADVISOR_REQUIRE_EXTERNAL === "1";
  if (!found && required && !forced) throw new Error(`${install} is required here (ECS_ADVISOR_REQUIRE_EXTERNAL=1) but missing`);
  const skip = forced || !found;
  if (skip && !forced) process.stderr.write(`\n  note: ${name.toLowerCase()} tests skipped: ${install} is not installed\n`);
  return { name, found, skip };
}

export const onPath = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`], { timeout: 10_000 }).status === 0;
