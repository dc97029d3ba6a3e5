// Issue #13: DAEMON services (one task on every container instance) were modelled as replicas: packed as
// tasks to place, counted in the largest task, offered autoscaling. A daemon's count follows the hosts.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import type { Report } from "../../src/model/report.js";
import type { ContainerInstance, Snapshot } from "../../src/model/snapshot.js";
import { END, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

const run = (s: Snapshot): Report =>
  advise({ snapshot: s, prices: s.prices!, policy: DEFAULT_POLICY, generatedAt: iso(END), sourceKind: "snapshot", toolVersion: "t" });

// Four m5.xlarge (4096 cpu / 15,000 MiB registered each, $0.192/h). "app": 8 tasks of 1024 / 2048 at a flat
// 70 % CPU, 70 % memory (need 896 cpu, 1792 MiB). "agent": a DAEMON of 256 / 512, one on each of the 4 hosts,
// at 60 % CPU and a daily swing in task count that would otherwise invite target tracking.
function cluster(daemon: boolean): Snapshot {
  const host = (id: string): ContainerInstance => ({
    cluster: "c1",
    id,
    instanceType: "m5.xlarge",
    status: "ACTIVE",
    agentConnected: true,
    registered: { cpu: 4096, memory: 15_000 },
    remaining: { cpu: 4096 - 2 * 1024 - 256, memory: 15_000 - 2 * 2048 - 512 },
    runningTasks: 3,
  });
  return snapshot({
    services: [
      service("app", { launchType: "EC2", desiredCount: 8, runningCount: 8, utilization: util({ cpu: 70, memory: 70, tasks: 8 }) }),
      service("agent", {
        launchType: "EC2",
        desiredCount: 4,
        runningCount: 4,
        ...(daemon ? { schedulingStrategy: "DAEMON" as const } : {}),
        utilization: util({ cpu: 60, memory: 60, tasks: (i) => (Math.floor(i / 12) % 24 < 12 ? 4 : 2) }),
      }),
    ],
    taskDefinitions: [taskDef("app:1", { cpu: 1024, memory: 2048 }), taskDef("agent:1", { cpu: 256, memory: 512 })],
    containerInstances: [host("i-1"), host("i-2"), host("i-3"), host("i-4")],
  });
}

describe("a DAEMON service", () => {
  const r = run(cluster(true));
  const agent = r.services.find((s) => s.service === "agent")!;
  const c = r.clusters.find((x) => x.cluster === "c1")!;

  it("is sized per task like any other (256 × 60 % ÷ 80 % = 192 units; 512 × 60 % ÷ 80 % = 384 MiB)", () => {
    expect(agent.recommended).toMatchObject({ cpu: 192, memory: 384 });
  });

  it("gets no autoscaling advice, and says why and what it costs: per instance", () => {
    expect(agent.autoscaling).toBeNull();
    const reason = agent.reasons.find((x) => x.code === "daemon-service")!;
    expect(reason.severity).toBe("info");
    expect(reason.message).toMatch(/one task on every container instance/);
    expect(reason.message).toMatch(/no autoscaling advice/);
  });

  it("is not the largest task, nor a task to pack: it is room kept on every host", () => {
    expect(c.hostScaling!.largestTask.services).toEqual(["app"]);
    // Each host keeps the right-sized daemon (192 / 384) free: 4096 − 192 = 3904 cpu for app tasks of 896
    //   → 4 a host (3584), so the 8 app tasks need 2 hosts of this type, plus one spare largest task → 3.
    const packed = c.packing!;
    expect(packed.daemonsPerHost).toEqual({ cpu: 192, memory: 384, services: ["agent"] });
    expect(packed.demand.services.map((x) => x.service)).toEqual(["app"]);
    // Peak demand: 8 app tasks + 8 of a rolling deployment (maximumPercent 200) + 1 spare = 17 of 896 / 1792.
    //   m5.xlarge less the daemon: 3904 cpu → 4 tasks; c5.2xlarge (8192, and 15,000 MiB as the cluster's own
    //   hosts register): 8000 cpu, 14,616 MiB → 8. At most 4 app tasks a host, hosts in multiples of 3 zones:
    //   8 + 8 + 1 → 2 × c5.2xlarge + 1 × m5.xlarge = (2 × 0.34 + 0.192) × 730 = $636.56.
    expect(packed.demand.tasks).toBe(17);
    expect(packed.best.instanceTypes).toEqual({ "c5.2xlarge": 2, "m5.xlarge": 1 });
    expect(packed.best.monthlyUsd).toBeCloseTo(636.56, 6);
    // The cluster's own type: 4 a host → 17 tasks need 5 m5.xlarge.
    expect(c.hostScaling!.hosts.desired).toBe(5);
  });

  it("the scaling rule counts what a host holds beside the daemon: (4096 − 256) ÷ 1024 = 3 largest tasks, not 4", () => {
    expect(c.hostScaling!.tasksPerHost).toBe(3);
    expect(c.hostScaling!.tasksPerHostMax).toBe(3);
    expect(run(cluster(false)).clusters[0]!.hostScaling!.tasksPerHost).toBe(4);
  });

  it("as a REPLICA the same service is packed as tasks, and says nothing of daemons: the strategy makes the difference", () => {
    const r2 = run(cluster(false));
    expect(r2.services.find((s) => s.service === "agent")!.reasons.map((x) => x.code)).not.toContain("daemon-service");
    expect(r2.clusters[0]!.packing!.demand.services.map((x) => x.service).sort()).toEqual(["agent", "app"]);
    expect(r2.clusters[0]!.packing!.daemonsPerHost).toBeNull();
  });
});
