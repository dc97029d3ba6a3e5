// The many-account options' bad input, said before anything is called, and the commands that read one
// account-region refusing a snapshot of several with one line (exit 2).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeEstateFile } from "../../src/collect/file.js";
import { cli } from "../helpers/cli.js";
import { demoEstate } from "../helpers/estate-report.js";

const ROLE = "arn:aws:iam::{account}:role/EcsAdvisorReadOnly";

describe("many accounts and regions on the command line", () => {
  it.each([
    [["--accounts", "111111111111"], "ecs-advisor: --accounts needs --role-arn: the role to assume in each account"],
    [["--organization"], "ecs-advisor: --organization needs --role-arn: the role to assume in each account"],
    [["--role-arn", ROLE, "--accounts", "1111"], "ecs-advisor: --accounts 1111 is not an AWS account id"],
    [["--role-arn", ROLE], `ecs-advisor: --role-arn ${ROLE} names no account: {account} needs --accounts or --organization`],
    [
      ["--role-arn", "arn:aws:iam::111111111111:role/R", "--accounts", "222222222222"],
      "ecs-advisor: --role-arn arn:aws:iam::111111111111:role/R has no {account} to fill in for each account",
    ],
    [["--role-arn", "not-an-arn", "--accounts", "222222222222"], "ecs-advisor: --role-arn not-an-arn is not a role ARN"],
    [["--role-arn", ROLE, "--accounts", "111111111111", "--organization"], "ecs-advisor: --accounts and --organization both given"],
    [["--region", "all,eu-west-1"], "ecs-advisor: --region all names every region: give it alone"],
    [
      ["--region", "eu-west-1", "--concurrency", "0"],
      "ecs-advisor report: option '--concurrency <n>' argument '0' is invalid. --concurrency takes a whole number greater than 0, got \"0\"",
    ],
    [["--region", "eu-west-1", "--concurrency", "1.5"], "ecs-advisor: --concurrency 1.5 is not a whole number from 1 to 64"],
  ])("report %j: one line, a hint, exit 2, no AWS call", async (args, line) => {
    const r = await cli(["report", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(line);
    expect(r.stderr).toContain("hint:");
  });

  it("the live options are refused beside saved data", async () => {
    const r = await cli(["report", "--demo", "--role-arn", ROLE, "--accounts", "111111111111"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ecs-advisor: --role-arn reads from AWS, but --demo was given too/);
  });

  it("collect --plan looks at one account-region", async () => {
    const r = await cli(["collect", "--plan", "--region", "eu-west-1,us-east-1"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("ecs-advisor: --plan looks at one account-region");
  });
});

describe("commands that read one account-region", () => {
  let file: string;
  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), "ecs-advisor-accounts-cli-")), "estate.json.gz");
    await writeEstateFile(file, demoEstate(), "2026-11-16T00:05:00Z");
  });

  it.each([
    ["check", ["check", "fixtures/taskdefs/checkout-api-unchanged.json", "--snapshot"]],
    ["export", ["export", "--out", join(tmpdir(), "ecs-advisor-never-written"), "--snapshot"]],
    ["apply", ["apply", "fixtures/apply/cart-api.json", "--snapshot"]],
  ])("%s refuses a snapshot of several account-regions with one line", async (name, args) => {
    const r = await cli([...args, file]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`ecs-advisor: ${name} reads one account-region; this source holds 2 and 1 not collected`);
    expect(r.stderr).toContain("`ecs-advisor report` reads many");
  });

  it("report reads it, and names the gap", async () => {
    const r = await cli(["report", "--snapshot", file, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scopes.map((s: { status: string }) => s.status)).toEqual(["collected", "collected", "gap"]);
  });
});
