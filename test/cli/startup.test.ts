// The AWS SDK is loaded only by runs that talk to AWS: `report --demo`, `report --snapshot`, `check --demo`
// and `calc` start without it (it is most of the start-up time of a command that does not need it).
import { describe, expect, it, vi } from "vitest";
import { cli } from "../helpers/cli.js";

const loaded: string[] = [];
// Each factory runs only when something imports the package: the list says which were loaded.
vi.mock("@aws-sdk/client-ecs", async (real) => {
  loaded.push("client-ecs");
  return await real();
});
vi.mock("@aws-sdk/client-cloudwatch", async (real) => {
  loaded.push("client-cloudwatch");
  return await real();
});
vi.mock("@aws-sdk/client-pricing", async (real) => {
  loaded.push("client-pricing");
  return await real();
});
vi.mock("@aws-sdk/client-application-auto-scaling", async (real) => {
  loaded.push("client-application-auto-scaling");
  return await real();
});

describe("start-up", () => {
  it.each([
    [["report", "--demo", "--format", "json"], 0],
    [["report", "--snapshot", "assets/demo/demo-snapshot.json.gz", "--format", "csv"], 0],
    [["check", "fixtures/taskdefs/checkout-api-unchanged.json", "--demo"], 0],
    [["calc", "--cpu", "1024", "--cpu-util", "40"], 0],
    [["--version"], 0],
  ])("%j does not load the AWS SDK", async (args, code) => {
    expect((await cli(args)).code).toBe(code);
    expect(loaded).toEqual([]);
  });

  it("a live run does (so the check above can fail)", async () => {
    // No region in this environment: the run ends at once, but only after loading the SDK to ask for one.
    const r = await cli(["report", "--region", "not a region"]);
    expect(r.code).toBe(2);
    expect(loaded).toContain("client-ecs");
  });
});
