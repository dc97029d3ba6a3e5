// Issue #13: 32 vCPU Fargate sizes were offered by default with no switch, and 8/16 vCPU were offered to
// services on platform version 1.3.0, which cannot run them (aws-facts §1.1: Linux PV 1.4.0+ only).
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { DEFAULT_POLICY, resolvePolicy, type Policy } from "../../src/advisor/policy.js";
import type { ServiceFinding } from "../../src/model/report.js";
import type { Service } from "../../src/model/snapshot.js";
import { END, iso, service, snapshot, taskDef, util } from "../helpers/snapshot.js";

function one(cpu: number, memory: number, cpuPct: number, fields: Partial<Service> = {}, policy: Policy = DEFAULT_POLICY): ServiceFinding {
  const s = snapshot({
    services: [service("big", { utilization: util({ cpu: cpuPct, memory: 50 }), ...fields })],
    taskDefinitions: [taskDef("big:1", { cpu, memory })],
  });
  return advise({ snapshot: s, prices: s.prices!, policy, generatedAt: iso(END), sourceKind: "snapshot", toolVersion: "t" }).services[0]!;
}
const reason = (f: ServiceFinding, code: string) => f.reasons.find((r) => r.code === code)?.message;

describe("32 vCPU is opt-in", () => {
  // 16384 / 32768 at a flat 95 %: need = 16384 × 95 % ÷ 80 % = 19,456 units, past 16 vCPU.
  it("by default the largest size offered is 16 vCPU, and the reason names the flag", () => {
    const f = one(16384, 32768, 95);
    expect(f.recommended).toMatchObject({ cpu: 16384 });
    expect(reason(f, "exceeds-fargate-max")).toMatch(/--fargate-32-vcpu/);
    expect(DEFAULT_POLICY.fargate.allow32Vcpu).toBe(false);
  });
  it("with the flag's policy, 32 vCPU / 60 GB", () => {
    const f = one(16384, 32768, 95, {}, resolvePolicy({ fargate: { allow32Vcpu: true } }));
    expect(f.recommended).toMatchObject({ cpu: 32768, memory: 61440 });
    expect(reason(f, "exceeds-fargate-max")).toBeUndefined();
  });
  it("a service that already runs 32 vCPU keeps the 32 vCPU sizes: it evidently has them", () => {
    // 32768 / 61440 at 50 %: need 20,480 units → stays at 32 vCPU, nothing exceeded.
    const f = one(32768, 61440, 50);
    expect(f.recommended?.cpu).toBe(32768);
    expect(reason(f, "exceeds-fargate-max")).toBeUndefined();
  });
});

describe("8 and 16 vCPU need platform version 1.4.0", () => {
  // 4096 / 8192 at a flat 95 %: need = 4096 × 95 % ÷ 80 % = 4,864 units, past 4 vCPU.
  it("on 1.3.0 the largest size is 4 vCPU, and the reason says how to get more", () => {
    const f = one(4096, 8192, 95, { platformVersion: "1.3.0" });
    expect(f.recommended).toMatchObject({ cpu: 4096 });
    expect(reason(f, "exceeds-fargate-max")).toMatch(/platform version 1\.3\.0.*1\.4\.0/);
  });
  it.each(["LATEST", "1.4.0", undefined])("on %s it is 8 vCPU / 16 GB", (pv) => {
    const f = one(4096, 8192, 95, pv ? { platformVersion: pv } : {});
    expect(f.recommended).toMatchObject({ cpu: 8192, memory: 16384 });
    expect(reason(f, "exceeds-fargate-max")).toBeUndefined();
  });
});
