// --out into every kind of path a user can give: a regular file is replaced atomically, a symlink's target is
// replaced (the link stays), a character device or FIFO is written through (it stays what it was), and a
// directory, socket or block device is refused with one line. Run as the current user (root in CI) and,
// when that is root, again as an unprivileged user (nobody), since root can replace what a user cannot.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  chmodSync,
  chownSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ROOT, spawnProcess } from "../helpers/cli.js";

const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/** `report --demo --format json --out target` in-process, or in a child that drops to nobody first. */
type Runner = (out: string) => Promise<{ code: number; stderr: string }>;

const asCurrentUser: Runner = async (out) => cli(["report", "--demo", "--format", "json", "--out", out]);

/**
 * As nobody: the child reads what it needs while still root (the built CLI, the demo fleet), then gives up
 * root and runs the command, so every file it writes is written with nobody's rights.
 */
const asNobody: Runner = async (out) => {
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
    const io = { stdin: {}, stdout: { write: () => true }, stderr: process.stderr, env: { SOURCE_DATE_EPOCH: "1795305600" }, cwd: "/", now: () => new Date() };
    process.exitCode = await main(["report", "--demo", "--format", "json", "--out", ${JSON.stringify(out)}], io);
  `;
  const r = await spawnProcess(process.execPath, ["--input-type=module", "-e", script], { env: { PATH: process.env.PATH ?? "" } });
  return { code: r.code, stderr: r.stderr };
};

const runners: Array<[string, Runner, boolean]> = [
  [IS_ROOT ? "as root" : "as the current user", asCurrentUser, IS_ROOT],
  ...(IS_ROOT ? [["as nobody", asNobody, false] as [string, Runner, boolean]] : []),
];

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

/** A directory the runner can write in. */
function workDir(asNobodyUser: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-out-"));
  if (asNobodyUser) {
    chownSync(dir, NOBODY, NOBODY);
    chmodSync(dir, 0o755);
  }
  return dir;
}

const isReport = (text: string) => JSON.parse(text).schemaVersion === 1;
const noTemporaries = (dir: string) => expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);

describe.each(runners)("--out %s", (_who, run, privileged) => {
  const nobody = run === asNobody;
  const own = (path: string) => nobody && chownSync(path, NOBODY, NOBODY);

  it("a regular file is replaced whole, and nothing else is left behind", async () => {
    const dir = workDir(nobody);
    const out = join(dir, "report.json");
    writeFileSync(out, "old");
    own(out);
    expect((await run(out)).code).toBe(0);
    expect(isReport(readFileSync(out, "utf8"))).toBe(true);
    noTemporaries(dir);
  });

  it("a symlink: its target is replaced and the link stays a link", async () => {
    const dir = workDir(nobody);
    mkdirSync(join(dir, "reports"));
    own(join(dir, "reports"));
    writeFileSync(join(dir, "reports", "latest.json"), "old");
    own(join(dir, "reports", "latest.json"));
    symlinkSync(join("reports", "latest.json"), join(dir, "report.json"));
    expect((await run(join(dir, "report.json"))).code).toBe(0);
    expect(lstatSync(join(dir, "report.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "report.json"))).toBe(join("reports", "latest.json"));
    expect(isReport(readFileSync(join(dir, "reports", "latest.json"), "utf8"))).toBe(true);
    noTemporaries(dir);
    noTemporaries(join(dir, "reports"));
  });

  it("a symlink to a file not there yet: the file is made where the link points", async () => {
    const dir = workDir(nobody);
    symlinkSync("made.json", join(dir, "report.json"));
    expect((await run(join(dir, "report.json"))).code).toBe(0);
    expect(lstatSync(join(dir, "report.json")).isSymbolicLink()).toBe(true);
    expect(isReport(readFileSync(join(dir, "made.json"), "utf8"))).toBe(true);
  });

  it("a FIFO is written through: the reader gets the report, and the FIFO stays a FIFO", async () => {
    const dir = workDir(nobody);
    const fifo = join(dir, "pipe");
    const made = await spawnProcess("mkfifo", [fifo], { env: { PATH: process.env.PATH ?? "" } });
    expect(made.code).toBe(0);
    own(fifo);
    const reader = spawnProcess("cat", [fifo], { env: { PATH: process.env.PATH ?? "" }, timeoutMs: 20_000 });
    expect((await run(fifo)).code).toBe(0);
    expect(isReport((await reader).stdout)).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("a character device is written through and stays a device", async () => {
    let device = "/dev/null";
    if (privileged) {
      // Root could replace /dev/null itself: use a private node of the same device.
      device = join(workDir(nobody), "null");
      expect((await spawnProcess("mknod", [device, "c", "1", "3"], { env: { PATH: process.env.PATH ?? "" } })).code).toBe(0);
    }
    expect((await run(device)).code).toBe(0);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
  });

  it("a directory, a socket and (as root) a block device are refused with one line", async () => {
    const dir = workDir(nobody);
    const r = await run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`ecs-advisor: --out ${dir} is a directory`);

    const sock = join(dir, "sock");
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const s = await run(sock);
    expect(s.code).toBe(2);
    expect(s.stderr.split("\n")[0]).toBe(`ecs-advisor: --out ${sock} is a socket, not a file ecs-advisor can write to`);
    expect(lstatSync(sock).isSocket()).toBe(true);

    if (privileged) {
      // A device number no driver has (240-254 are for local use), so even a wrong write could do no harm.
      const block = join(dir, "block");
      expect((await spawnProcess("mknod", [block, "b", "240", "0"], { env: { PATH: process.env.PATH ?? "" } })).code).toBe(0);
      const b = await run(block);
      expect(b.code).toBe(2);
      expect(b.stderr.split("\n")[0]).toBe(`ecs-advisor: --out ${block} is a block device, not a file ecs-advisor can write to`);
      expect(lstatSync(block).isBlockDevice()).toBe(true);
    }
    expect(existsSync(join(dir, "report.json"))).toBe(false);
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
  expect((await spawnProcess("mkfifo", [fifo], { env: { PATH: process.env.PATH ?? "" } })).code).toBe(0);
  const r = await collect(fifo);
  expect(r.code).toBe(2);
  expect(r.stderr).not.toContain("already exists");
  expect(lstatSync(fifo).isFIFO()).toBe(true);
});
