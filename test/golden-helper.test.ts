// The golden-file helper itself: a missing golden file is a failure, never silently written, unless
// UPDATE_GOLDEN=1 asks for it.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { expectGolden } from "./helpers/golden.js";

const name = `missing-${process.pid}.txt`;
const path = join(ROOT, "test", "golden", name);

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(path, { force: true });
});

describe("expectGolden", () => {
  it("fails on a missing golden file and writes nothing, with or without CI", () => {
    for (const ci of ["", "true"]) {
      vi.stubEnv("UPDATE_GOLDEN", "");
      vi.stubEnv("CI", ci);
      expect(() => expectGolden(name, "new output\n")).toThrow(`golden file test/golden/${name} is missing; UPDATE_GOLDEN=1 writes it`);
      expect(existsSync(path)).toBe(false);
    }
  });

  it("UPDATE_GOLDEN=1 writes it, and then it is compared", () => {
    vi.stubEnv("UPDATE_GOLDEN", "1");
    expectGolden(name, "new output\n");
    expect(readFileSync(path, "utf8")).toBe("new output\n");
    vi.stubEnv("UPDATE_GOLDEN", "");
    expectGolden(name, "new output\n");
    expect(() => expectGolden(name, "other output\n")).toThrow(/output differs from test\/golden\//);
  });
});
