// `ecs-advisor collect`: read an ECS estate from AWS into a snapshot file, for `report`/`check` later.
import { resolve } from "node:path";
import { Command } from "commander";
import { writeSnapshotFile } from "../collect/file.js";
import { UserError } from "../errors.js";
import { outputTarget } from "../write-file.js";
import type { Io } from "./io.js";
import { addLiveOptions, collectOptionsFrom, type LiveFlags } from "./live-options.js";

interface CollectFlags extends LiveFlags {
  out: string;
  force?: boolean;
}

export function collectCommand(io: Io): Command {
  const cmd = new Command("collect")
    .description("read ECS, CloudWatch, Application Auto Scaling and prices from AWS into a snapshot file (read-only)")
    .requiredOption("--out <file>", "the snapshot to write: .json, or .json.gz (gzipped)")
    .option("--force", "overwrite --out if it exists");
  addLiveOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  ecs-advisor collect --region eu-west-1 --out prod.json.gz
  ecs-advisor collect --profile prod --cluster payments --lookback 30d --out payments.json.gz
  ecs-advisor report --snapshot prod.json.gz

Only List, Describe and Get calls are made; the README lists the IAM policy.
Exit codes: 0 written · 2 bad input, credentials, or an AWS error that stops the run`,
  );
  cmd.action(async (local: CollectFlags, self: Command) => {
    // --debug may sit before or after the command name.
    const flags = { ...local, debug: self.optsWithGlobals<{ debug?: boolean }>().debug };
    const out = resolve(io.cwd, flags.out);
    if (!/\.json(\.gz)?$/.test(out)) {
      throw new UserError(`--out ${flags.out} should end in .json or .json.gz`, "e.g. --out prod.json.gz");
    }
    // An existing snapshot (or one a symlink leads to) is kept unless --force; a FIFO or device is written to.
    if (outputTarget(out, flags.out).kind === "file" && !flags.force) {
      throw new UserError(`${flags.out} already exists`, "choose another --out, or add --force to replace it");
    }
    const started = Date.now();
    const { collectSnapshot } = await import("../collect/aws/collect.js");
    const { snapshot, calls } = await collectSnapshot(collectOptionsFrom(flags, io));
    await writeSnapshotFile(out, snapshot);
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    const withData = snapshot.services.filter((s) => s.utilization).length;
    io.stderr.write(
      `wrote ${flags.out}: ${snapshot.services.length} services (${withData} with metrics) on ${snapshot.clusters.length} clusters, ` +
        `${snapshot.window.periodSeconds}-second periods; ${total} API calls in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (snapshot.issues.length
          ? `; ${snapshot.issues.length} warning${snapshot.issues.length === 1 ? "" : "s"} (in the snapshot and the report)`
          : "") +
        "\n",
    );
  });
  return cmd;
}
