// The options that point ecs-advisor at a live AWS account, shared by `report` and `collect`.
import { type Command, Option } from "commander";
import type { CollectOptions } from "../collect/aws/collect.js";
import { terminalProgress } from "../collect/progress.js";
import { packageVersion } from "../collect/assets.js";
import type { Io } from "./io.js";
import { DEFAULT_MAX_DURATION_SECONDS } from "../collect/aws/limits.js";
import { checkTargets, DEFAULT_CONCURRENCY, type EstateTargets } from "../collect/aws/targets.js";
import { UserError } from "../errors.js";
import { duration, list, positive, runTime } from "./parse.js";

export interface LiveFlags {
  region?: string[];
  profile?: string[];
  roleArn?: string;
  accounts?: string[];
  organization?: boolean;
  externalId?: string;
  concurrency?: number;
  cluster?: string[];
  service?: string[];
  lookback: number;
  maxDuration: number;
  endpointUrl?: string;
  refreshPrices?: boolean;
  containerMetrics?: boolean;
  debug?: boolean;
}

export const DEFAULT_LOOKBACK = "14d";

export function addLiveOptions(cmd: Command): Command {
  return cmd
    .option(
      "--region <regions>",
      "AWS region; several comma-separated, or all (every region where the account has clusters) (default: AWS_REGION or the profile's region)",
      list,
    )
    .option(
      "--profile <names>",
      "AWS profile from ~/.aws/config; several comma-separated, one account each (default: AWS_PROFILE or the default chain)",
      list,
    )
    .option(
      "--role-arn <arn>",
      "a read-only role to assume in each account, {account} for its id, e.g. 'arn:aws:iam::{account}:role/EcsAdvisorReadOnly' (deploy/read-only-role.cfn.yaml)",
    )
    .option("--accounts <ids>", "the accounts to assume --role-arn in, comma-separated", list)
    .option("--organization", "assume --role-arn in every ACTIVE account of the organization (organizations:ListAccounts)")
    .option("--external-id <id>", "the external id the role's trust policy asks for (sts:ExternalId)")
    .addOption(
      new Option(
        "--concurrency <n>",
        `account-regions collected at a time, each within its own AWS quotas (default ${DEFAULT_CONCURRENCY})`,
      ).argParser(positive("--concurrency", "a whole number")),
    )
    .option("--cluster <name>", "only this cluster; repeat or comma-separate for more (default: all)", list)
    .option("--service <name>", "only this service (name or cluster/name); repeatable", list)
    .addOption(
      new Option("--lookback <duration>", "how much CloudWatch history to read, e.g. 14d, 36h")
        .argParser(duration("--lookback"))
        .default(duration("--lookback")(DEFAULT_LOOKBACK), DEFAULT_LOOKBACK),
    )
    .addOption(
      new Option(
        "--max-duration <time>",
        "the time GetMetricData's quotas may take at most, e.g. 10m, 1h (or as long as describing the task definitions takes anyway): a coarser CloudWatch period is read when the estate needs it (the report says so)",
      )
        .argParser(runTime("--max-duration"))
        .default(DEFAULT_MAX_DURATION_SECONDS, "10m"),
    )
    .option("--endpoint-url <url>", "send every AWS call to this endpoint, an emulator such as moto (default: AWS_ENDPOINT_URL)")
    .option("--refresh-prices", "ignore the cached AWS prices and ask the Price List API again")
    .option(
      "--no-container-metrics",
      "do not read per-container usage (read by default for tasks with several containers in clusters with Container Insights' enhanced observability: 2 more series a container)",
    );
}

/** Live options with a default that were typed on the command line (so --demo can say they do nothing). */
export function typedLiveDefaults(cmd: Command): string[] {
  return ["lookback", "maxDuration"].filter((k) => cmd.getOptionValueSource(k) === "cli");
}

/** Which accounts and regions the flags ask for (a one-account, one-region run goes the simple way). */
export function targetsFrom(flags: LiveFlags): EstateTargets {
  const all = flags.region?.includes("all");
  if (all && flags.region!.length > 1)
    throw new UserError("--region all names every region: give it alone", "--region all, or a list of regions");
  const targets: EstateTargets = {
    ...(flags.region?.length ? { regions: all ? ("all" as const) : [...new Set(flags.region)] } : {}),
    ...(flags.profile?.length ? { profiles: [...new Set(flags.profile)] } : {}),
    ...(flags.roleArn ? { roleArn: flags.roleArn } : {}),
    ...(flags.accounts?.length ? { accounts: [...new Set(flags.accounts)] } : {}),
    ...(flags.organization ? { organization: true } : {}),
    ...(flags.externalId ? { externalId: flags.externalId } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
  };
  // Said before anything is loaded or called: --accounts without --role-arn, a malformed account id…
  checkTargets(targets);
  return targets;
}

export function collectOptionsFrom(flags: LiveFlags, io: Io): CollectOptions {
  return {
    client: {
      ...(flags.region?.length === 1 && flags.region[0] !== "all" ? { region: flags.region[0] } : {}),
      ...(flags.profile?.length === 1 ? { profile: flags.profile[0] } : {}),
      // AWS_ENDPOINT_URL is the SDK's own setting for another endpoint: the SDK would use it anyway, so the
      // run treats it as --endpoint-url (an emulator's missing APIs are given up on at once, not retried).
      ...((flags.endpointUrl ?? io.env.AWS_ENDPOINT_URL) ? { endpointUrl: flags.endpointUrl ?? io.env.AWS_ENDPOINT_URL } : {}),
    },
    clusters: flags.cluster,
    services: flags.service,
    lookbackSeconds: flags.lookback,
    maxDurationSeconds: flags.maxDuration,
    nowMs: io.now().getTime(),
    toolVersion: packageVersion(),
    refreshPrices: flags.refreshPrices,
    containerMetrics: flags.containerMetrics !== false,
    ...(io.env.ECS_ADVISOR_CACHE_DIR ? { cacheDir: io.env.ECS_ADVISOR_CACHE_DIR } : {}),
    progress: terminalProgress(io.stderr),
    ...(flags.debug
      ? { trace: (action: string, ms: number, outcome: string) => void io.stderr.write(`aws ${action} ${ms.toFixed(0)} ms ${outcome}\n`) }
      : {}),
  };
}
