// check's rule registry: one entry per rule the Check JSON knows, each with its group, what it reads, its
// default severity and doc, and an evaluate that can be run on its own (test/advisor/check.test.ts runs
// them all on the fixture task definitions).
import { describe, expect, it } from "vitest";
import { allocationOf } from "../../src/advisor/allocation.js";
import { DEFAULT_CHECK_POLICY, type Proposal, RULE_IDS, RULES, type RuleInput, ruleSeverity } from "../../src/advisor/check-rules.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { CATEGORIES, CHECK_RULES } from "../../src/model/check.js";
import type { TaskDefinition } from "../../src/model/snapshot.js";
import { PRICES, taskDef } from "../helpers/snapshot.js";

function input(td: TaskDefinition, fields: Partial<RuleInput> = {}): RuleInput {
  const proposal: Proposal = {
    file: "td.json",
    name: td.family,
    family: td.family,
    format: "register-task-definition",
    line: 1,
    lines: { cpu: 3, memory: 4, containers: td.containers.map(() => ({ cpu: 7, memory: 8 })) },
    taskDefinition: td,
  };
  return {
    proposal,
    td,
    alloc: allocationOf(td),
    windows: false,
    services: [],
    policy: DEFAULT_POLICY,
    checkPolicy: DEFAULT_CHECK_POLICY,
    prices: PRICES,
    ...fields,
  };
}

describe("the registry", () => {
  it("has exactly the rules the Check JSON schema knows, in its order", () => {
    expect(RULE_IDS).toEqual(CHECK_RULES);
    for (const id of RULE_IDS) {
      const rule = RULES[id];
      expect(rule.id).toBe(id);
      expect(CATEGORIES).toContain(rule.category);
      expect(rule.doc.length).toBeGreaterThan(10);
    }
  });

  it("default severities: error by --fail-on, off until their option is given", () => {
    const p = DEFAULT_CHECK_POLICY;
    expect(RULE_IDS.map((r) => ruleSeverity(r, p))).toEqual(["error", "error", "error", "error", "error", "off", "off"]);
    expect(ruleSeverity("cost-increase", { ...p, maxIncrease: { usd: 50, percent: null } })).toBe("error");
    expect(ruleSeverity("no-evidence", { ...p, requireEvidence: true })).toBe("error");
    // Outside --fail-on: a warning; the config's rules: wins over both.
    expect(ruleSeverity("overprovisioned", { ...p, failOn: ["risk"] })).toBe("warning");
    expect(ruleSeverity("overprovisioned", { ...p, failOn: ["risk", "overprovisioned"] })).toBe("error");
    expect(ruleSeverity("cpu-below-need", { ...p, rules: { "cpu-below-need": "off" } })).toBe("off");
  });
});

describe("rules on their own", () => {
  it("invalid-fargate-size: 1024 / 1024 is no Fargate pair; the nearest are named", () => {
    const td = taskDef("api:2", { cpu: 1024, memory: 1024, requiresCompatibilities: ["FARGATE"] });
    expect(RULES["invalid-fargate-size"].evaluate(input(td), undefined)).toEqual([
      {
        message:
          "1024 cpu / 1024 MiB is not a Fargate size; nearest valid: 1024 / 2048 MiB (the smallest that covers it) or 512 / 1024 MiB (the largest below it)",
        line: 3,
      },
    ]);
    expect(RULES["invalid-fargate-size"].evaluate(input(taskDef("api:2", { cpu: 1024, memory: 1024 })), undefined)).toEqual([]); // not Fargate
  });

  it("container-sum-exceeds-task: 300 + 300 units in a 512-unit task", () => {
    const td = taskDef("api:2", {
      cpu: 512,
      memory: 1024,
      containers: [
        { name: "app", cpu: 300, memory: 512 },
        { name: "envoy", cpu: 300, memory: 256 },
      ],
    });
    expect(RULES["container-sum-exceeds-task"].evaluate(input(td), undefined)).toEqual([
      { message: "the containers reserve 600 units of cpu (app 300 + envoy 300), more than the task's 512 units", line: 7 },
    ]);
  });

  it("no-evidence: only when nothing runs the family", () => {
    const td = taskDef("batch:1", { cpu: 256, memory: 512 });
    expect(RULES["no-evidence"].evaluate(input(td), undefined)).toEqual([
      { message: "no service in the evidence runs family batch: nothing to check its size against", line: 1 },
    ]);
  });

  it("usage rules say nothing without a service to read", () => {
    const td = taskDef("api:2", { cpu: 256, memory: 512 });
    for (const id of RULE_IDS.filter((r) => RULES[r].reads === "usage")) expect(RULES[id].evaluate(input(td), undefined)).toEqual([]);
  });
});
