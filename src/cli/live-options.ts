// The options that point ecs-advisor at a live AWS account, shared by `report` and `collect`.
import { type Command, Option } from "commander";
import type { CollectOptions } from "../collect/aws/collect.js";
import { terminalProgress } from "../collect/progress.js";
import { packageVersion } from "../collect/assets.js";
import type { Io } from "./io.js";
import { DEFAULT_MAX_DURATION_SECONDS } from "../collect/aws/limits.js";
import { duration, list, runTime } from "./parse.js";

export interface LiveFlags {
  region?: string;
  profile?: string;
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
    .option("--region <region>", "AWS region (default: AWS_REGION or the profile's region)")
    .option("--profile <name>", "AWS profile from ~/.aws/config (default: AWS_PROFILE or the default chain)")
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
    .option("--endpoint-url <url>", "send every AWS call to this endpoint (an emulator such as moto)")
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

export function collectOptionsFrom(flags: LiveFlags, io: Io): CollectOptions {
  return {
    client: {
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.profile ? { profile: flags.profile } : {}),
      ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
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
