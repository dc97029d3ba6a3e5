// Reading and writing the history around a run: the stored runs of the same account-region give the report
// its past (HistoryBuilder, pure); the report itself is stored after it has been delivered.
import { gzipSync } from "node:zlib";
import { HistoryBuilder } from "../advisor/trend.js";
import type { ClientOptions } from "../collect/aws/clients.js";
import { NewerReportError, parseReport } from "../collect/report-file.js";
import { mapLimit } from "../collect/aws/limits.js";
import { UserError } from "../errors.js";
import type { Report } from "../model/report.js";
import { renderJson } from "../report/json.js";
import { DEFAULT_RENDER_OPTIONS } from "../report/options.js";
import { defaultHistoryDir, type EntryRef, entryName, type HistoryStore, localStore, s3Store, scopeOf } from "./store.js";

export { defaultHistoryDir, scopeOf };

/** `--history` (no value: the default folder), a folder, or s3://bucket/prefix/. */
export async function openHistory(
  where: string | true,
  ctx: { cwd: string; env: Record<string, string | undefined>; client: ClientOptions },
): Promise<HistoryStore> {
  if (where === true) return localStore(defaultHistoryDir(ctx.env));
  if (where.startsWith("s3://")) return s3Store(where, ctx.client);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(where))
    throw new UserError(
      `--history ${where}: only a folder or an s3:// location`,
      "e.g. --history ./history or --history s3://bucket/prefix/",
    );
  const { resolve } = await import("node:path");
  return localStore(resolve(ctx.cwd, where), where);
}

export interface PastOptions {
  /** Entries older than this (ms before nowMs) are not read, and a local store removes them. */
  retentionMs?: number | undefined;
  nowMs: number;
  toolVersion: string;
  warn: (message: string) => void;
}

/** Entries read at a time from S3 (each a GetObject); a folder reads them one by one. */
const READ_CONCURRENCY = 8;

/** The stored runs of the report's account-region, oldest first, within the retention; the rest pruned locally. */
export async function pastEntries(store: HistoryStore, report: Report, opts: PastOptions): Promise<EntryRef[]> {
  const all = await store.list();
  const cutoff = opts.retentionMs === undefined ? undefined : opts.nowMs - opts.retentionMs;
  const madeAt = Date.parse(report.generatedAt);
  const kept: EntryRef[] = [];
  for (const e of all) {
    if (cutoff !== undefined && e.atMs < cutoff) {
      await store.remove?.(e);
      continue;
    }
    if (e.scope === scopeOf(report) && e.atMs <= madeAt) kept.push(e);
  }
  return kept;
}

/** The report with its past: `history` (since the last run, the trend) and each open change's first date. */
export async function withHistory(store: HistoryStore, report: Report, opts: PastOptions): Promise<Report> {
  const entries = await pastEntries(store, report, opts);
  const builder = new HistoryBuilder(report, opts.toolVersion);
  const skipped: string[] = [];
  const bytes = await mapLimit(entries, READ_CONCURRENCY, (e) => store.read(e));
  entries.forEach((e, i) => {
    try {
      builder.add(parseReport(bytes[i]!, e.name));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      skipped.push(e.name);
      const why = err instanceof NewerReportError ? "written by a newer ecs-advisor" : err.message.replace(`${e.name}: `, "");
      opts.warn(`history entry ${e.name} in ${store.where} skipped (${why}); it is left as it is`);
    }
  });
  return builder.finish(skipped);
}

/** Store the report (its Report JSON, gzipped) under a new name; returns the name. */
export async function storeReport(store: HistoryStore, report: Report): Promise<string> {
  const name = entryName(report);
  await store.write(name, gzipSync(renderJson(report, DEFAULT_RENDER_OPTIONS)));
  return name;
}
