// --out into every kind of path a user can give: a regular file is replaced atomically, a symlink's target is
// replaced (the link stays), a character device or FIFO is written through (it stays what it was), and a
// directory, socket or block device is refused with one line. Run as the current user (root in CI) and,
// when that is root, again as an unprivileged user (nobody), since root can replace what a user cannot.
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, ROOT, type SpawnResult, spawnProcess } from "../helpers/cli.js";

const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const ENV = { PATH: process.env.PATH ?? "" };

type Outcome = { code: number; stderr: string };

/**
 * `report --demo --format json --out TARGET` for each target, in one child that reads what it needs while
 * still root (the built CLI, the demo fleet), then gives up root: every file it writes, it writes with
 * nobody's rights.
 */
async function asNobody(targets: string[]): Promise<Outcome[]> {
  const url = (p: string) => pathToFileURL(join(ROOT, "dist", ...p.split("/"))).href;
  const script = `
    const { main } = await import(${JSON.stringify(url("cli/main.js"))});
    const { loadSaved } = await import(${JSON.stringify(url("cli/source.js"))});
    const { packageVersion } = await import(${JSON.stringify(url("collect/assets.js"))});
    loadSaved({ demo: true }, "/");
    packageVersion();
    process.setgroups([]);
    process.setgid(${NOBODY});
    process.setuid(${NOBODY});
    const outcomes = [];
    for (const out of ${JSON.stringify(targets)}) {
      let stderr = "";
      const io = { stdin: {}, stdout: { write: () => true }, stderr: { write: (s) => (stderr += s) }, env: { SOURCE_DATE_EPOCH: "1795305600" }, cwd: "/", now: () => new Date() };
      const code = await main(["report", "--demo", "--format", "json", "--out", out], io);
      outcomes.push({ code, stderr });
    }
    process.stdout.write(JSON.stringify(outcomes));
  `;
  const r = await spawnProcess(process.execPath, ["--input-type=module", "-e", script], { env: ENV });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Outcome[];
}

const isReport = (text: string) => JSON.parse(text).schemaVersion === 1;
const noTemporaries = (dir: string) => expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

/** One directory of every kind of path, owned by whoever will write in it. */
async function scene(owner: "me" | "nobody") {
  const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-out-"));
  const own = (path: string) => owner === "nobody" && chownSync(path, NOBODY, NOBODY);
  own(dir);
  chmodSync(dir, 0o755);
  const p = (name: string) => join(dir, name);
  writeFileSync(p("report.json"), "old");
  mkdirSync(p("reports"));
  writeFileSync(p("reports/latest.json"), "old");
  symlinkSync(join("reports", "latest.json"), p("link.json"));
  symlinkSync("made.json", p("dangling.json"));
  expect((await spawnProcess("mkfifo", [p("pipe")], { env: ENV })).code).toBe(0);
  for (const f of ["report.json", "reports", "reports/latest.json", "pipe"]) own(p(f));
  // Root could replace /dev/null itself: as root, a private node of the same device.
  let device = "/dev/null";
  if (IS_ROOT && owner === "me") {
    device = p("null");
    expect((await spawnProcess("mknod", [device, "c", "1", "3"], { env: ENV })).code).toBe(0);
  }
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(p("sock"), resolve));
  // A block device number no driver has (240-254 are for local use): even a wrong write could do no harm.
  const block = IS_ROOT ? p("block") : undefined;
  if (block) expect((await spawnProcess("mknod", [block, "b", "240", "0"], { env: ENV })).code).toBe(0);
  return { dir, p, device, block };
}

const ways: Array<[string, "me" | "nobody"]> = [
  [IS_ROOT ? "as root" : "as the current user", "me"],
  ...(IS_ROOT ? [["as nobody", "nobody"] as [string, "nobody"]] : []),
];

