// Issue #13: when Application Auto Scaling is denied, a service that does scale looked like one that does not:
// it was offered target tracking and its task cpu cut, at medium confidence. The advisor now knows what it
// does not know, and says so.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import type { ServiceFinding } from "../../src/model/report.js";
import { END, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

// 14 days of 5-minute data, 2048 / 4096 tasks at 30 % CPU of the hottest task: a day of 12 busy hours on 8 tasks
// and 12 quiet ones on 2 — what CPU target tracking does to a diurnal load.
const hourOf = (i: number) => Math.floor(i / 12) % 24;
function one(unknown: boolean, tasks: number | ((i: number) => number)): ServiceFinding {
  const s = snapshot({
    services: [service("api", { utilization: util({ cpu: 30, memory: 40, tasks }) })],
    taskDefinitions: [taskDef("api:1", { cpu: 2048, memory: 4096 })],
    ...(unknown ? { autoscalingUnknown: true } : {}),
  });
  return advise({ snapshot: s, prices: s.prices!, policy: DEFAULT_POLICY, generatedAt: iso(END), sourceKind: "snapshot", toolVersion: "t" })
    .services[0]!;
}
const scaling = (i: number) => (hourOf(i) >= 8 && hourOf(i) < 20 ? 8 : 2);

describe("Application Auto Scaling could not be read", () => {
  it("a service whose task count moves (2 to 8) probably scales: low confidence, nothing made smaller, no proposal", () => {
    const f = one(true, scaling);
    expect(f.confidence).toBe("low");
    expect(f.autoscaling).toBeNull();
    expect(f.recommended).toMatchObject({ cpu: 2048, memory: 4096 });
    const r = f.reasons.find((x) => x.code === "autoscaling-unknown")!;
    expect(r.severity).toBe("warning");
    expect(r.message).toMatch(/task count moved between 2 and 8/);
    expect(r.message).toMatch(/application-autoscaling:DescribeScalableTargets/);
  });

  it("the same service when autoscaling could be read and none is set is cut at high confidence", () => {
    const f = one(false, scaling);
    expect(f.confidence).toBe("high");
    expect(f.recommended!.cpu).toBeLessThan(2048);
    expect(f.reasons.map((x) => x.code)).not.toContain("autoscaling-unknown");
  });

  it("a service that held its task count steady is advised as one that does not scale, and told why", () => {
    const f = one(true, 3);
    expect(f.confidence).toBe("high");
    expect(f.recommended!.cpu).toBeLessThan(2048);
    const r = f.reasons.find((x) => x.code === "autoscaling-unknown")!;
    expect(r.severity).toBe("info");
    expect(r.message).toMatch(/held at 3 tasks/);
  });
});
