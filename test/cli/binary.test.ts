// The built binary as a process: its run bit and shebang, exit codes as the shell sees them, stdout and
// stderr kept apart, a reader that closes the pipe early, and Ctrl-C in the middle of a live collection.
// Everything else about the commands runs in-process (test/cli/cli.test.ts, check.test.ts), where it is
// ten times faster.
import { accessSync, constants, existsSync, mkdtempSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI, EMPTY_HOME, ROOT, spawnCli, spawnProcess } from "../helpers/cli.js";
import { demoEvidence } from "../helpers/demo-evidence.js";
import { syntheticEstate } from "../standin/estate.js";
import { type Standin, startStandin } from "../standin/server.js";

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);
/** checkout-api from the demo fleet: what `check --demo` says about it, a fortieth of the start-up work. */
let evidence = "";
beforeAll(async () => {
  evidence = await demoEvidence(["checkout-api"]);
});

describe("the built binary", () => {
  it("has its run bit after the build and runs by its shebang", async () => {
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    accessSync(CLI, constants.X_OK);
    const r = await spawnProcess(CLI, ["--version"], { env: { PATH: process.env.PATH ?? "", HOME: EMPTY_HOME } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("report --demo: the table on stdout, nothing on stderr, exit 0", async () => {
    const r = await spawnCli(["report", "--demo"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/ALL SERVICES: 40/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // a pipe, not a terminal: no colour
  });

  it("an error is two lines on stderr, nothing on stdout, exit 2", async () => {
    // Neither --demo nor --snapshot: live, and this environment has no region (HOME is empty).
    const r = await spawnCli(["report"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "ecs-advisor: no AWS region: none given and none in the environment or AWS config\n" +
        "  hint: pass --region (e.g. --region eu-west-1), or set AWS_REGION, or a region in the profile\n",
    );
  });

  it("check: a policy violation is exit 1, with the verdict on stdout", async () => {
    const r = await spawnCli(["check", "fixtures/taskdefs/checkout-api-too-small.json", "--snapshot", evidence, "--format", "markdown"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[1]).toBe("### ❌ ecs-advisor check failed: 2 errors · monthly cost -$157.14 (-55%)");
  });

  it("a reader that stops early (| head) is no error and no stack trace", async () => {
    const script = `set -o pipefail; "${process.execPath}" "${CLI}" report --demo --format json | head -c 10 >/dev/null; echo "exit \${PIPESTATUS[0]}"`;
    const r = await spawnProcess("bash", ["-c", script], { env: { PATH: process.env.PATH ?? "", HOME: EMPTY_HOME }, cwd: ROOT });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("exit 0\n");
  });
});

describe("the exit code does not depend on whether the output could be written", () => {
  const env = { PATH: process.env.PATH ?? "", HOME: EMPTY_HOME, SOURCE_DATE_EPOCH: "1795305600" };
  const shell = (script: string) =>
    spawnProcess("bash", ["-c", `set -o pipefail; ${script}; echo "exit \${PIPESTATUS[0]}"`], { env, cwd: ROOT });

  it("a failing check into a reader that stops after one byte is still exit 1", async () => {
    const node = `"${process.execPath}" "${CLI}"`;
    const r = await shell(
      `${node} check fixtures/taskdefs/checkout-api-too-small.json --snapshot ${evidence} --format markdown | head -c 1 >/dev/null`,
    );
    expect(r.stdout).toBe("exit 1\n");
  });

  it("an error whose output goes into a closed pipe (2>&1 | head -1) is still exit 2, every time", async () => {
    const node = `"${process.execPath}" "${CLI}"`;
    for (let i = 0; i < 2; i++) {
      const r = await shell(`${node} report --snapshot /nonexistent.json 2>&1 | head -c 1 >/dev/null`);
      expect(r.stdout).toBe("exit 2\n");
    }
  });

  it("with stderr closed before anything is written, an error is still exit 2", async () => {
    const r = await spawnCli(["report", "--snapshot", "/nonexistent.json"], { started: () => undefined, closeStderr: true });
    expect(r.code).toBe(2);
  });
});

describe("Ctrl-C during a live collection", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  it("ends the run at once, with no stack trace and no half-written snapshot", async () => {
    // An AWS endpoint that takes the request and never answers.
    let pid = 0;
    let requested!: () => void;
    const asked = new Promise<void>((r) => (requested = r));
    server = createServer(() => requested());
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = join(mkdtempSync(join(tmpdir(), "ecs-advisor-sigint-")), "s.json.gz");
    const run = spawnCli(["collect", "--region", "us-east-1", "--endpoint-url", url, "--out", out], {
      env: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
      started: (p) => (pid = p),
      timeoutMs: 20_000,
    });
    await asked; // the collection is waiting on AWS
    process.kill(pid, "SIGINT");
    const r = await run;
    expect(r.signal === "SIGINT" || r.code === 130).toBe(true);
    noStack(r.stderr);
    expect(existsSync(out)).toBe(false);
  });
});

describe("a run that fails ends at once (issue #14)", () => {
  let standin: Standin | undefined;
  afterEach(async () => {
    await standin?.stop();
    standin = undefined;
  });

  it("a fatal error while CloudWatch is being read stops the rest: the process exits at once (it ran on for minutes)", async () => {
    // 3,000 services: CloudWatch alone would take ~170 s at its quotas; DescribeServices fails for good.
    standin = await startStandin(syntheticEstate(3000, Date.now(), "us-east-1"), {
      fail: { "ecs:DescribeServices": "ClientException" },
    });
    const r = await spawnCli(
      [
        "collect",
        "--region",
        "us-east-1",
        "--endpoint-url",
        standin.url,
        "--out",
        join(mkdtempSync(join(tmpdir(), "ecs-advisor-fatal-")), "s.json"),
      ],
      {
        env: {
          AWS_ACCESS_KEY_ID: "a",
          AWS_SECRET_ACCESS_KEY: "b",
          ECS_ADVISOR_CACHE_DIR: mkdtempSync(join(tmpdir(), "ecs-advisor-prices-")),
        },
        timeoutMs: 20_000,
      },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^ecs-advisor: permission denied: ecs:DescribeServices/m);
    noStack(r.stderr);
    // The process has ended: whatever it had asked CloudWatch for is all it ever will.
    expect(standin.calls.get("cloudwatch:GetMetricData") ?? 0).toBeLessThan(200);
  });
});
