// The documentation stays true: every reason code and check rule is documented as the code has it, the
// examples are what the program prints, and every link between the docs leads somewhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSeverityText, RULE_IDS, RULES, ruleDocRow } from "../src/advisor/check-rules.js";
import { SEVERITY } from "../src/advisor/reasons.js";
import { rulesHelp } from "../src/cli/check.js";
import { REASON_CODES } from "../src/model/report.js";
import { ROOT } from "./helpers/cli.js";

const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const rows = (text: string) => text.split("\n").filter((l) => l.startsWith("| `"));

describe("docs", () => {
  it("docs/report-json.md lists every reason code with its severity", () => {
    const doc = read("docs/report-json.md");
    for (const code of REASON_CODES) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, `${code} is not in the reason-code table`).toBeDefined();
      expect(row).toContain(SEVERITY[code]);
    }
  });

  it("every line of the README's example output is in the demo report", () => {
    const readme = read("README.md");
    const table = read("test/golden/report-demo.table.txt");
    const section = readme.slice(readme.indexOf("## What you get"), readme.indexOf("## On your AWS account"));
    const blocks = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const line of blocks
      .join("")
      .split("\n")
      .filter((l) => l.trim() !== "")) {
      expect(table.split("\n"), `README line not in the output: ${line}`).toContain(line);
    }
  });

  it("the README starts with the two commands and the test command, and stays short", () => {
    const readme = read("README.md");
    const head = readme.slice(0, 1200);
    expect(head).toContain("npm install\nnpm start");
    expect(head).toContain("npm test");
    expect(readme.length).toBeLessThan(20_000); // the reference lives in docs/
  });

  it("docs/check.md: the example is what check prints", () => {
    const doc = read("docs/check.md");
    const example = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].find((m) => m[1] === "")![2]!;
    const golden = read("test/golden/check-demo-too-small.md").split("\n");
    for (const line of example.split("\n").filter((l) => l.trim() !== "")) {
      expect(golden, `docs/check.md line not in the output: ${line}`).toContain(line);
    }
  });

  it("the rules are documented as the registry has them: docs/check.md, docs/check-json.md and check --help", () => {
    const check = rows(read("docs/check.md"));
    const json = rows(read("docs/check-json.md"));
    const help = rulesHelp();
    for (const id of RULE_IDS) {
      const rule = RULES[id];
      expect(check, `docs/check.md's row for ${id}`).toContain(ruleDocRow(rule));
      expect(json, `docs/check-json.md's row for ${id}`).toContain(`| \`${id}\` | ${rule.category} | ${defaultSeverityText(rule)} |`);
      expect(help).toContain(`  ${id} (${rule.category})`);
    }
    expect(check.filter((l) => RULE_IDS.some((id) => l.startsWith(`| \`${id}\``)))).toHaveLength(RULE_IDS.length);
  });

  it("the Slack example line is what the digest says", () => {
    expect(read("docs/reports.md")).toContain("…and 20 more services, $678.90/mo between them");
    expect(read("test/golden/report-demo.slack.json")).toContain("…and 20 more services, $678.90/mo between them");
  });

  it("every relative link in the README, CONTRIBUTING.md and docs/ leads to a file that exists", () => {
    const files = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)];
    for (const file of files.filter((f) => f.endsWith(".md"))) {
      for (const m of read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
        expect(existsSync(join(ROOT, dirname(file), target)), `${file} links to ${target}`).toBe(true);
      }
    }
  });
});
