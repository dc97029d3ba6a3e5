// `ecs-advisor collect`: read an ECS estate from AWS into a snapshot file, for `report`/`check` later.
import { resolve } from "node:path";
import { Command } from "commander";
import { writeEstateFile } from "../collect/file.js";
import { UserError } from "../errors.js";
import { outputTarget } from "../write-file.js";
import type { CollectionPlan } from "../collect/aws/collect.js";
import type { Io } from "./io.js";
import { addLiveOptions, collectOptionsFrom, type LiveFlags, targetsFrom } from "./live-options.js";
import { isEstateRun } from "../collect/aws/targets.js";
import { packageVersion } from "../collect/assets.js";
import { gapLabel } from "../advisor/estate.js";

interface CollectFlags extends LiveFlags {
  out?: string;
  force?: boolean;
  plan?: boolean;
}

export function collectCommand(io: Io): Command {
  const cmd = new Command("collect")
    .description("read ECS, CloudWatch, Application Auto Scaling and prices from AWS into a snapshot file (read-only)")
    .option("--out <file>", "the snapshot to write: .json, or .json.gz (gzipped)")
    .option("--force", "overwrite --out if it exists")
    .option(
      "--plan",
      "list the clusters and services, then print the CloudWatch calls, datapoints and the least time the quotas allow; collect nothing",
    );
  addLiveOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  ecs-advisor collect --region eu-west-1 --out prod.json.gz
  ecs-advisor collect --profile prod --cluster payments --lookback 30d --out payments.json.gz
  ecs-advisor collect --region eu-west-1 --plan            # what a collection would take, before making it
  ecs-advisor collect --region eu-west-1,us-east-1 --profile prod,staging --out estate.json.gz
  ecs-advisor collect --role-arn 'arn:aws:iam::{account}:role/EcsAdvisorReadOnly' --organization --region all --out org.json.gz
  ecs-advisor report --snapshot prod.json.gz

Many accounts or regions are collected --concurrency at a time, each within its own quotas; one that
cannot be collected is named in the snapshot and the report (a gap), and the rest are written.

Only List, Describe and Get calls are made (and sts:AssumeRole into --role-arn); the README lists the IAM policy.
Exit codes: 0 written (gaps included) · 2 bad input, credentials, an AWS error that stops the run, or no account-region collected`,
  );
  cmd.action(async (local: CollectFlags, self: Command) => {
    // --debug may sit before or after the command name.
    const flags = { ...local, debug: self.optsWithGlobals<{ debug?: boolean }>().debug };
    const targets = targetsFrom(flags);
    if (flags.plan) {
      if (isEstateRun(targets))
        throw new UserError("--plan looks at one account-region", "run it with one --region and one --profile (or none) at a time");
      const { planCollection } = await import("../collect/aws/collect.js");
      io.stdout.write(renderPlan(await planCollection(collectOptionsFrom(flags, io))));
      return;
    }
    if (flags.out === undefined) {
      throw new UserError("collect needs --out (the snapshot file to write), or --plan", "e.g. --out prod.json.gz");
    }
    const out = resolve(io.cwd, flags.out);
    if (!/\.json(\.gz)?$/.test(out)) {
      throw new UserError(`--out ${flags.out} should end in .json or .json.gz`, "e.g. --out prod.json.gz");
    }
    // An existing snapshot (or one a symlink leads to) is kept unless --force; a FIFO or device is written to.
    if (outputTarget(out, flags.out).kind === "file" && !flags.force) {
      throw new UserError(`${flags.out} already exists`, "choose another --out, or add --force to replace it");
    }
    const started = Date.now();
    const options = collectOptionsFrom(flags, io);
    const { collectEstate } = await import("../collect/aws/estate.js");
    const { estate, calls } = isEstateRun(targets)
      ? await collectEstate(options, targets)
      : await import("../collect/aws/collect.js")
          .then(({ collectSnapshot }) => collectSnapshot(options))
          .then(({ snapshot, calls }) => ({ estate: { parts: [snapshot], gaps: [] }, calls }));
    await writeEstateFile(out, estate, new Date(options.nowMs).toISOString().replace(/\.\d{3}Z$/, "Z"), `ecs-advisor ${packageVersion()}`);
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    const services = estate.parts.flatMap((p) => p.services);
    const withData = services.filter((s) => s.utilization).length;
    const clusters = estate.parts.reduce((a, p) => a + p.clusters.length, 0);
    const issues = estate.parts.reduce((a, p) => a + p.issues.length, 0);
    const periods = [...new Set(estate.parts.map((p) => p.window.periodSeconds))].sort((a, b) => a - b);
    io.stderr.write(
      `wrote ${flags.out}: ${services.length} services (${withData} with metrics) on ${clusters} clusters` +
        (estate.parts.length > 1 || estate.gaps.length
          ? ` in ${estate.parts.length} account-region${estate.parts.length === 1 ? "" : "s"}`
          : "") +
        `, ${periods.join("/")}-second periods; ${total} API calls in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (issues ? `; ${issues} warning${issues === 1 ? "" : "s"} (in the snapshot and the report)` : "") +
        (estate.gaps.length
          ? `; ${estate.gaps.length} not collected (named in the snapshot and the report): ${estate.gaps.map((g) => g.label ?? gapLabel(g)).join(", ")}`
          : "") +
        "\n",
    );
  });
  return cmd;
}

const int = (n: number) => n.toLocaleString("en-US");
const time = (s: number) => (s < 120 ? `${Math.ceil(s)} s` : `${Math.ceil(s / 60)} min`);

export function renderPlan(p: CollectionPlan): string {
  const days = Math.round(p.lookbackSeconds / 86_400);
  return [
    `${p.region}: ${int(p.services)} service${p.services === 1 ? "" : "s"} on ${int(p.clusters)} cluster${p.clusters === 1 ? "" : "s"}, ${days} days of CloudWatch data`,
    `CloudWatch  ${p.fetchPeriod}-second periods: ${int(p.getMetricDataCalls)} GetMetricData calls, ${int(p.datapoints)} datapoints`,
    `            at least ${time(p.boundSeconds)} within GetMetricData's quotas (45 calls and ${p.lookbackSeconds > 3 * 3600 ? "356,400" : "162,000"} datapoints a second, 90 % of them; bound by ${p.limitedBy})`,
    ...(p.reason ? [`            ${p.reason}`] : []),
    ...(p.enhancedServices
      ? [
          `            + per-container usage for ${int(p.enhancedServices)} service${p.enhancedServices === 1 ? "" : "s"} in clusters with enhanced observability: two series a container of each task with several (read after the task definitions, not counted above; --no-container-metrics leaves them out)`,
        ]
      : []),
    `ECS         about ${int(p.describeTaskDefinitionCalls)} DescribeTaskDefinition calls to come, more for services deployed in the window`,
    `            at least ${time(p.ecsBoundSeconds)} within ECS's request rates (18 a second for each group of actions, 90 % of 20${p.ecsLimitedBy ? `; bound by ${p.ecsLimitedBy}` : ""})`,
    `            (this plan made ${int(p.callsMade)} List and Describe calls; nothing was collected)`,
    "",
  ].join("\n");
}
