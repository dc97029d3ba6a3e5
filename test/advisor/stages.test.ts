// The stages of one service's advice (src/advisor/stages/), each on its own, with numbers worked by hand.
// test/advisor/advise.test.ts runs them together through advise().
import { describe, expect, it } from "vitest";
import { adviseContext } from "../../src/advisor/advise.js";
import { resolvePolicy } from "../../src/advisor/policy.js";
import { Reasons } from "../../src/advisor/reasons.js";
import { assessConfidence, capAt, confidenceFromHours } from "../../src/advisor/stages/confidence.js";
import { type Advisable, canAdvise, gatherEvidence } from "../../src/advisor/stages/evidence.js";
import { actionOf, explain } from "../../src/advisor/stages/explanation.js";
import { sizeNeeds } from "../../src/advisor/stages/need.js";
import { propose } from "../../src/advisor/stages/proposal.js";
import type { Service, TaskDefinition } from "../../src/model/snapshot.js";
import { END, HOUR, PRICES, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

/** The seed's 60 % CPU target (the Duolingo example); memory at the default 80 %. */
const POLICY = resolvePolicy({ cpu: { target: 60 } });

function stage(svc: Service, td: TaskDefinition, policy = POLICY) {
  const ctx = adviseContext(snapshot({ services: [svc], taskDefinitions: [td] }), PRICES, policy);
  const reasons = new Reasons();
  const ev = gatherEvidence(svc, td, ctx, reasons);
  return { ev, ctx, reasons, codes: () => reasons.list.map((r) => r.code) };
}

/** Evidence that passes the gate, with its trust, need and proposal worked out by the stages before. */
function through(svc: Service, td: TaskDefinition, policy = POLICY) {
  const s = stage(svc, td, policy);
  if (!canAdvise(s.ev, policy, s.reasons)) throw new Error(`not advisable: ${s.codes().join(", ")}`);
  const ev: Advisable = s.ev;
  const trust = assessConfidence(ev, s.ctx, s.reasons);
  const need = sizeNeeds(ev, trust, policy, s.reasons);
  const proposal = propose(ev, need, s.ctx, s.reasons);
  return { ...s, ev, trust, need, proposal };
}

describe("evidence", () => {
  it("counts data where it is: 48 h of 5-minute periods with every 10th missing", () => {
    // 576 periods; 0, 10, …, 570 missing = 58, so 518 points = 43.17 h. The first point is period 1, so
    // 575 periods could have data: (575 − 518) ÷ 575 = 9.913 % gaps.
    const { ev } = stage(
      service("api", { utilization: util({ hours: 48, cpu: 10, memory: 20, missing: (i) => i % 10 === 0 }) }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
    );
    expect(ev.data.points).toBe(518);
    expect(ev.data.dataHours).toBeCloseTo(43.1667, 4);
    expect(ev.data.gapPercent).toBeCloseTo(9.913, 3);
    expect(ev.data.periodSeconds).toBe(300);
  });

  it("averages the running tasks over the window and prices today's size on it", () => {
    // 2 tasks the first day, 4 the second: 3 on average. Fargate 1 vCPU / 2 GB: 0.04048 + 2 × 0.004445 = 0.04937/h.
    const { ev } = stage(
      service("api", { utilization: util({ hours: 48, cpu: 10, memory: 20, tasks: (i) => (i < 288 ? 2 : 4) }) }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
    );
    expect(ev.tasks).toBe(3);
    expect(ev.currentHourly).toBeCloseTo(0.04937, 10);
    expect(ev.placement.kind).toBe("fargate");
  });

  it("only the current deployment known: the data since it when there is a day of it, else all but nothing smaller", () => {
    const deployedAt = (hoursBeforeEnd: number) =>
      service("api", {
        utilization: util({ hours: 48, cpu: 10, memory: 20 }),
        deploymentHistory: "current-only",
        deployments: [{ status: "PRIMARY", taskDefinition: "api:1", startedAt: iso(END - hoursBeforeEnd * HOUR) }],
      });
    const td = taskDef("api:1", { cpu: 1024, memory: 2048 });
    const masked = stage(deployedAt(30), td);
    expect(masked.ev.historyUnknown).toBe("masked");
    expect(masked.ev.data.points).toBe(360); // 30 h × 12
    expect(masked.reasons.list[0]!.message).toBe(
      "only the deployment of 2026-11-14 18:00 UTC is known, not the task size before it: only the data since then is used",
    );
    const capped = stage(deployedAt(10), td); // 120 points, 10 h: less than a day
    expect(capped.ev.historyUnknown).toBe("capped");
    expect(capped.ev.data.points).toBe(576);
    expect(capped.reasons.list[0]!.message).toMatch(/and there is too little data since: nothing is made smaller$/);
  });

  it("EXTERNAL capacity has no AWS price, and says so; OOM kills are reasons from the start", () => {
    const { ev, codes } = stage(
      service("edge", {
        launchType: "EXTERNAL",
        utilization: util({ cpu: 10, memory: 20 }),
        stoppedTasks: [
          {
            stoppedAt: iso(END - 5 * HOUR),
            stopCode: "EssentialContainerExited",
            containers: [{ name: "app", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }],
          },
        ],
      }),
      taskDef("edge:1", { cpu: 512, memory: 1024 }),
    );
    expect(ev.currentHourly).toBeUndefined();
    expect(ev.oom.kills).toBe(1);
    expect(codes()).toEqual(["external-launch-type", "oom-kills"]);
  });
});

describe("can it be advised at all", () => {
  it.each([
    ["no metrics", service("api"), taskDef("api:1", { cpu: 1024, memory: 2048 }), "no-metrics"],
    [
      "10 hours of data",
      service("api", { utilization: util({ hours: 10, cpu: 10, memory: 20 }) }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
      "insufficient-data",
    ],
    [
      "no memory reserved",
      service("api", { launchType: "EC2", utilization: util({ cpu: 10, memory: 20 }) }),
      taskDef("api:1", { containers: [{ name: "app", cpu: 256 }] }),
      "memory-not-reserved",
    ],
    [
      "no cpu reserved",
      service("api", { launchType: "EC2", utilization: util({ cpu: 10, memory: 20 }) }),
      taskDef("api:1", { containers: [{ name: "app", memory: 512 }] }),
      "cpu-not-reserved",
    ],
  ])("%s: no, and the reason says why", (_what, svc, td, code) => {
    const s = stage(svc, td);
    expect(canAdvise(s.ev, POLICY, s.reasons)).toBe(false);
    expect(s.codes().at(-1)).toBe(code); // after what the evidence said (EC2 here has no priced hosts: no-price)
  });

  it("10 hours: the reason gives the numbers", () => {
    const s = stage(
      service("api", { utilization: util({ hours: 10, cpu: 10, memory: 20 }) }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
    );
    canAdvise(s.ev, POLICY, s.reasons);
    expect(s.reasons.list[0]!.message).toBe("only 10 h of data (120 periods); advice needs 24 h and 100 periods");
  });
});

describe("confidence", () => {
  it("from hours of data: a week is high, 3 days medium, less low", () => {
    expect(confidenceFromHours(168, POLICY)).toBe("high");
    expect(confidenceFromHours(167.9, POLICY)).toBe("medium");
    expect(confidenceFromHours(72, POLICY)).toBe("medium");
    expect(confidenceFromHours(71.9, POLICY)).toBe("low");
  });

  it("capAt only ever lowers it", () => {
    expect(capAt("high", "medium")).toBe("medium");
    expect(capAt("low", "medium")).toBe("low");
    expect(capAt("none", "high")).toBe("none");
  });

  it("gaps of 30 % or more make it low; a deployment in the last day makes it medium", () => {
    // 14 days with 1 in 3 periods missing: 33 % gaps.
    const gappy = through(
      service("api", { utilization: util({ cpu: 10, memory: 20, missing: (i) => i % 3 === 0 }) }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
    );
    expect(gappy.trust.confidence).toBe("low");
    expect(gappy.codes()).toContain("gaps-in-data");
    const recent = through(
      service("api", {
        utilization: util({ cpu: 10, memory: 20 }),
        deployments: [{ status: "PRIMARY", taskDefinition: "api:1", startedAt: iso(END - 6 * HOUR) }],
      }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
    );
    expect(recent.trust.confidence).toBe("medium");
    expect(recent.reasons.list.find((r) => r.code === "recent-deployment")!.message).toBe(
      "deployed 6 h before the window ends: little data on the version running now",
    );
  });
});

describe("need", () => {
  it("the seed example: 1024 units at 40 % for a 60 % target need 682.67 units", () => {
    const { need } = through(
      service("worker", { launchType: "EC2", utilization: util({ cpu: 40, memory: 20 }) }),
      taskDef("worker:1", { cpu: 1024, memory: 2048 }),
    );
    expect(need.cpu.need).toBeCloseTo(682.6667, 4);
    expect(need.cpu.decision).toBe("down");
    expect(need.memory.need).toBeCloseTo(512, 9); // 2048 × 20 % ÷ 80 %
    expect(need.blockAll).toBe(false);
  });

  it("target tracking on CPU leaves task cpu alone, and says why", () => {
    const { need, reasons } = through(
      service("api", {
        utilization: util({ cpu: 40, memory: 20 }),
        autoscaling: {
          minCapacity: 2,
          maxCapacity: 10,
          policies: [
            { name: "cpu", type: "TargetTrackingScaling", targetTracking: { metric: "ECSServiceAverageCPUUtilization", targetValue: 50 } },
          ],
        },
      }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
    );
    expect(need.cpu.decision).not.toBe("down");
    expect(reasons.list.find((r) => r.code === "autoscaling-on-cpu")!.message).toBe(
      "target tracking holds CPU near 50%: smaller tasks would only mean more of them, so task cpu is left as it is",
    );
  });

  it("CPU at 99 % of a hard cap is saturated: the demand is higher than measured", () => {
    const { codes } = through(
      service("api", { utilization: util({ cpu: 99, memory: 20 }) }),
      taskDef("api:1", { cpu: 1024, memory: 2048 }),
    );
    expect(codes()).toContain("cpu-saturated");
  });
});

describe("proposal", () => {
  it("EC2 rounds the need up to whole units and 32 MiB steps: 682.67 → 683, 512 → 512", () => {
    const { proposal } = through(
      service("worker", { launchType: "EC2", utilization: util({ cpu: 40, memory: 20 }) }),
      taskDef("worker:1", { cpu: 1024, memory: 2048 }),
    );
    expect([proposal.cpu, proposal.memory]).toEqual([683, 512]);
  });

  it("EC2 keeps a task at the floor of 128 units / 128 MiB, and says so", () => {
    // 1024 × 5 % ÷ 60 % = 85.3 units; 2048 × 2 % ÷ 80 % = 51.2 MiB: both under the floors.
    const { proposal, codes } = through(
      service("worker", { launchType: "EC2", utilization: util({ cpu: 5, memory: 2 }) }),
      taskDef("worker:1", { cpu: 1024, memory: 2048 }),
    );
    expect([proposal.cpu, proposal.memory]).toEqual([128, 128]);
    expect(codes()).toContain("floor-applied");
  });

  it("Fargate snaps to the cheapest size that covers both needs: 341.33 / 1024 → 512 / 1024", () => {
    // 2048 × 10 % ÷ 60 % = 341.33 units; 4096 × 20 % ÷ 80 % = 1024 MiB.
    const { proposal } = through(
      service("api", { utilization: util({ cpu: 10, memory: 20 }) }),
      taskDef("api:1", { cpu: 2048, memory: 4096 }),
    );
    expect([proposal.cpu, proposal.memory]).toEqual([512, 1024]);
    expect(proposal.roundedTo).toBe("Fargate has no 342 cpu / 1024 MiB size; the cheapest that covers both is 512 / 1024 MiB");
  });

  it("Windows on Fargate is held at its 1 vCPU minimum", () => {
    const { proposal } = through(
      service("win", { utilization: util({ cpu: 10, memory: 20 }) }),
      taskDef("win:1", { cpu: 2048, memory: 4096, operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" }),
    );
    expect(proposal.cpu).toBe(1024);
    expect(proposal.windowsFloor).toBe(true);
  });
});

describe("explanation", () => {
  it.each([
    [512, 1024, "downsize"],
    [2048, 4096, "upsize"],
    [512, 4096, "resize"],
    [1024, 2048, "keep"],
  ] as const)("%i / %i against 1024 / 2048 is %s", (cpu, memory, action) => {
    const proposal = { cpu, memory, roundingNote: undefined, roundedTo: undefined, windowsFloor: false };
    expect(actionOf(proposal, { cpu: 1024, memory: 2048 })).toBe(action);
  });

  it("says what each resource used and needs, in the order a person reads them", () => {
    const s = through(service("api", { utilization: util({ cpu: 10, memory: 20 }) }), taskDef("api:1", { cpu: 2048, memory: 4096 }));
    expect(explain(s.ev, s.need, s.proposal, s.trust, s.reasons)).toBe("downsize");
    expect(s.reasons.list.map((r) => r.message)).toEqual([
      "CPU p95 (hottest task) is 10% of 2048 units (205 units); sized for 60% it needs 342 units",
      "memory peak (hottest task) is 20% of 4096 MiB (819 MiB); sized for 80% it needs 1024 MiB",
      "Fargate has no 342 cpu / 1024 MiB size; the cheapest that covers both is 512 / 1024 MiB",
    ]);
  });

  it("a service already at its size is well-sized, with the statistics that show it", () => {
    // 512 × 50 % ÷ 60 % = 426.67 units: 512 is the smallest Fargate cpu that covers it with 1024 MiB.
    const s = through(service("api", { utilization: util({ cpu: 50, memory: 70 }) }), taskDef("api:1", { cpu: 512, memory: 1024 }));
    expect(explain(s.ev, s.need, s.proposal, s.trust, s.reasons)).toBe("keep");
    expect(s.reasons.list.at(-1)).toMatchObject({ code: "well-sized", severity: "info" });
  });
});
