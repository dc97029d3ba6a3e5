// Two weekly snapshots of one small Fargate estate, made so that what changed between them can be worked out
// on paper (test/history/*.test.ts):
//   api     1024 cpu / 2048 MiB, 2 tasks, CPU and memory peaks at 20 % → sized for the 80 % target it needs
//           204.8 ÷ 0.8 = 256 units and 409.6 ÷ 0.8 = 512 MiB: advised 256 / 512 in week 1. Week 2 runs api:2 at
//           256 / 512 (the same work: 80 %): APPLIED. Per task an hour, at $0.04048 a vCPU and $0.004445 a GB:
//           1 × 0.04048 + 2 × 0.004445 = $0.04937 then, 0.25 × 0.04048 + 0.5 × 0.004445 = $0.0123425 now;
//           × 2 tasks × 730 h = $54.06015 → $54.06 a month realised.
//   worker  512 / 1024 at 50 %: well sized both weeks; week 2 three OOM kills: a NEW RISK (oom-kills).
//   batch   1024 / 2048 at 15 % → a downsize in week 1; week 2 at 60 %: kept, so RESOLVED (no longer advised).
//   legacy  256 / 512: in week 1 only: REMOVED.
import { adviseEstate } from "../../src/advisor/estate.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import { partsOf } from "../../src/cli/source.js";
import type { Report } from "../../src/model/report.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { toPublishedReport } from "../../src/report/json.js";
import { END, HOUR, iso, service, snapshot, taskDef, util } from "./snapshot.js";

const oom = (at: number) => ({
  stoppedAt: iso(at),
  stopCode: "EssentialContainerExited",
  stoppedReason: "Essential container in task exited",
  containers: [{ name: "app", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }],
});

export function week1(): Snapshot {
  return snapshot({
    services: [
      service("api", { utilization: util({ cpu: 20, memory: 20 }) }),
      service("worker", { utilization: util({ cpu: 50, memory: 50 }) }),
      service("batch", { utilization: util({ cpu: 15, memory: 15 }) }),
      service("legacy", { utilization: util({ cpu: 50, memory: 50 }) }),
    ],
    taskDefinitions: [
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
      taskDef("worker:1", { cpu: 512, memory: 1024 }),
      taskDef("batch:1", { cpu: 1024, memory: 2048 }),
      taskDef("legacy:1", { cpu: 256, memory: 512 }),
    ],
  });
}

export function week2(): Snapshot {
  return snapshot({
    services: [
      service("api", { taskDefinition: "api:2", utilization: util({ cpu: 80, memory: 80 }) }),
      service("worker", {
        utilization: util({ cpu: 50, memory: 50 }),
        stoppedTasks: [oom(END - 30 * HOUR), oom(END - 20 * HOUR), oom(END - 10 * HOUR)],
      }),
      service("batch", { utilization: util({ cpu: 60, memory: 60 }) }),
    ],
    taskDefinitions: [
      taskDef("api:2", { cpu: 256, memory: 512 }),
      taskDef("worker:1", { cpu: 512, memory: 1024 }),
      taskDef("batch:1", { cpu: 1024, memory: 2048 }),
    ],
  });
}

/** A snapshot's report as published (rounded), as `report --format json` writes it. */
export function reportOf(snapshot: Snapshot, generatedAt: string): Report {
  return toPublishedReport(
    adviseEstate({
      parts: partsOf({ parts: [snapshot], gaps: [] }),
      gaps: [],
      policy: DEFAULT_POLICY,
      generatedAt,
      sourceKind: "snapshot",
      toolVersion: "test",
    }),
  );
}
