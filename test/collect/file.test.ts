import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseSnapshot, parseSnapshotText, readSnapshotFile, serializeSnapshot, writeSnapshotFile } from "../../src/collect/file.js";
import { UserError } from "../../src/errors.js";
import { service, snapshot, taskDef, util } from "../helpers/snapshot.js";

// biome-ignore lint/suspicious/noExplicitAny: the tests break a parsed snapshot in ways its type forbids
type Json = any;

const good = () =>
  JSON.parse(
    serializeSnapshot(
      snapshot({
        services: [service("api", { utilization: util({ hours: 30, cpu: 10, memory: 20 }) })],
        taskDefinitions: [taskDef("api:1", { cpu: 256, memory: 512 })],
      }),
    ),
  ) as Json;

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
}

describe("reading a snapshot", () => {
  it("a valid snapshot parses, with series as Float32Array and gaps as NaN", () => {
    const json = good();
    json.services[0].utilization.cpuMaximum[3] = null;
    const s = parseSnapshot(json, "s.json");
    const series = s.services[0]!.utilization!.cpuMaximum;
    expect(series).toBeInstanceOf(Float32Array);
    expect(series.length).toBe(360);
    expect(series[3]).toBeNaN();
    expect(series[4]).toBe(10);
  });

  it.each([
    [
      (j: Json) => (j.services[0].desiredCount = "three"),
      's.json: services[0] (c1/api).desiredCount: expected number, got the string "three"',
    ],
    [(j: Json) => delete j.taskDefinitions, "s.json: taskDefinitions: expected array, got nothing (the field is missing)"],
    [(j: Json) => (j.taskDefinitions[0].cpuArchitecture = "MIPS"), "s.json: taskDefinitions[0] (api:1).cpuArchitecture:"],
    [
      (j: Json) => (j.services[0].utilization.cpuMaximum[7] = "high"),
      "s.json: services[0] (c1/api).utilization.cpuMaximum: expected an array of numbers (null for a missing datapoint)",
    ],
    [
      (j: Json) => j.services[0].utilization.memoryMaximum.pop(),
      "s.json: services[0] (c1/api).utilization.memoryMaximum: has 359 values but cpuAverage has 360",
    ],
    [(j: Json) => (j.collectedAt = "yesterday"), "s.json: collectedAt: Invalid ISO datetime"],
  ])("a malformed field is named in one line (%#)", (mutate, message) => {
    const json = good();
    mutate(json);
    const e = errorOf(() => parseSnapshot(json, "s.json"));
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.message).not.toContain("\n");
    expect(e.hint).toContain("schema/snapshot-v1.schema.json");
    expect(e.exitCode).toBe(2);
  });

  it("counts further problems instead of listing them", () => {
    const json = good();
    json.services[0].desiredCount = "x";
    json.services[0].runningCount = "y";
    expect(errorOf(() => parseSnapshot(json, "s.json")).message).toMatch(/\(and 1 more problem\)$/);
  });

  it("a snapshot from a newer version says so and what to do", () => {
    const e = errorOf(() => parseSnapshot({ ...good(), schemaVersion: 3 }, "new.json"));
    expect(e.message).toBe("new.json is a version 3 snapshot, newer than this ecs-advisor reads (versions 1 and 2)");
    expect(e.hint).toMatch(/upgrade ecs-advisor/);
  });

  it("something that is not a snapshot is told apart from a broken one", () => {
    expect(errorOf(() => parseSnapshot([1, 2], "a.json")).message).toBe("a.json is not an ecs-advisor snapshot: expected a JSON object");
    expect(errorOf(() => parseSnapshot({ services: [] }, "b.json")).message).toBe(
      "b.json is not an ecs-advisor snapshot: it has no schemaVersion",
    );
  });

  it("broken JSON reports the line and column", () => {
    const e = errorOf(() => parseSnapshotText('{\n  "schemaVersion": 1,\n  "x": tru\n}', "bad.json"));
    expect(e.message).toMatch(/^bad\.json is not valid JSON: line 3, column \d+: /);
  });

  it("files: missing, gzipped, damaged gzip", () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-"));
    expect(errorOf(() => readSnapshotFile(join(dir, "nope.json"))).message).toBe(`snapshot file not found: ${join(dir, "nope.json")}`);
    const gz = join(dir, "s.data"); // detected by content, not by name
    writeFileSync(gz, gzipSync(JSON.stringify(good())));
    expect(readSnapshotFile(gz).services).toHaveLength(1);
    writeFileSync(gz, gzipSync(JSON.stringify(good())).subarray(0, 100));
    expect(errorOf(() => readSnapshotFile(gz)).message).toMatch(/looks gzipped but cannot be decompressed/);
  });

  it("write → read gives the same snapshot (values to 3 decimals)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-advisor-"));
    const s = parseSnapshot(good(), "g");
    s.services[0]!.utilization!.cpuMaximum[0] = 12.3456;
    s.services[0]!.utilization!.cpuMaximum[1] = Number.NaN;
    for (const name of ["s.json", "s.json.gz"]) {
      const path = join(dir, name);
      await writeSnapshotFile(path, s);
      const back = readSnapshotFile(path);
      expect(back.services[0]!.utilization!.cpuMaximum[0]).toBeCloseTo(12.346, 3);
      expect(back.services[0]!.utilization!.cpuMaximum[1]).toBeNaN();
      expect(back.taskDefinitions).toEqual(s.taskDefinitions);
    }
    expect(readFileSync(join(dir, "s.json.gz"))[0]).toBe(0x1f);
  });
});
