// Container-level sizing, worked by hand: each container's cpu, memory and memoryReservation inside the task.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { distribute, sizeContainers } from "../../src/advisor/containers.js";
import { DEFAULT_POLICY } from "../../src/advisor/policy.js";
import type { ServiceFinding } from "../../src/model/report.js";
import type { ContainerUsage, TaskDefinition } from "../../src/model/snapshot.js";
import { demoReport } from "../helpers/demo-report.js";
import { PRICES, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

const flat = (v: number, n = 4032) => new Float32Array(n).fill(v);
const usage = (name: string, cpu: number, memory: number): ContainerUsage => ({ name, cpuMaximum: flat(cpu), memoryMaximum: flat(memory) });

describe("distribute: shares that add up to the total exactly", () => {
  it("64 kept, the rest 448 split 437 : 64 → 390.75 / 57.25 → 391 / 57 (the larger fraction gets the odd unit)", () => {
    const out = distribute(
      [
        { index: 0, current: 64, fixed: true, weight: 0, floor: 64 },
        { index: 1, current: 1536, fixed: false, weight: 437, floor: 2 },
        { index: 2, current: 256, fixed: false, weight: 64, floor: 2 },
      ],
      512,
    );
    expect([...out!.entries()].sort()).toEqual([
      [0, 64],
      [1, 391],
      [2, 57],
    ]);
  });

  it("a share under its floor is pinned there and the others share the rest: 100 by 1 : 99, floors 20 → 20 / 80", () => {
    const out = distribute(
      [
        { index: 0, current: 0, fixed: false, weight: 1, floor: 20 },
        { index: 1, current: 0, fixed: false, weight: 99, floor: 2 },
      ],
      100,
    );
    expect(out!.get(0)).toBe(20);
    expect(out!.get(1)).toBe(80);
  });

  it("floors that do not fit: undefined (the caller makes the task larger)", () => {
    expect(
      distribute(
        [
          { index: 0, current: 256, fixed: true, weight: 0, floor: 256 },
          { index: 1, current: 1024, fixed: false, weight: 700, floor: 700 },
        ],
        800,
      ),
    ).toBeUndefined();
  });
});

describe("sizeContainers", () => {
  const td: TaskDefinition = taskDef("api:1", {
    cpu: 1024,
    memory: 2048,
    containers: [
      { name: "app", cpu: 768, memory: 1792, memoryReservation: 1024, essential: true },
      { name: "sidecar", cpu: 256, memoryReservation: 256, essential: true },
    ],
  });

  it("app measured, sidecar not: app cpu 200 ÷ 0.8 = 250; memory peak 600 ÷ 0.8 = 750 limit, reservation 750 × 1024/1792 = 429; sidecar kept", () => {
    const { advice, minTask } = sizeContainers({
      td,
      current: { cpu: 1024, memory: 2048 },
      recommended: { cpu: 512, memory: 1024 },
      usage: [usage("app", 200, 600)],
      policy: DEFAULT_POLICY,
    });
    expect(minTask).toEqual({ cpu: 512, memory: 1024 });
    expect(advice!.basis).toBe("container-metrics");
    const [app, sidecar] = advice!.containers;
    expect(app!.basis).toBe("measured");
    expect(app!.observed).toEqual({ cpuUnits: 200, memoryPeakMiB: 600, memoryNeedMiB: 750 });
    expect(app!.recommended).toEqual({ cpu: 250, memory: 750, memoryReservation: 429 });
    expect(sidecar!.basis).toBe("unmeasured");
    expect(sidecar!.recommended).toEqual({ cpu: 256, memory: null, memoryReservation: 256 });
    expect(sidecar!.changed).toBe(false);
    expect(advice!.message).toMatch(/sidecar has no metrics of its own and keeps its values/);
    // Fits the task: 250 + 256 ≤ 512 cpu, 429 + 256 ≤ 1024 MiB reserved, the limit 750 ≤ 1024 and ≥ the peak 600.
  });

  it("no container metrics: every value scaled with the task (×0.5): 512/128 → 256/64 cpu, 1024/256 → 512/128 MiB", () => {
    const { advice } = sizeContainers({
      td: taskDef("w:1", {
        cpu: 1024,
        memory: 2048,
        containers: [
          { name: "app", cpu: 512, memory: 1024 },
          { name: "log", cpu: 128, memory: 256 },
        ],
      }),
      current: { cpu: 1024, memory: 2048 },
      recommended: { cpu: 512, memory: 1024 },
      usage: undefined,
      policy: DEFAULT_POLICY,
    });
    expect(advice!.basis).toBe("scaled-with-task");
    expect(advice!.containers.map((c) => c.recommended)).toEqual([
      { cpu: 256, memory: 512, memoryReservation: null },
      { cpu: 64, memory: 128, memoryReservation: null },
    ]);
    expect(advice!.message).toMatch(/scaled with the task \(cpu ×0\.50, memory ×0\.50\); their own peaks are unknown/);
  });

  it("containers that set nothing and have no metrics: no container advice", () => {
    const { advice } = sizeContainers({
      td: taskDef("x:1", { cpu: 512, memory: 1024 }),
      current: { cpu: 512, memory: 1024 },
      recommended: { cpu: 256, memory: 512 },
      usage: undefined,
      policy: DEFAULT_POLICY,
    });
    expect(advice).toBeNull();
  });
});

describe("a task is never sized below its containers' sum", () => {
  // EC2, container-level sizes only: the task reserves app 1024 (hard) + sidecar 256 (soft) = 1280 MiB, 256 + 16 = 272 cpu.
  // Task metrics: memory 50 % (640 MiB) → need 800 → 800 (32 MiB steps); cpu 40 % (108.8) → need 136.
  // App's own: memory peak 560 → need 700; the sidecar has no metrics and keeps 256: 956 > 800 → the task gets 960.
  const s = snapshot({
    services: [
      service("gw", {
        launchType: "EC2",
        utilization: { ...util({ cpu: 40, memory: 50 }), containers: [usage("app", 90, 560)] },
      }),
    ],
    taskDefinitions: [
      taskDef("gw:1", {
        containers: [
          { name: "app", cpu: 256, memory: 1024, essential: true },
          { name: "sidecar", cpu: 16, memoryReservation: 256, essential: true },
        ],
      }),
    ],
  });
  const f = advise({
    snapshot: s,
    prices: PRICES,
    policy: DEFAULT_POLICY,
    generatedAt: "2026-11-16T00:00:00Z",
    sourceKind: "snapshot",
    toolVersion: "test",
  }).services[0]!;

  it("the task is raised to 960 MiB, with the reason", () => {
    expect(f.recommended).toMatchObject({ cpu: 136, memory: 960 });
    expect(f.reasons.find((r) => r.code === "containers-need-more")?.message).toBe(
      "the containers' own needs (136 cpu / 956 MiB together) do not fit 136 cpu / 800 MiB: the task is sized to 136 cpu / 960 MiB so no container goes below its peak",
    );
  });

  it("the containers add up to the task: cpu 120 + 16 = 136, memory 704 + 256 = 960; app's limit 704 ≥ its need 700", () => {
    const [app, sidecar] = f.containers!.containers;
    expect(app!.recommended).toEqual({ cpu: 120, memory: 704, memoryReservation: null });
    expect(sidecar!.recommended).toEqual({ cpu: 16, memory: null, memoryReservation: 256 });
  });
});

describe("the demo fleet's containers", () => {
  const report = demoReport();
  const withContainers = report.services.filter(
    (s): s is ServiceFinding & { containers: NonNullable<ServiceFinding["containers"]> } => !!s.containers,
  );

  it("cart-api (Fargate, 512 / 2048): app and envoy from their own metrics, datadog-agent unmeasured", () => {
    const cart = withContainers.find((s) => s.service === "cart-api")!;
    const byName = Object.fromEntries(cart.containers.containers.map((c) => [c.name, c]));
    // app: peak 910.4 MiB ÷ 0.8 = 1138 (limit); reservation 1138 × 6144/7680 = 910.4 → 911; cpu p95 198.1 ÷ 0.8 = 247.6 → 248.
    expect(byName.app!.observed).toEqual({ cpuUnits: 198.1, memoryPeakMiB: 910.4, memoryNeedMiB: 1138 });
    expect(byName.app!.recommended).toEqual({ cpu: 248, memory: 1138, memoryReservation: 911 });
    // envoy: peak 139.7 ÷ 0.8 = 174.6 → 175; reservation 175 × 512/1024 = 87.5 → 88; cpu 29.8 ÷ 0.8 = 37.25 → 38.
    expect(byName.envoy!.recommended).toEqual({ cpu: 38, memory: 175, memoryReservation: 88 });
    expect(byName["datadog-agent"]!.basis).toBe("unmeasured");
    expect(byName["datadog-agent"]!.recommended).toEqual({ cpu: 64, memory: 512, memoryReservation: 256 });
  });

  it("every service: containers fit the task, no hard limit below a measured container's peak plus headroom", () => {
    expect(withContainers.map((s) => s.service).sort()).toEqual(["api-gateway", "cart-api", "graph-service"]);
    for (const s of withContainers) {
      const rec = s.recommended!;
      const cs = s.containers.containers;
      const cpuSum = cs.reduce((a, c) => a + (c.recommended.cpu ?? 0), 0);
      const reserveSum = cs.reduce((a, c) => a + (c.recommended.memoryReservation ?? c.recommended.memory ?? 0), 0);
      const containerLevel = s.cluster === "core-ec2"; // the demo's EC2 task definitions size only their containers
      if (containerLevel) {
        expect(cpuSum, s.service).toBe(rec.cpu);
        expect(reserveSum, s.service).toBe(rec.memory);
      } else {
        expect(cpuSum, s.service).toBeLessThanOrEqual(rec.cpu);
        expect(reserveSum, s.service).toBeLessThanOrEqual(rec.memory);
      }
      for (const c of cs) {
        const limit = c.recommended.memory;
        if (limit !== null && c.observed?.memoryPeakMiB != null) {
          expect(limit, `${s.service}/${c.name}`).toBeGreaterThanOrEqual(c.observed.memoryPeakMiB / 0.8 - 1e-9);
        }
        if (limit !== null && c.recommended.memoryReservation !== null) expect(limit).toBeGreaterThan(c.recommended.memoryReservation);
        if (limit !== null && !containerLevel) expect(limit).toBeLessThanOrEqual(rec.memory);
      }
    }
  });
});
