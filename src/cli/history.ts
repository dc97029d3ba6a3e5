// --history and --history-retention: where runs are remembered (shared by `report` and `diff`).
import { type Command, Option } from "commander";
import { packageVersion } from "../collect/assets.js";
import type { ClientOptions } from "../collect/aws/clients.js";
import { openHistory, storeReport, withHistory } from "../history/history.js";
import type { HistoryStore } from "../history/store.js";
import type { Report } from "../model/report.js";
import { toPublishedReport } from "../report/json.js";
import { visible } from "../report/text.js";
import { isUserError } from "../errors.js";
import type { Io } from "./io.js";
import { duration } from "./parse.js";

export interface HistoryFlags {
  history?: string | true;
  historyRetention?: number;
  region?: string[];
  profile?: string[];
  endpointUrl?: string;
}

/** --history; with `retention` (report, which stores runs) also --history-retention. */
export function addHistoryOptions(cmd: Command, opts: { retention: boolean }): Command {
  cmd.option(
    "--history [where]",
    opts.retention
      ? "remember this run and compare it with the last: a folder, or s3://bucket/prefix/ (no value: ~/.local/share/ecs-advisor/history)"
      : "where the stored runs are: a folder, or s3://bucket/prefix/ (no value: ~/.local/share/ecs-advisor/history)",
  );
  if (opts.retention)
    cmd.addOption(
      new Option("--history-retention <duration>", "forget stored runs older than this, e.g. 180d (default: keep every run)").argParser(
        duration("--history-retention"),
      ),
    );
  return cmd;
}

/** The client S3 is reached with: the run's profile and endpoint; the region of the run or the environment. */
export function historyClient(flags: HistoryFlags, io: Io): ClientOptions {
  const region = flags.region?.length === 1 && flags.region[0] !== "all" ? flags.region[0] : undefined;
  const endpointUrl = flags.endpointUrl ?? io.env.AWS_ENDPOINT_URL;
  const profile = flags.profile?.length === 1 ? flags.profile[0] : undefined;
  // The environment's keys, read from the run's environment (what the SDK's chain would find there first).
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = io.env;
  return {
    region: region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(profile
      ? { profile }
      : accessKeyId && secretAccessKey
        ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
        : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    onWarning: (m) => io.stderr.write(`warning: ${visible(m)}\n`),
  };
}

export async function openStoreFor(flags: HistoryFlags, io: Io): Promise<HistoryStore> {
  return openHistory(flags.history ?? true, { cwd: io.cwd, env: io.env, client: historyClient(flags, io) });
}

export interface RunHistory {
  /** The report with its past (since the last run, the trend, first-recommended dates). */
  past(report: Report): Promise<Report>;
  /** Store the report: after it was delivered, so a failure here loses nothing. */
  store(report: Report): Promise<void>;
}

export async function historyFor(flags: HistoryFlags, io: Io): Promise<RunHistory> {
  const store = await openStoreFor(flags, io);
  const warn = (m: string) => io.stderr.write(`warning: ${visible(m)}\n`);
  return {
    past: async (report) => {
      const published = toPublishedReport(report);
      try {
        return await withHistory(store, published, {
          retentionMs: flags.historyRetention === undefined ? undefined : flags.historyRetention * 1000,
          nowMs: io.now().getTime(),
          toolVersion: packageVersion(),
          warn,
        });
      } catch (e) {
        // A history that cannot be read (S3 AccessDenied, the network) costs its section, not the report.
        if (!isUserError(e)) throw e;
        warn(`${e.message}: this report says nothing of earlier runs`);
        return published;
      }
    },
    store: async (report) => {
      const name = await storeReport(store, report);
      io.stderr.write(`stored the report in ${visible(store.where)} as ${name}\n`);
    },
  };
}
