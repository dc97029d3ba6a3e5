// JSON Schema files for the two contracts, generated from the zod schemas that the code validates with.
//   npm run schema:generate     # rewrites schema/*.json; a test fails when they are out of date
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { checkResultSchema } from "../src/model/check.js";
import { diffSchema } from "../src/model/diff.js";
import { reportSchema } from "../src/model/report.js";
import { estateSchema, snapshotSchema } from "../src/model/snapshot.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function toSchema(schema: z.ZodType, id: string, title: string, io: "input" | "output"): string {
  const json = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: (ctx) => {
      // Series are validated by a fast custom check; publish what it accepts.
      if (z.globalRegistry.get(ctx.zodSchema)?.id === "Series") {
        Object.assign(ctx.jsonSchema, { type: "array", items: { type: ["number", "null"] } });
      }
    },
  }) as Record<string, unknown>;
  return `${JSON.stringify({ $id: id, title, ...json }, null, 2)}\n`;
}

export function generateSchemas(): Record<string, string> {
  return {
    "schema/snapshot-v1.schema.json": toSchema(
      snapshotSchema,
      "https://github.com/ecs-advisor/ecs-advisor/schema/snapshot-v1.schema.json",
      "ecs-advisor snapshot, schemaVersion 1",
      "input",
    ),
    "schema/snapshot-v2.schema.json": toSchema(
      estateSchema,
      "https://github.com/ecs-advisor/ecs-advisor/schema/snapshot-v2.schema.json",
      "ecs-advisor snapshot of many account-regions, schemaVersion 2 (each part a schemaVersion 1 snapshot)",
      "input",
    ),
    "schema/report-v1.schema.json": toSchema(
      reportSchema,
      "https://github.com/ecs-advisor/ecs-advisor/schema/report-v1.schema.json",
      "ecs-advisor report (--format json), schemaVersion 1",
      // Input mode leaves additionalProperties open: v1 readers must accept fields added later.
      "input",
    ),
    "schema/diff-v1.schema.json": toSchema(
      diffSchema,
      "https://github.com/ecs-advisor/ecs-advisor/schema/diff-v1.schema.json",
      "ecs-advisor diff (--format json), schemaVersion 1",
      "input",
    ),
    "schema/check-v1.schema.json": toSchema(
      checkResultSchema,
      "https://github.com/ecs-advisor/ecs-advisor/schema/check-v1.schema.json",
      "ecs-advisor check (--format json), schemaVersion 1",
      "input",
    ),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [path, text] of Object.entries(generateSchemas())) {
    writeFileSync(join(ROOT, path), text);
    console.log(`wrote ${path}`);
  }
}
