// The documentation stays true: every reason code is documented, and the README's example output is
// what the program prints.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SEVERITY } from "../src/advisor/reasons.js";
import { CHECK_RULES } from "../src/model/check.js";
import { REASON_CODES } from "../src/model/report.js";
import { ROOT } from "./helpers/cli.js";

const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

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

  it("the README starts with the two commands and the test command", () => {
    const head = read("README.md").slice(0, 1200);
    expect(head).toContain("npm install\nnpm start");
    expect(head).toContain("npm test");
  });

  it("the README's check example is what check prints, and every check rule is documented", () => {
    const readme = read("README.md");
    const section = readme.slice(readme.indexOf("## Checking task-definition changes in CI"), readme.indexOf("### As a GitHub Action"));
    const example = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].find((m) => m[1] === "")![2]!;
    const golden = read("test/golden/check-demo-too-small.md").split("\n");
    for (const line of example.split("\n").filter((l) => l.trim() !== ""))
      expect(golden, `README line not in the output: ${line}`).toContain(line);
    const json = read("docs/check-json.md");
    for (const rule of CHECK_RULES) {
      expect(
        section.split("\n").some((l) => l.startsWith(`| \`${rule}\` |`)),
        `${rule} missing from the README`,
      ).toBe(true);
      expect(
        json.split("\n").some((l) => l.startsWith(`| \`${rule}\` |`)),
        `${rule} missing from docs/check-json.md`,
      ).toBe(true);
    }
  });

  it("the README's Slack example line is what the digest says", () => {
    expect(read("README.md")).toContain("…and 20 more services, $688.89/mo between them");
    expect(read("test/golden/report-demo.slack.json")).toContain("…and 20 more services, $688.89/mo between them");
  });
});
