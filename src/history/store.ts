// The history store: every report made with --history, kept as its Report JSON (gzipped), named by the time
// it was made, the account-region it covers and a random suffix:
//   <where>/2026-12-01T105000Z_123456789012_eu-west-1_3f9a1c.json.gz
// in a local folder (written to a temporary name, then renamed: a reader or a second writer never sees half a
// file) or under an S3 prefix (PutObject of a key no other run can choose: writers never overwrite each other).
// An entry is an ordinary Report JSON: `ecs-advisor render` shows it, `ecs-advisor diff` compares two.
// The S3 PutObject is the only write ecs-advisor ever makes to AWS, and only to the bucket the user names.
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { ClientOptions } from "../collect/aws/clients.js";
import { UserError } from "../errors.js";
import type { Report } from "../model/report.js";

/** An entry's file name: time, account, region (or "estate" for several), random suffix. */
const ENTRY = /^(\d{4}-\d{2}-\d{2}T\d{6}(?:\.\d{3})?Z)_([A-Za-z0-9-]+)_([A-Za-z0-9-]+)_([0-9a-f]{6,})\.json\.gz$/;

export interface EntryRef {
  /** The file name (the key's last part). */
  name: string;
  /** When the report was made (ISO 8601), and as milliseconds (compare these: ISO strings with and without
   * milliseconds do not sort as times). */
  at: string;
  atMs: number;
  /** "123456789012_eu-west-1", "demo_us-east-1", "estate_multiple": which runs compare with which. */
  scope: string;
}

export interface HistoryStore {
  /** Where, as the user named it (for messages). */
  readonly where: string;
  list(): Promise<EntryRef[]>;
  read(entry: EntryRef): Promise<Buffer>;
  write(name: string, bytes: Buffer): Promise<void>;
  /** Remove entries (retention); only local stores do (an S3 lifecycle rule expires objects). */
  remove?(entry: EntryRef): Promise<void>;
}

/** Where history goes by default: the user's data directory (XDG on Linux, Application Support on macOS). */
export function defaultHistoryDir(env: Record<string, string | undefined>, platform = process.platform): string {
  if (env.ECS_ADVISOR_HISTORY_DIR) return env.ECS_ADVISOR_HISTORY_DIR;
  const home = env.HOME ?? homedir();
  if (platform === "darwin") return join(home, "Library", "Application Support", "ecs-advisor", "history");
  if (platform === "win32") return join(env.LOCALAPPDATA ?? join(home, "AppData", "Local"), "ecs-advisor", "history");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "ecs-advisor", "history");
}

/** "2026-12-01T10:50:00.000Z" → "2026-12-01T105000Z" (a name that sorts by time and is a valid key and file name). */
const stamp = (iso: string) => {
  const d = new Date(iso);
  const t = Number.isNaN(d.getTime()) ? new Date(0) : d;
  return t
    .toISOString()
    .replace(/:/g, "")
    .replace(/\.000Z$/, "Z");
};
const unstamp = (s: string) => s.replace(/T(\d{2})(\d{2})(\d{2})/, "T$1:$2:$3");

const safePart = (s: string) => s.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 64) || "-";

/** The scope an entry covers: one account-region, the demo, or an estate of several. */
export function scopeOf(report: Pick<Report, "source" | "scopes">): string {
  const scopes = report.scopes ?? [];
  if (scopes.length > 1) return "estate_multiple";
  const account = scopes[0]?.account ?? report.source.accounts?.[0] ?? (report.source.kind === "demo" ? "demo" : "unknown");
  return `${safePart(account)}_${safePart(report.source.region)}`;
}

export function entryName(report: Pick<Report, "generatedAt" | "source" | "scopes">, random = randomBytes(4).toString("hex")): string {
  return `${stamp(report.generatedAt)}_${scopeOf(report)}_${random}.json.gz`;
}

export function parseEntryName(name: string): EntryRef | undefined {
  const m = ENTRY.exec(name);
  if (!m) return undefined;
  const at = unstamp(m[1]!);
  const atMs = Date.parse(at);
  return Number.isNaN(atMs) ? undefined : { name, at, atMs, scope: `${m[2]}_${m[3]}` };
}

