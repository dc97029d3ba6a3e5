// Issue #15: Terraform users check their task definitions from a plan (`terraform show -json`, real output
// from fixtures/terraform/main.tf against moto_server; see fixtures/terraform/README.md), or a bare
// containerDefinitions file (what `container_definitions = file(...)` reads) with the task's family and size
// given. Verdicts against the demo fleet, worked out by hand in the comments.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTaskDefinitions } from "../../src/collect/taskdef-file.js";
import { UserError } from "../../src/errors.js";
import { cli } from "../helpers/cli.js";

const TF = "fixtures/terraform";

describe("a Terraform plan (terraform show -json)", () => {
  it("judges each aws_ecs_task_definition being created or replaced, as it will be after; a no-op is not a change", async () => {
    // cart-api 2048/8192 → 512/2048 on 3 tasks: 3 × (0.5 × 0.04048 + 2 × 0.004445) × 730 = $63.79, from $255.18.
    const r = await cli(["check", `${TF}/plan-pass.json`, "--demo", "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe("pass");
    expect(out.taskDefinitions).toHaveLength(1); // checkout-api is a no-op in this plan
    expect(out.taskDefinitions[0]).toMatchObject({ name: "cart-api", format: "terraform-plan", line: 1 });
    expect(out.taskDefinitions[0].proposed).toMatchObject({ cpu: 512, memory: 2048, containers: [{ name: "app" }] });
    expect(out.totals).toMatchObject({ currentMonthlyUsd: 255.18, proposedMonthlyUsd: 63.79, deltaMonthlyUsd: -191.39 });
  });

  it("fails a replacement below the observed memory peak, pointing at the plan file", async () => {
    // checkout-api 1024/1024: the hottest task peaked at 1517 MiB; and 1024/1024 is no Fargate size.
    const r = await cli(["check", `${TF}/plan-fail.json`, "--demo", "--format", "github"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=fixtures\/terraform\/plan-fail\.json,line=1,title=ecs-advisor memory-below-peak::shop-fargate\/checkout-api: memory 1024 MiB is below the observed peak \(hottest task\) of 1517 MiB/m,
    );
    expect(r.stdout).toMatch(/^::error file=fixtures\/terraform\/plan-fail\.json,line=1,title=ecs-advisor invalid-fargate-size::/m);
  });

  it("a value known only after apply cannot be judged: the file is refused, naming the field", () => {
    const plan = JSON.stringify({
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_ecs_task_definition.api",
          type: "aws_ecs_task_definition",
          change: { actions: ["create"], after: { family: "api", memory: "1024" }, after_unknown: { cpu: true } },
        },
      ],
    });
    let message = "";
    try {
      parseTaskDefinitions(plan, "plan.json");
    } catch (e) {
      message = e instanceof UserError ? e.message : String(e);
    }
    expect(message).toBe("plan.json:1: aws_ecs_task_definition.api's cpu is known only after apply, so check cannot judge it");
  });
});

describe("a bare containerDefinitions array", () => {
  const containers = '[\n  { "name": "app", "image": "x", "essential": true }\n]\n';

  it("needs the task's family: told how to give it", () => {
    expect(() => parseTaskDefinitions(containers, "containers.json")).toThrow(
      /is a bare containerDefinitions array .* it has no family or task size/,
    );
  });

  it("with --family, --cpu and --memory it is checked like the task definition they make", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-tf-"));
    writeFileSync(join(dir, "cart.json"), containers);
    const r = await cli(["check", "cart.json", "--demo", "--family", "cart-api", "--cpu", "512", "--memory", "2 GB", "--format", "json"], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const td = JSON.parse(r.stdout).taskDefinitions[0];
    expect(td).toMatchObject({ name: "cart-api", format: "container-definitions", proposed: { cpu: 512, memory: 2048 } });
    expect(td.services[0].proposed.monthlyUsd).toBeCloseTo(63.79, 2);
  });

  it("or mapped in .ecs-advisor.yml by its path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-tf-"));
    writeFileSync(join(dir, "cart.json"), containers);
    writeFileSync(
      join(dir, ".ecs-advisor.yml"),
      "check:\n  task-definitions:\n    cart.json: { family: cart-api, cpu: 512, memory: 2048 }\n",
    );
    const r = await cli(["check", "cart.json", "--demo", "--format", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).taskDefinitions[0].proposed).toMatchObject({ cpu: 512, memory: 2048 });
  });

  it("--cpu without --family is one clear line", async () => {
    const r = await cli(["check", "x.json", "--demo", "--cpu", "512"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("ecs-advisor: --cpu sizes a bare containerDefinitions array, which also needs --family");
  });
});
