// Issue #14: Ctrl-C while a snapshot was being written left an empty OUT.json.gz.tmp-PID beside the output.
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, spawnProcess } from "../helpers/cli.js";

describe("a signal during a write", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("%s removes the temporary file, keeps the old output, and ends by that signal", async (sig) => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-signal-"));
    const out = join(dir, "s.json");
    writeFileSync(out, "the user's previous snapshot\n");
    let pid = 0;
    let ready!: () => void;
    const writing = new Promise<void>((r) => (ready = r));
    const run = spawnProcess(process.execPath, ["--import", "tsx", join(ROOT, "test", "fixtures", "stall-write.ts"), out], {
      env: { PATH: process.env.PATH ?? "" },
      started: (p) => (pid = p),
      timeoutMs: 20_000,
      onStdout: (d) => d.includes("writing") && ready(),
    });
    await writing;
    expect(readdirSync(dir).some((f) => f.includes(".tmp-"))).toBe(true);
    process.kill(pid, sig);
    const r = await run;
    expect(r.signal).toBe(sig);
    expect(readdirSync(dir)).toEqual(["s.json"]);
  });
});
