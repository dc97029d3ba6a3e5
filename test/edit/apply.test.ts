// `ecs-advisor apply`: the advice written into a repository's task definitions, each format round-tripped:
// the only bytes that change are the size values (golden diffs), and a file it cannot match or read is never
// touched.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planFile, unifiedDiff } from "../../src/edit/apply.js";
import { locateInTerraform, tokenize } from "../../src/edit/terraform.js";
import { cli, ROOT } from "../helpers/cli.js";
import { demoReport } from "../helpers/demo-report.js";
import { expectGolden } from "../helpers/golden.js";

const FIX = "fixtures/apply";
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

/** The file with only the changed spans put back is the original: nothing else moved. */
function onlyValuesChanged(before: string, after: string): void {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    // On a changed line, what differs is digits (and nothing around them).
    expect(a[i]!.replace(/\d+/g, "N"), `line ${i + 1}`).toBe(b[i]!.replace(/\d+/g, "N"));
  }
}

describe("apply, each format against the demo's advice (golden diffs)", () => {
  const report = demoReport();
  it.each([
    ["register JSON", "cart-api.json", "apply-cart-api.json.diff"],
    ["CloudFormation YAML: comments, short tags, a !Ref parameter used once", "stack.cfn.yaml", "apply-stack.cfn.yaml.diff"],
    ['CloudFormation JSON (cdk synth): a {"Ref"} parameter, container-level sizes', "cdk.template.json", "apply-cdk.template.json.diff"],
    ["Terraform: literals, a variable's default, jsonencode containers, a JSON heredoc", "services.tf", "apply-services.tf.diff"],
  ])("%s", (_, name, golden) => {
    const file = `${FIX}/${name}`;
    const plan = planFile(file, read(file), report);
    onlyValuesChanged(plan.before, plan.after);
    expectGolden(golden, unifiedDiff(file, plan.before, plan.after));
  });

  it("cart-api.json: the task 2048/8192 → 512/2048 and each container as the report says; an equal number elsewhere is left", () => {
    const plan = planFile(`${FIX}/cart-api.json`, read(`${FIX}/cart-api.json`), report);
    expect(plan.changes.map((c) => `${c.what} ${c.from}→${c.to}`)).toEqual([
      "cpu 2048→512",
      "memory 8192→2048",
      "container app cpu 1536→248",
      "container app memory 7680→1138",
      "container app memoryReservation 6144→911",
      "container envoy cpu 256→38",
      "container envoy memory 1024→175",
      "container envoy memoryReservation 512→88",
    ]);
    expect(plan.after).toContain('"environment": [{ "name": "CART_TTL", "value": "2048" }]'); // a value, not a size
    expect(plan.notes).toEqual([]);
  });

  it("the CloudFormation template: the parameter's Default changes (quoted as it was), its !Ref stays", () => {
    const plan = planFile(`${FIX}/stack.cfn.yaml`, read(`${FIX}/stack.cfn.yaml`), report);
    expect(plan.after).toContain("    Default: '1024'   # vCPU units\n");
    expect(plan.after).toContain("      Cpu: !Ref CheckoutCpu\n");
    expect(plan.changes.find((c) => c.what.startsWith("cpu"))).toMatchObject({
      what: "cpu (parameter CheckoutCpu's Default)",
      from: 2048,
      to: 1024,
    });
  });

  it("Terraform: a variable used once changes its default, the reference stays", () => {
    const plan = planFile(`${FIX}/services.tf`, read(`${FIX}/services.tf`), report);
    expect(plan.changes.find((c) => c.what.startsWith("memory (variable"))).toMatchObject({ from: 4096, to: 2048 });
    expect(plan.after).toContain("  memory                   = var.webhooks_memory\n");
    expect(plan.notes).toEqual([]);
  });

  it("Terraform: containers read from a file() whose sizes change leave the whole task definition alone, with why", () => {
    const src = [
      'resource "aws_ecs_task_definition" "cart" {',
      '  family = "cart-api"',
      "  cpu    = 2048",
      "  memory = 8192",
      '  container_definitions = file("cart.json")',
      "}",
      "",
    ].join("\n");
    const plan = planFile("cart.tf", src, report);
    expect(plan.after).toBe(src);
    expect(plan.notes).toEqual([
      "cart-api: container_definitions is not a literal jsonencode([...]) or JSON heredoc (a file(), a template or a local): apply the file it reads, or change the values there; its containers' sizes change too, so nothing is changed here",
    ]);
  });

  it("Terraform: a variable used twice is not changed, and the task definition with it is left alone", () => {
    const src = [
      'variable "size" {',
      "  default = 2048",
      "}",
      'resource "aws_ecs_task_definition" "a" {',
      '  family = "webhooks"',
      "  cpu    = var.size",
      "  memory = 4096",
      '  container_definitions = jsonencode([{ name = "app", image = "x" }])',
      "}",
      'resource "aws_ecs_task_definition" "b" {',
      '  family = "other"',
      "  cpu    = var.size",
      "}",
      "",
    ].join("\n");
    const plan = planFile("two.tf", src, report);
    expect(plan.notes).toEqual([
      "webhooks: cpu is var.size, which 2 places use: change it where it is set; it should go 2048 → 512: left as it is",
      // 2048 cpu with 2048 MiB is no Fargate size: memory alone is not changed either.
      "webhooks: the task's cpu and memory change together or not at all: memory left as it is too",
      "other: no service in the report runs family other: left as it is",
    ]);
    expect(plan.after).toBe(src);
  });

  it("a value that differs from what the service runs is left, with a note; a family nobody runs too", () => {
    const plan = planFile("fixtures/taskdefs/cart-api-bigger.json", read("fixtures/taskdefs/cart-api-bigger.json"), report);
    expect(plan.after).toBe(plan.before);
    expect(plan.notes).toContain(
      "cart-api: cpu says 4096 but shop-fargate/cart-api runs 2048: left as it is (deploy or reconcile the file first)",
    );
    const none = planFile("fixtures/taskdefs/new-service.yml", read("fixtures/taskdefs/new-service.yml"), report);
    expect(none.after).toBe(none.before);
    expect(none.notes).toEqual(["loyalty-api: no service in the report runs family loyalty-api: left as it is"]);
  });

  it("a task definition whose new sizes would not fit is not touched at all", () => {
    // cart-api with a sidecar the report does not know keeping 4096 MiB: 2048 for the task would not hold it.
    const text = read(`${FIX}/cart-api.json`).replace(
      '"memory": 512,\n      "memoryReservation": 256',
      '"memory": 4096,\n      "memoryReservation": 256',
    );
    expect(text).toContain('"memory": 4096,');
    const plan = planFile("cart.json", text, report);
    expect(plan.after).toBe(text);
    expect(plan.changes).toEqual([]);
    // datadog-agent keeps its values (unmeasured), so its 4096 is not the advice's to change; the task's 2048 cannot hold it.
    expect(plan.notes).toEqual(["cart-api: container datadog-agent's limit 4096 MiB would exceed the task's 2048: left as it is"]);
  });
});

