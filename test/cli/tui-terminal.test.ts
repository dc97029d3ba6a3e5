// The whole program in a real terminal: the built CLI under tmux at 80×24 and 120×40, driven with keys,
// read back with capture-pane (testing.md). .ci/run installs tmux; skipped, and said, where there is
// none (test/helpers/external.ts).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, ROOT } from "../helpers/cli.js";
import { external, onPath } from "../helpers/external.js";

const SKIP = external("TERMINAL", onPath("tmux"), "tmux (apt-get install tmux)").skip;
// A tmux server of its own for each test: `kill-server` returns before the server has gone, and a new
// session on the same socket could reach the dying one ("server exited unexpectedly").
let tests = 0;
let socket = "";
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", timeout: 10_000 });
const tick = () => new Promise((r) => setTimeout(r, 25));

/** Poll the screen (with `history`, the scrollback too) until it shows what is awaited. */
async function until(pred: (screen: string) => boolean, what: string, ms = 10_000, history = false): Promise<string> {
  const end = Date.now() + ms;
  let screen = "";
  while (Date.now() < end) {
    screen = tmux("capture-pane", "-p", ...(history ? ["-S", "-"] : []), "-t", "ui");
    if (pred(screen)) return screen;
    await tick(); // poll the screen until it shows what is awaited, or the deadline passes
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
}

function start(cols: number, rows: number, args: string[] = []) {
  // The command ends by printing its exit code, so the test can read it after the UI is gone.
  const cmd = `cd ${JSON.stringify(ROOT)} && env -u CI SOURCE_DATE_EPOCH=1795305600 TERM=xterm-256color ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} report --demo ${args.join(" ")}; echo "EXIT=$?"; sleep 60`;
  tmux("new-session", "-d", "-s", "ui", "-x", String(cols), "-y", String(rows), cmd);
}

describe.skipIf(SKIP)("the terminal UI under tmux", () => {
  beforeEach(() => {
    socket = `ecs-advisor-test-${process.pid}-${++tests}`;
  });
  afterEach(() => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
  });

  for (const [cols, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    it(`${cols}×${rows}: list, detail with charts, clusters, help, quit with exit 0 and the screen restored`, async () => {
      // At 120×40 the run also keeps a history: the UI shows its trend key, and the run is stored when it ends.
      const history = cols === 120 ? mkdtempSync(join(tmpdir(), "ecs-advisor-tui-history-")) : undefined;
      start(cols, rows, history ? ["--history", history] : []);
      // The whole first frame: a capture can land while the terminal is still drawing it, so wait for its last line too.
      let s = await until(
        (x) => x.includes("SERVICE") && x.includes("shop-fargate/pdf-render") && x.includes("? help · q quit"),
        "the service list",
      );
      const lines = s.split("\n");
      expect(lines[0]).toBe("ecs-advisor $5,779.24/mo → $3,390.04/mo saves $2,389.20/mo (41%) · 4 risks");
      expect(lines[2]).toMatch(/^⚠ Fargate Spot is priced at an assumed 70% off.*\(w: 1 warning\)$/); // the demo's one warning
      expect(lines[4]).toContain("shop-fargate/pdf-render");
      expect(s).toContain("? help · q quit");
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(cols);

      tmux("send-keys", "-t", "ui", "Enter");
      s = await until((x) => x.includes("cpu used by the hottest task"), "the detail view's charts");
      expect(s).toMatch(/recommended +1024 +3072 +\$244\.74/);
      expect(s).toContain("━ recommended 1024");
      expect(s).toMatch(/│.*─/); // the allocated level is drawn

      tmux("send-keys", "-t", "ui", "Escape");
      await until((x) => x.includes("SERVICE"), "the list again");
      tmux("send-keys", "-t", "ui", "c");
      s = await until((x) => x.includes("core-ec2 · EC2"), "the cluster view");
      expect(s).toContain("targetCapacity 100 → 82");
      tmux("send-keys", "-t", "ui", "?");
      s = await until((x) => x.includes("Keys"), "the help");
      tmux("send-keys", "-t", "ui", "q");
      s = await until((x) => x.includes("EXIT="), "the program to end");
      expect(s).toContain("EXIT=0");
      expect(s).not.toContain("SERVICE"); // the alternate screen is gone: the user's terminal is as it was
      if (history) expect(readdirSync(history)).toHaveLength(1);
    }, 40_000);
  }

  it("--no-interactive prints the table on a terminal", async () => {
    start(100, 30, ["--no-interactive"]);
    const s = await until((x) => x.includes("EXIT="), "the table", 10_000, true);
    expect(s).toContain("EXIT=0");
    expect(s).toContain("now $5,779.24/mo: Fargate tasks $3,665.16 + EC2 instances $2,114.08");
  }, 20_000);
});
