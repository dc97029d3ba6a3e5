#!/usr/bin/env node
// The CLI entry: the only place that turns outcomes into exit codes.
//   0 success · 1 a check found a policy violation · 2 usage, input, credential or runtime error
import { Command, CommanderError } from "commander";
import { packageVersion } from "../collect/assets.js";
import { ExitWith, isUserError } from "../errors.js";
import { calcCommand } from "./calc.js";
import { checkCommand } from "./check.js";
import { collectCommand } from "./collect.js";
import { exportCommand } from "./export.js";
import { applyCommand } from "./apply.js";
import { visible } from "../report/text.js";
import { isEntryPoint, processIo, type Io } from "./io.js";
import { reportCommand } from "./report.js";
import { renderCommand } from "./render.js";
import { diffCommand } from "./diff.js";

export function buildProgram(io: Io): Command {
  const program = new Command("ecs-advisor")
    .description("ECS cost and autoscaling advisor: right-sized task cpu/memory, host scaling and the dollars for every change")
    .version(packageVersion(), "-V, --version")
    .option("--debug", "show stack traces for unexpected errors")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`ecs-advisor: ${safeLines(s.replace(/^error: /, ""))}`),
    })
    .showHelpAfterError("  hint: add --help for usage")
    .exitOverride();
  program.addCommand(configure(reportCommand(io), io), { isDefault: false });
  program.addCommand(configure(collectCommand(io), io));
  program.addCommand(configure(checkCommand(io), io));
  program.addCommand(configure(exportCommand(io), io));
  program.addCommand(configure(applyCommand(io), io));
  program.addCommand(configure(renderCommand(io), io));
  program.addCommand(configure(diffCommand(io), io));
  program.addCommand(configure(calcCommand(io), io));
  program.addHelpText(
    "after",
    `
Start here:
  ecs-advisor report --demo                    the embedded demo fleet, no AWS account needed
  ecs-advisor report --region eu-west-1        live, with your AWS credentials (read-only)
  ecs-advisor collect --region eu-west-1 --out prod.json.gz
  ecs-advisor check taskdef.json --snapshot prod.json.gz    gate a task-definition change in CI
  ecs-advisor diff --since 7d --history DIR   what changed since last week (runs stored with report --history)
  ecs-advisor calc --cpu 1024 --cpu-util 40 --launch-type ec2

Exit codes: 0 success · 1 policy violation (check) · 2 bad input or error`,
  );
  return program;
}

/** Commander's messages quote the arguments given: each line made safe for the terminal. */
const safeLines = (s: string): string => s.split("\n").map(visible).join("\n");

function configure(cmd: Command, io: Io): Command {
  return cmd
    .option("--debug", "show stack traces for unexpected errors")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`ecs-advisor ${cmd.name()}: ${safeLines(s.replace(/^error: /, ""))}`),
    })
    .showHelpAfterError(`  hint: ecs-advisor ${cmd.name()} --help shows the options`)
    .exitOverride();
}

/** Run the CLI with the given arguments (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const debug = argv.includes("--debug");
  const program = buildProgram(io);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end with exit 0; every usage error is exit 2 (commander has printed it).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ExitWith) return e.exitCode;
    if (isUserError(e)) {
      // A message can quote a file name, a service name or an argument: never raw control characters.
      io.stderr.write(`ecs-advisor: ${visible(e.message)}\n`);
      if (e.hint) io.stderr.write(`  hint: ${visible(e.hint)}\n`);
      if (debug && e.cause instanceof Error && e.cause.stack) io.stderr.write(`${e.cause.stack}\n`);
      return e.exitCode;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`ecs-advisor: unexpected error: ${visible(err.message)}\n`);
    if (debug) io.stderr.write(`${err.stack ?? ""}\n`);
    else io.stderr.write("  hint: this is a bug in ecs-advisor; run again with --debug and report the stack trace\n");
    return 2;
  }
}

if (isEntryPoint(import.meta.url)) {
  // The exit code is the command's, whatever became of its output. A reader that stops early (`| head`)
  // closes the pipe: the rest of the output is dropped, quietly. An error message that cannot be written
  // (stderr closed too) is dropped; the exit code still says what happened.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") return;
    process.stderr.write(`ecs-advisor: cannot write the output: ${e.message}\n`);
    process.exitCode = 2;
  });
  process.stderr.on("error", () => undefined);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ecs-advisor: unexpected error: ${visible(String(e))}\n`);
      process.exitCode = 2;
    },
  );
}