describe("the Terraform reader", () => {
  it("is not fooled by braces in strings, templates, heredocs and comments", () => {
    const src = [
      '# resource "aws_ecs_task_definition" "commented" { cpu = 1 }',
      "/* { */",
      'resource "aws_ecs_task_definition" "x" {',
      '  family = "x"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template, not a JavaScript one
      '  description = "a } and a ${jsonencode({ a = "}" })}"',
      "  cpu = 256 // {",
      "  policy = <<EOT",
      "  } resource {",
      "EOT",
      "  memory = 512",
      "}",
    ].join("\n");
    const found = locateInTerraform(src, "x.tf");
    expect(found.map((f) => [f.family, f.slots.map((s) => [s.field, s.value])])).toEqual([
      [
        "x",
        [
          ["cpu", 256],
          ["memory", 512],
        ],
      ],
    ]);
  });

  it("a string that never ends is one line with its place", () => {
    expect(() => tokenize('a = "x\n', "y.tf")).toThrow("y.tf:1: cannot read this Terraform file: a string that never ends");
  });
});

describe("apply on the command line", () => {
  it("prints the diff; --write changes the files whole; a second run has nothing to change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-apply-"));
    for (const f of readdirSync(join(ROOT, FIX))) copyFileSync(join(ROOT, FIX, f), join(dir, f));
    mkdirSync(join(dir, "other"));
    writeFileSync(join(dir, "other", "package.json"), '{ "name": "not-a-task-definition" }\n');
    const before = Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.includes("."))
        .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
    );

    const dry = await cli(["apply", dir, "--demo"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`--- a/${dir.replace(/^\/+/, "")}/cart-api.json`);
    expect(dry.stderr).toBe("would write 29 changes to 4 files (--write to apply them)\n");
    for (const [f, text] of Object.entries(before)) expect(readFileSync(join(dir, f), "utf8")).toBe(text); // nothing written

    const mode = statSync(join(dir, "services.tf")).mode;
    const wet = await cli(["apply", dir, "--demo", "--write"]);
    expect(wet.code).toBe(0);
    expect(wet.stderr).toBe("wrote 29 changes to 4 files\n");
    expect(wet.stdout).toBe(dry.stdout);
    const plan = planFile(`${FIX}/services.tf`, before["services.tf"]!, demoReport());
    expect(readFileSync(join(dir, "services.tf"), "utf8")).toBe(plan.after);
    expect(statSync(join(dir, "services.tf")).mode).toBe(mode);
    expect(readFileSync(join(dir, "other", "package.json"), "utf8")).toBe('{ "name": "not-a-task-definition" }\n');
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);

    const again = await cli(["apply", dir, "--demo"]);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe("nothing to change in 4 files\n");
  });

  it("a FIFO named as a task definition is refused at once (a read would wait forever): one line, exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-apply-fifo-"));
    const fifo = join(dir, "td.json");
    execFileSync("mkfifo", [fifo], { timeout: 10_000 });
    const r = await cli(["apply", fifo, "--demo"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ecs-advisor: ${fifo} is not a regular file or a folder\n  hint: give task definition files or the folders that hold them\n`,
    );
  });

  it("a file it cannot read is named, never touched, and the run ends with exit 2 after the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-apply-bad-"));
    copyFileSync(join(ROOT, FIX, "cart-api.json"), join(dir, "cart-api.json"));
    writeFileSync(join(dir, "broken.json"), '{ "family": "x", ');
    const r = await cli(["apply", join(dir, "broken.json"), join(dir, "cart-api.json"), "--demo", "--write"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^skipped: .*broken\.json: not valid JSON or YAML: /);
    expect(readFileSync(join(dir, "broken.json"), "utf8")).toBe('{ "family": "x", ');
    expect(readFileSync(join(dir, "cart-api.json"), "utf8")).toContain('"cpu": "512"');
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
