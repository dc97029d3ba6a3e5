// Hand-built snapshots for advisor tests: small, explicit, every number chosen so the expected answer can
// be worked out on paper.
import { bundledPrices } from "../../src/collect/pricebook.js";
import type { Prices, Service, Snapshot, TaskDefinition, Utilization } from "../../src/model/snapshot.js";

export const END = Date.parse("2026-11-16T00:00:00Z");
export const HOUR = 3_600_000;
export const PERIOD = 300;

/** Exact us-east-1 rates (aws-facts §1.2) so expected dollars are easy to work out by hand. */
export const PRICES: Prices = {
  ...bundledPrices(),
  source: "test prices",
  asOf: "2026-11-01",
  fargate: {
    linuxX86: { vcpuHour: 0.04048, gbHour: 0.004445 },
    linuxArm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
    windowsX86: { vcpuHour: 0.09148, gbHour: 0.01005, osLicenseVcpuHour: 0.046 },
    ephemeralGbHour: 0.000111,
  },
  ec2: {
    "m5.xlarge": { hourly: 0.192, vcpu: 4, memoryMiB: 16384, arch: "x86_64" },
    "c5.2xlarge": { hourly: 0.34, vcpu: 8, memoryMiB: 16384, arch: "x86_64" },
  },
};

export const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

export interface UtilOptions {
  hours?: number;
  cpu: number | ((i: number) => number);
  memory: number | ((i: number) => number);
  tasks?: number | ((i: number) => number);
  /** Periods (from the start) with no data. */
  missing?: (i: number) => boolean;
  /** Average = maximum × this. */
  averageRatio?: number;
}

/** A utilization block ending at END with `hours` of 5-minute periods. */
export function util(o: UtilOptions): Utilization {
  const n = Math.round(((o.hours ?? 14 * 24) * 3600) / PERIOD);
  const at = (v: number | ((i: number) => number), i: number) => (typeof v === "number" ? v : v(i));
  const mk = (f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => (o.missing?.(i) ? Number.NaN : f(i)));
  const ratio = o.averageRatio ?? 0.8;
  return {
    start: iso(END - n * PERIOD * 1000),
    periodSeconds: PERIOD,
    cpuMaximum: mk((i) => at(o.cpu, i)),
    cpuAverage: mk((i) => at(o.cpu, i) * ratio),
    memoryMaximum: mk((i) => at(o.memory, i)),
    memoryAverage: mk((i) => at(o.memory, i) * ratio),
    runningTasks: mk((i) => at(o.tasks ?? 2, i)),
  };
}

export function taskDef(ref: string, fields: Partial<TaskDefinition> = {}): TaskDefinition {
  const [family, revision] = ref.split(":") as [string, string];
  return {
    family,
    revision: Number(revision),
    cpuArchitecture: "X86_64",
    operatingSystemFamily: "LINUX",
    containers: [{ name: "app" }],
    ...fields,
  };
}

export function service(name: string, fields: Partial<Service> = {}): Service {
  return {
    cluster: "c1",
    name,
    launchType: "FARGATE",
    taskDefinition: `${name}:1`,
    desiredCount: 2,
    runningCount: 2,
    deployments: [],
    deploymentHistory: "complete",
    stoppedTasks: [],
    ...fields,
  };
}

export function snapshot(parts: Partial<Snapshot> & Pick<Snapshot, "services" | "taskDefinitions">): Snapshot {
  return {
    schemaVersion: 1,
    collectedAt: iso(END),
    source: { kind: "synthetic", region: "us-east-1" },
    window: { start: iso(END - 14 * 24 * HOUR), end: iso(END), periodSeconds: PERIOD },
    clusters: [],
    containerInstances: [],
    prices: PRICES,
    issues: [],
    ...parts,
  };
}