const byTime = (a: EntryRef, b: EntryRef) => a.atMs - b.atMs || a.name.localeCompare(b.name);

/** A folder of entries; created on the first write. */
export function localStore(dir: string, shown = dir): HistoryStore {
  const root = resolve(dir);
  // Said when the store is opened, before any (possibly long) collection.
  let isFolder = true;
  try {
    isFolder = statSync(root).isDirectory();
  } catch {
    // not there yet: made on the first write
  }
  if (!isFolder) throw new UserError(`--history ${shown} is a file, not a folder`, "name a folder (it is created if missing)");
  return {
    where: shown,
    async list() {
      let names: string[];
      try {
        names = readdirSync(root);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return [];
        if (code === "ENOTDIR")
          throw new UserError(`--history ${shown} is a file, not a folder`, "name a folder (it is created if missing)");
        throw new UserError(`cannot read the history folder ${shown}: ${(e as Error).message}`, "check its permissions");
      }
      return names.flatMap((n) => parseEntryName(n) ?? []).sort(byTime);
    },
    async read(entry) {
      return readFileSync(join(root, entry.name));
    },
    async write(name, bytes) {
      try {
        mkdirSync(root, { recursive: true });
        if (!statSync(root).isDirectory()) throw new Error("not a folder");
        const tmp = join(root, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
        writeFileSync(tmp, bytes, { flag: "wx" });
        renameSync(tmp, join(root, name));
      } catch (e) {
        throw new UserError(
          `cannot store the report in ${shown}: ${(e as Error).message}`,
          "check that the folder is writable, or pass another --history",
        );
      }
    },
    async remove(entry) {
      try {
        unlinkSync(join(root, entry.name));
      } catch {
        // another run removed it first
      }
    },
  };
}

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** "s3://bucket/some/prefix/" → bucket and "some/prefix/" (always ending in "/", or empty). */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new UserError(`--history ${url} is not an S3 location`, "e.g. --history s3://my-bucket/ecs-advisor/history/");
  const prefix = (m[2] ?? "").replace(/^\/+/, "");
  return { bucket: m[1]!, prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/` };
}

/** Entries under an S3 prefix (s3:ListBucket, s3:GetObject, s3:PutObject on that prefix; docs/history.md). */
export async function s3Store(url: string, client: ClientOptions): Promise<HistoryStore> {
  const { bucket, prefix } = parseS3Url(url);
  const { S3Client, ListObjectsV2Command, GetObjectCommand, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const { clientConfig } = await import("../collect/aws/clients.js");
  const { classify } = await import("../collect/aws/errors.js");
  const s3 = new S3Client({
    ...clientConfig(client),
    ...(client.endpointUrl ? { endpoint: client.endpointUrl, forcePathStyle: true } : {}),
    // The bucket's own region is found by the SDK's redirect handling when it differs.
    followRegionRedirects: true,
    ...(client.region ? {} : { region: "us-east-1" }),
  });
  const fail = (what: string, action: string, e: unknown): never => {
    const f = classify(e, action);
    const denied = f.kind === "access-denied";
    throw new UserError(
      `cannot ${what} ${url}: ${f.message}`,
      denied
        ? "the history needs s3:ListBucket, s3:GetObject and s3:PutObject on that prefix (docs/history.md); the read-only role does not grant them"
        : "check the bucket name, its region and your credentials",
    );
  };
  return {
    where: url,
    async list() {
      const out: EntryRef[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          for (const o of page.Contents ?? []) {
            const e = o.Key ? parseEntryName(o.Key.slice(prefix.length)) : undefined;
            if (e) out.push(e);
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (e) {
        fail("list the history in", "s3:ListBucket", e);
      }
      return out.sort(byTime);
    },
    async read(entry) {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${entry.name}` }));
        return Buffer.from(await r.Body!.transformToByteArray());
      } catch (e) {
        return fail(`read ${entry.name} from`, "s3:GetObject", e);
      }
    },
    async write(name, bytes) {
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${prefix}${name}`,
            Body: bytes,
            ContentType: "application/gzip",
            // A key no other run chooses; IfNoneMatch makes even a collision fail rather than overwrite.
            IfNoneMatch: "*",
          }),
        );
      } catch (e) {
        fail("store the report in", "s3:PutObject", e);
      }
    },
  };
}