describe.each(ways)("--out %s", (_who, owner) => {
  let s: Awaited<ReturnType<typeof scene>>;
  const outcomes = new Map<string, Outcome>();
  let fifoReader: Promise<SpawnResult>;

  beforeAll(async () => {
    s = await scene(owner);
    // A reader waits on the FIFO before anything is written to it.
    fifoReader = spawnProcess("cat", [s.p("pipe")], { env: ENV, timeoutMs: 20_000 });
    const targets = [
      s.p("report.json"),
      s.p("link.json"),
      s.p("dangling.json"),
      s.p("pipe"),
      s.device,
      s.dir,
      s.p("sock"),
      ...(s.block ? [s.block] : []),
    ];
    const results =
      owner === "nobody"
        ? await asNobody(targets)
        : await Promise.all(targets.map(async (t) => cli(["report", "--demo", "--format", "json", "--out", t])));
    for (const [i, t] of targets.entries()) outcomes.set(t, results[i]!);
  }, 60_000);

  it("a regular file is replaced whole, and nothing else is left behind", () => {
    expect(outcomes.get(s.p("report.json"))!.code).toBe(0);
    expect(isReport(readFileSync(s.p("report.json"), "utf8"))).toBe(true);
    noTemporaries(s.dir);
  });

  it("a symlink: its target is replaced and the link stays a link", () => {
    expect(outcomes.get(s.p("link.json"))!.code).toBe(0);
    expect(lstatSync(s.p("link.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(s.p("link.json"))).toBe(join("reports", "latest.json"));
    expect(isReport(readFileSync(s.p("reports/latest.json"), "utf8"))).toBe(true);
    noTemporaries(s.p("reports"));
  });

  it("a symlink to a file not there yet: the file is made where the link points", () => {
    expect(outcomes.get(s.p("dangling.json"))!.code).toBe(0);
    expect(lstatSync(s.p("dangling.json")).isSymbolicLink()).toBe(true);
    expect(isReport(readFileSync(s.p("made.json"), "utf8"))).toBe(true);
  });

  it("a FIFO is written through: the reader gets the report, and the FIFO stays a FIFO", async () => {
    expect(outcomes.get(s.p("pipe"))!.code).toBe(0);
    expect(isReport((await fifoReader).stdout)).toBe(true);
    expect(lstatSync(s.p("pipe")).isFIFO()).toBe(true);
  });

  it("a character device is written through and stays a device", () => {
    expect(outcomes.get(s.device)!.code).toBe(0);
    expect(lstatSync(s.device).isCharacterDevice()).toBe(true);
  });

  it("a directory, a socket and (as root) a block device are refused with one line, and left as they were", () => {
    const first = (t: string) => outcomes.get(t)!.stderr.split("\n")[0];
    expect(outcomes.get(s.dir)!.code).toBe(2);
    expect(first(s.dir)).toBe(`ecs-advisor: --out ${s.dir} is a directory`);
    expect(outcomes.get(s.p("sock"))!.code).toBe(2);
    expect(first(s.p("sock"))).toBe(`ecs-advisor: --out ${s.p("sock")} is a socket, not a file ecs-advisor can write to`);
    expect(lstatSync(s.p("sock")).isSocket()).toBe(true);
    if (s.block) {
      expect(outcomes.get(s.block)!.code).toBe(2);
      expect(first(s.block)).toBe(`ecs-advisor: --out ${s.block} is a block device, not a file ecs-advisor can write to`);
      expect(lstatSync(s.block).isBlockDevice()).toBe(true);
    }
  });
});

it("collect --out: an existing snapshot (or a link to one) needs --force; a FIFO does not", async () => {
  // Said before any AWS call. The FIFO passes that check and the run goes on to AWS (unreachable here).
  const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-out-"));
  const kept = join(dir, "kept.json.gz");
  writeFileSync(kept, "precious");
  symlinkSync("kept.json.gz", join(dir, "link.json.gz"));
  const collect = (out: string) => cli(["collect", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "--out", out]);
  for (const out of [kept, join(dir, "link.json.gz")]) {
    const r = await collect(out);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(/already exists$/);
  }
  expect(readFileSync(kept, "utf8")).toBe("precious");
  const fifo = join(dir, "pipe.json.gz");
  expect((await spawnProcess("mkfifo", [fifo], { env: ENV })).code).toBe(0);
  const r = await collect(fifo);
  expect(r.code).toBe(2);
  expect(r.stderr).not.toContain("already exists");
  expect(lstatSync(fifo).isFIFO()).toBe(true);
  expect(existsSync(join(dir, "pipe.json.gz.tmp"))).toBe(false);
});
