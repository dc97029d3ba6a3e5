import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSchemas } from "../scripts/generate-schemas.js";
import { ROOT } from "./helpers/cli.js";

describe("published JSON Schemas", () => {
  it.each(Object.entries(generateSchemas()))("%s is up to date with the zod schema (npm run schema:generate)", (path, text) => {
    expect(readFileSync(join(ROOT, path), "utf8")).toBe(text);
  });
});
