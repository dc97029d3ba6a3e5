// `ecs-advisor check` as CI runs it, in-process through main(argv, io): real files, real exit codes.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { checkResultSchema } from "../../src/model/check.js";
import { cli, ROOT } from "../helpers/cli.js";
import { expectGolden } from "../helpers/golden.js";

const TD = "fixtures/taskdefs";
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe("check end to end against the demo snapshot", () => {
  it("a changed task definition that risks OOM fails with exit 1 and a correct PR comment", async () => {
    const r = await cli(["check", `${TD}/checkout-api-too-small.json`, "--demo", "--format", "markdown"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("<!-- ecs-advisor-check -->");
    // 4 tasks × (1 × 0.04048 + 1 × 0.004445) × 730 = $131.18, from 4 × 0.09874 × 730 = $288.32: -$157.14, -54.5 %
    expect(lines[1]).toBe("### ❌ ecs-advisor check failed: 2 errors · monthly cost -$157.14 (-55%)");
    expect(r.stdout).toContain(
      "| `fixtures/taskdefs/checkout-api-too-small.json` checkout-api | shop-fargate/checkout-api | 2048 → **1024** (rec. 1024) | 4096 → **1024** (rec. 2048) | $288.32 → **$131.18** (rec. $144.16) |",
    );
    expect(r.stdout).toContain(
      "- ❌ **memory-below-peak** · `fixtures/taskdefs/checkout-api-too-small.json:6` — shop-fargate/checkout-api: memory 1024 MiB is below the observed peak (hottest task) of 1517 MiB",
    );
    expect(r.stdout).toContain(
      "- ❌ **invalid-fargate-size** · `fixtures/taskdefs/checkout-api-too-small.json:5` — 1024 cpu / 1024 MiB is not a Fargate size; nearest valid: 1024 / 2048 MiB",
    );
    expectGolden("check-demo-too-small.md", r.stdout);
  });

  it("the unchanged task definition passes with exit 0", async () => {
    const r = await cli(["check", `${TD}/checkout-api-unchanged.json`, "--demo", "--format", "markdown"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[1]).toBe("### ✅ ecs-advisor check passed: 1 warning · monthly cost unchanged");
    expect(r.stdout).toContain("⚠️ **overprovisioned** (already so today; not caused by this change)");
  });

  it("text for a terminal, with every fixture at once", async () => {
    const r = await cli([
      "check",
      ...["cart-api-rightsized.json", "pricing-engine-unchanged.json", "image-resizer.cfn.yaml"].map((f) => `${TD}/${f}`),
      "--demo",
    ]);
    expect(r.code).toBe(0);
    expectGolden("check-demo.txt", r.stdout);
  });

  it("github annotations point at the file and line", async () => {
    const r = await cli(["check", `${TD}/payments-api-cpu-below.json`, "--demo", "--format", "github"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^::error file=fixtures\/taskdefs\/payments-api-cpu-below\.json,line=5,title=ecs-advisor cpu-below-need::core-ec2\/payments-api: cpu 128 units is below the 257 units/,
    );
    expect(lines.at(-1)).toMatch(/^::notice title=ecs-advisor check::failed: 1 error · monthly cost -\$\d+\.\d\d \(-\d+%25\)$/);
  });

  it("json is the versioned contract", async () => {
    const r = await cli(["check", `${TD}/cdk-synth.template.json`, `${TD}/cart-api-bigger.json`, "--demo", "--format", "json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(() => checkResultSchema.parse(json)).not.toThrow();
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, "schema", "check-v1.schema.json"), "utf8")));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json).toMatchObject({ schemaVersion: 1, kind: "ecs-advisor-check", verdict: "fail", totals: { taskDefinitions: 3, errors: 1 } });
  });

  it("--max-increase and --fail-on from the command line", async () => {
    const fixed = `${TD}/pricing-engine-fixed.json`;
    expect((await cli(["check", fixed, "--demo"])).code).toBe(0);
    expect((await cli(["check", fixed, "--demo", "--max-increase", "10%"])).code).toBe(1);
    expect((await cli(["check", fixed, "--demo", "--max-increase", "$60"])).code).toBe(0);
    expect((await cli(["check", fixed, "--demo", "--max-increase", "50", "--fail-on", "risk"])).code).toBe(0);
  });

  it("--out writes the file and still sets the exit code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-check-"));
    const r = await cli(["check", `${TD}/checkout-api-too-small.json`, "--demo", "--format", "markdown", "--out", join(dir, "comment.md")]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, "comment.md"), "utf8")).toMatch(/^<!-- ecs-advisor-check -->\n/);
  });
});

