// The CLI's commands, run in-process through main(argv, io) with stdout, stderr and the environment
// captured: exit codes, output and messages exactly as the binary gives them (test/cli/binary.test.ts runs
// the built binary itself).
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { reportSchema } from "../../src/model/report.js";
import { cli, ROOT } from "../helpers/cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ecs-advisor-cli-"));
});

const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe("ecs-advisor report", () => {
  it("--demo prints the table with no AWS credentials or network, exit 0", async () => {
    const r = await cli(["report", "--demo"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("shop-fargate/cart-api");
    expect(r.stdout).toMatch(/ALL SERVICES: 40/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // not a terminal: no colour
  });

  it("FORCE_COLOR colours it, NO_COLOR wins over nothing", async () => {
    expect((await cli(["report", "--demo"], { env: { FORCE_COLOR: "1" } })).stdout).toMatch(/\u001b\[/);
    expect((await cli(["report", "--demo"], { env: { NO_COLOR: "1" } })).stdout).not.toMatch(/\u001b\[/);
  });

  it("--format json is the Report JSON v1 contract", async () => {
    const r = await cli(["report", "--demo", "--format", "json"]);
    expect(r.code).toBe(0);
    const json = reportSchema.parse(JSON.parse(r.stdout));
    expect(json.generatedAt).toBe("2026-11-22T00:00:00Z"); // SOURCE_DATE_EPOCH
    expect(json.services).toHaveLength(40);
  });

  it("reads a .json.gz snapshot, and the same data gives the same report", async () => {
    const snap = join(dir, "demo.json.gz");
    copyFileSync(join(ROOT, "assets/demo/demo-snapshot.json.gz"), snap);
    const fromFile = JSON.parse((await cli(["report", "--snapshot", snap, "--format", "json"])).stdout);
    const fromDemo = JSON.parse((await cli(["report", "--demo", "--format", "json"])).stdout);
    expect(fromFile.source.kind).toBe("snapshot");
    expect(fromFile.totals).toEqual(fromDemo.totals);
  });

  it("--out writes the file whole; it refuses to overwrite the input", async () => {
    const out = join(dir, "report.json");
    expect((await cli(["report", "--demo", "--format", "json", "--out", out])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).schemaVersion).toBe(1);

    const snap = join(dir, "keep.json.gz");
    copyFileSync(join(ROOT, "assets/demo/demo-snapshot.json.gz"), snap);
    const before = statSync(snap).size;
    const r = await cli(["report", "--snapshot", snap, "--out", snap]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is also an input of this run");
    expect(statSync(snap).size).toBe(before);
  });

  it("policy flags change the advice", async () => {
    const strict = JSON.parse((await cli(["report", "--demo", "--format", "json", "--target-cpu", "40"])).stdout);
    const loose = JSON.parse((await cli(["report", "--demo", "--format", "json", "--target-cpu", "90"])).stdout);
    expect(strict.policy.cpu.target).toBe(40);
    expect(loose.totals.recommendedMonthlyUsd).toBeLessThan(strict.totals.recommendedMonthlyUsd);
  });

  it("--fargate-32-vcpu turns the 32 vCPU sizes on (off by default)", async () => {
    const off = JSON.parse((await cli(["report", "--demo", "--format", "json"])).stdout);
    const on = JSON.parse((await cli(["report", "--demo", "--format", "json", "--fargate-32-vcpu"])).stdout);
    expect([off.policy.fargate.allow32Vcpu, on.policy.fargate.allow32Vcpu]).toEqual([false, true]);
  });

  it("host and autoscaling flags change the rule and the proposals", async () => {
    const r = JSON.parse(
      (await cli(["report", "--demo", "--format", "json", "--scale-out-below", "4", "--autoscaling-target", "70"])).stdout,
    );
    const ec2 = r.clusters.find((c: { cluster: string }) => c.cluster === "core-ec2");
    expect(ec2.hostScaling.rule.scaleOutBelow).toBe(4);
    expect(ec2.hostScaling.rule.scaleInAbove).toBe(ec2.hostScaling.tasksPerHostMax + 4);
    expect(ec2.hostScaling.today.action).toBe("scale-out"); // 2 fit now, fewer than 4
    const checkout = r.services.find((s: { service: string }) => s.service === "checkout-api");
    expect(checkout.autoscaling.proposed.targetValue).toBe(70);
  });
});

describe("bad input: one line of what is wrong, one of what to do, exit 2, no stack trace", () => {
  it.each([
    [["report", "--demo", "--snapshot", "x.json"], "ecs-advisor: --demo and --snapshot both given"],
    [["report", "--snapshot", "/nonexistent/s.json"], "ecs-advisor: snapshot file not found: /nonexistent/s.json"],
    [
      ["report", "--demo", "--format", "xml"],
      "ecs-advisor report: option '--format <name>' argument 'xml' is invalid. Allowed choices are table, json, markdown, csv, html, slack.",
    ],
    [
      ["report", "--demo", "--target-cpu", "0"],
      "ecs-advisor report: option '--target-cpu <pct>' argument '0' is invalid. --target-cpu takes a percentage from 1 to 100, got \"0\"",
    ],
    [["report", "--bogus"], "ecs-advisor report: unknown option '--bogus'"],
    [["report", "--demo", "--interactive"], "ecs-advisor: --interactive needs a terminal: stdin and stdout are not both one"],
    [
      ["report", "--demo", "--report-url", "ftp://x"],
      "ecs-advisor report: option '--report-url <url>' argument 'ftp://x' is invalid. --report-url takes an http(s) URL, got \"ftp://x\"",
    ],
    [
      ["report", "--demo", "--scale-out-below", "1.5"],
      "ecs-advisor report: option '--scale-out-below <tasks>' argument '1.5' is invalid. --scale-out-below takes a whole number of tasks, got \"1.5\"",
    ],
    [["calc", "--cpu", "1024"], "ecs-advisor: --cpu and --cpu-util go together"],
    [["collect", "--region", "us-east-1"], "ecs-advisor: collect needs --out (the snapshot file to write), or --plan"],
    [["report", "--demo", "--max-duration", "5m"], "ecs-advisor: --max-duration reads from AWS, but --demo was given too"],
    [["report", "--demo", "--lookback", "7d"], "ecs-advisor: --lookback reads from AWS, but --demo was given too"],
    [
      ["calc", "--cpu", "lots", "--cpu-util", "40"],
      "ecs-advisor calc: option '--cpu <units>' argument 'lots' is invalid. --cpu takes cpu units greater than 0, got \"lots\"",
    ],
    [["nosuch"], "ecs-advisor: unknown command 'nosuch'"],
  ])("%j", async (args, firstLine) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(firstLine);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ {2}hint: /);
    noStack(r.stderr);
  });

  it("a malformed snapshot names the field", async () => {
    const bad = join(dir, "bad.json");
    const snap = JSON.parse(
      JSON.stringify({
        schemaVersion: 1,
        collectedAt: "2026-11-16T00:00:00Z",
        source: { kind: "aws", region: "eu-west-1" },
        window: { start: "2026-11-02T00:00:00Z", end: "2026-11-16T00:00:00Z", periodSeconds: 60 },
        services: [{ cluster: "prod", name: "api", taskDefinition: "api:1", desiredCount: "two", runningCount: 2 }],
        taskDefinitions: [],
      }),
    );
    writeFileSync(bad, JSON.stringify(snap));
    const r = await cli(["report", "--snapshot", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`ecs-advisor: ${bad}: services[0] (prod/api).desiredCount: expected number, got the string "two"`);
    noStack(r.stderr);
  });

  it("a snapshot from a newer version says to upgrade", async () => {
    const newer = join(dir, "v9.json");
    writeFileSync(newer, JSON.stringify({ schemaVersion: 9 }));
    const r = await cli(["report", "--snapshot", newer]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a version 9 snapshot, newer than this ecs-advisor reads (versions 1 and 2)");
    expect(r.stderr).toContain("hint: upgrade ecs-advisor");
  });
});

describe("ecs-advisor calc", () => {
  it("the seed example gives 683 on EC2", async () => {
    const r = await cli(["calc", "--cpu", "1024", "--cpu-util", "40", "--target-cpu", "60", "--launch-type", "ec2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("1024 units × 40% used = 409.6 units");
    expect(r.stdout).toContain("409.6 ÷ 60% target = 682.67 units needed");
    expect(r.stdout).toContain("EC2      cpu 683 units");
  });

  it("on Fargate it snaps to the nearest valid size and says why", async () => {
    const r = await cli(["calc", "--cpu", "1024", "--cpu-util", "40", "--target-cpu", "60", "--launch-type", "fargate"]);
    expect(r.stdout).toContain("Fargate  1024 cpu / 2048 MiB");
    expect(r.stdout).toContain("why: 1024 is the smallest Fargate cpu step at or above 683 units");
    expect(r.stdout).toContain("$0.04937/h per task = $36.04/mo");
  });

  it("keeps EC2's floors: 1024 × 1 % ÷ 60 % = 17.07 units → 128; 256 × 20 % ÷ 80 % = 64 MiB → 128", async () => {
    const r = await cli(["calc", "--cpu", "1024", "--cpu-util", "1", "--memory", "256", "--mem-util", "20", "--launch-type", "ec2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("EC2      cpu 128 units (the floor; the need is 18) · memory 128 MiB (the floor; the need is 64)");
    const json = JSON.parse(
      (await cli(["calc", "--cpu", "1024", "--cpu-util", "1", "--memory", "256", "--mem-util", "20", "--json"])).stdout,
    );
    expect(json.ec2).toEqual({ cpu: 128, memory: 128, floored: { cpu: true, memory: true } });
  });

  it("refuses Windows on ARM64, which ECS does not run, instead of pricing it as x86", async () => {
    const r = await cli(["calc", "--cpu", "1024", "--cpu-util", "40", "--os", "windows", "--arch", "arm64"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("ecs-advisor: Windows containers on ECS run on x86_64 only: there is no Windows on arm64 to size or price");
    expect(r.stderr).toContain("hint: use --arch x86_64 with --os windows");
  });

  it("--json gives the numbers", async () => {
    const r = await cli(["calc", "--cpu", "1024", "--cpu-util", "40", "--memory", "2048", "--mem-util", "70", "--json"]);
    const json = JSON.parse(r.stdout);
    expect(json.ec2).toEqual({ cpu: 683, memory: 1792, floored: { cpu: false, memory: false } }); // 2048 × 70 % ÷ 80 % = 1792
    expect(json.fargate).toMatchObject({ cpu: 1024, memory: 2048 });
  });
});

describe("help and version", () => {
  it.each([["--help"], ["report", "--help"], ["calc", "--help"], ["--version"], []])("%j exits 0", async (...args) => {
    const r = await cli(args.flat());
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  });
});