describe("the config file", () => {
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "ecs-advisor-config-"));
    copyFileSync(join(ROOT, TD, "pricing-engine-fixed.json"), join(d, "td.json"));
    return d;
  };

  it(".ecs-advisor.yml in the current directory sets the policy", async () => {
    const d = dir();
    writeFileSync(join(d, ".ecs-advisor.yml"), "check:\n  max-increase: 10%\n  rules:\n    cpu-below-need: warning\n");
    const r = await cli(["check", "td.json", "--demo"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("cost-increase");
    // A flag wins over the file.
    expect((await cli(["check", "td.json", "--demo", "--max-increase", "200%"], { cwd: d })).code).toBe(0);
  });

  it.each([
    [
      "check:\n  fail-on: [risk, money]\n",
      ".ecs-advisor.yml:2: check.fail-on.1: expected one of invalid, risk, cost, evidence, none, or a rule name",
    ],
    ["check:\n  max-increse: 10%\n", ".ecs-advisor.yml:2: unknown setting check.max-increse"],
    ["check:\n  rules:\n    memory-below-peak: fatal\n", ".ecs-advisor.yml:3: check.rules.memory-below-peak: "],
    ["check:\n  max-increase: [10%\n", ".ecs-advisor.yml:3:1: not valid YAML or JSON"],
  ])("a bad config file is one line with the line number: %j", async (text, first) => {
    const d = dir();
    writeFileSync(join(d, ".ecs-advisor.yml"), text);
    const r = await cli(["check", "td.json", "--demo"], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toContain(`ecs-advisor: ${first}`);
    noStack(r.stderr);
  });
});

describe("bad input: one line naming the file (and line), exit 2, no stack trace", () => {
  it.each([
    [
      "bad/malformed.json",
      'ecs-advisor: fixtures/taskdefs/bad/malformed.json:3:16: not valid JSON: expected a property name in double quotes, found ","',
    ],
    [
      "bad/malformed.yaml",
      "ecs-advisor: fixtures/taskdefs/bad/malformed.yaml:6:7: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
    [
      "bad/unknown-unit.json",
      'ecs-advisor: fixtures/taskdefs/bad/unknown-unit.json:5: memory "2 lightyears" is not a memory value ECS accepts',
    ],
    ["bad/negative.json", "ecs-advisor: fixtures/taskdefs/bad/negative.json:5: app's memory -512 must be greater than 0"],
    ["bad/zero.json", "ecs-advisor: fixtures/taskdefs/bad/zero.json:3: cpu 0 must be greater than 0"],
    [
      "bad/not-a-taskdef.json",
      'ecs-advisor: fixtures/taskdefs/bad/not-a-taskdef.json is not a task definition: no containerDefinitions, no {"taskDefinition": …}, no CloudFormation Resources',
    ],
    ["bad/intrinsic.yaml", "ecs-advisor: fixtures/taskdefs/bad/intrinsic.yaml:8: Cpu uses Fn::If, which check cannot evaluate"],
    ["missing.json", "ecs-advisor: task definition file not found: fixtures/taskdefs/missing.json"],
  ])("%s", async (file, first) => {
    const r = await cli(["check", `${TD}/${file}`, "--demo"]);
    expect(r.code).toBe(2);
    // The result says it too (in every format: see "keeps going past a bad file").
    expect(r.stdout.split("\n")[0]).toBe("ecs-advisor check incomplete: 1 file could not be checked · no running service to price");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(first);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ {2}hint: /);
    noStack(r.stderr);
  });

  it.each([
    [["--max-increase", "lots"], "ecs-advisor: --max-increase lots: not a dollar amount or a percent"],
    [["--fail-on", "money"], "ecs-advisor: --fail-on money: not a category or rule"],
    [["--service", "nowhere/api"], "ecs-advisor: --service nowhere/api is not in the evidence"],
  ])("bad options %j", async (args, first) => {
    const r = await cli(["check", `${TD}/cart-api-rightsized.json`, "--demo", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(first);
  });

  it("no file at all is a usage error", async () => {
    const r = await cli(["check", "--demo"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("ecs-advisor check: missing required argument 'taskdef'");
  });
});

describe("check --also", () => {
  it("writes other formats of the same result from one run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-also-"));
    const r = await cli([
      "check",
      `${TD}/checkout-api-too-small.json`,
      "--demo",
      "--format",
      "github",
      "--also",
      `markdown=${join(dir, "c.md")}`,
      "--also",
      `json=${join(dir, "r.json")}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=/);
    expect(readFileSync(join(dir, "c.md"), "utf8").split("\n")[1]).toBe(
      "### ❌ ecs-advisor check failed: 2 errors · monthly cost -$157.14 (-55%)",
    );
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).verdict).toBe("fail");
  });

  it("a malformed --also is exit 2 with one line", async () => {
    const r = await cli(["check", `${TD}/checkout-api-unchanged.json`, "--demo", "--also", "pdf=x.pdf"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("ecs-advisor: --also pdf=x.pdf is not FORMAT=FILE");
  });
});

describe("keeps going past a bad file (issue #15)", () => {
  // A folder as a repository has it: two good task definitions (one in a subfolder), a malformed one, and
  // files that are not task definitions at all (skipped in a folder, not errors).
  function folder(): string {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-mixed-"));
    copyFileSync(join(ROOT, TD, "cart-api-rightsized.json"), join(dir, "cart-api.json"));
    writeFileSync(join(dir, "broken.json"), '{\n  "family": "cart-api",\n  "cpu": "256",,\n}\n');
    writeFileSync(join(dir, "package.json"), '{"name": "infra", "version": "1.0.0"}\n');
    mkdirSync(join(dir, "checkout"));
    copyFileSync(join(ROOT, TD, "checkout-api-too-small.json"), join(dir, "checkout", "checkout-api.json"));
    writeFileSync(join(dir, "notes.txt"), "not read: not .json or .yaml\n");
    return dir;
  }

  it("checks every other file, says which could not be checked in JSON (per-file status), and exits 2 (the worst)", async () => {
    const dir = folder();
    const r = await cli(["check", dir, "--demo", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      `ecs-advisor: ${dir}/broken.json:3:16: not valid JSON: expected a property name in double quotes, found ","`,
    );
    const out = JSON.parse(r.stdout);
    expect(checkResultSchema.safeParse(out).success).toBe(true);
    expect(out.verdict).toBe("error");
    expect(out.totals).toMatchObject({ taskDefinitions: 2, errors: 2, fileErrors: 1 });
    expect(out.files.map((f: { file: string; status: string }) => [f.file.slice(dir.length + 1), f.status])).toEqual([
      ["broken.json", "error"],
      ["cart-api.json", "checked"],
      ["checkout/checkout-api.json", "checked"],
      ["package.json", "skipped"],
    ]);
    expect(out.files[0]).toMatchObject({
      line: 3,
      column: 16,
      message: 'not valid JSON: expected a property name in double quotes, found ","',
    });
    expect(out.taskDefinitions.map((t: { name: string }) => t.name)).toEqual(["cart-api", "checkout-api"]);
  });

  it("markdown and GitHub annotations name the bad file too; text says it after the rest", async () => {
    const dir = folder();
    const md = await cli(["check", dir, "--demo", "--format", "markdown"]);
    expect(md.code).toBe(2);
    expect(md.stdout.split("\n")[1]).toBe(
      "### ❌ ecs-advisor check incomplete: 1 file could not be checked, 2 errors · monthly cost -$348.53 (-64%)",
    );
    expect(md.stdout).toContain(`- ❌ \`${dir}/broken.json:3:16\` — not valid JSON: expected a property name in double quotes, found ","`);
    const gh = await cli(["check", dir, "--demo", "--format", "github"]);
    expect(gh.stdout).toContain(
      `::error file=${dir}/broken.json,line=3,col=16,title=ecs-advisor%3A cannot check this file::not valid JSON`,
    );
    expect(gh.stdout).toMatch(/^::error file=.*checkout-api\.json,line=6,title=ecs-advisor memory-below-peak::/m);
    const text = await cli(["check", dir, "--demo"]);
    expect(text.stdout).toContain(`${dir}/broken.json:3:16  error  not valid JSON`);
    expect(text.stdout).toContain("checkout-api.json  checkout-api (register-task-definition)");
  });

  it("a file named on its own that is not a task definition is an error, not skipped", async () => {
    const dir = folder();
    const r = await cli(["check", join(dir, "package.json"), join(dir, "cart-api.json"), "--demo", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).files.map((f: { status: string }) => f.status)).toEqual(["error", "checked"]);
  });
});
