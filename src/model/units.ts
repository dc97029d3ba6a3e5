// Units ECS uses, and the Fargate task sizes it accepts.
// CPU is in ECS "cpu units" (1024 = 1 vCPU); memory is in MiB (ECS writes "1 GB" for 1024 MiB).

export const CPU_UNITS_PER_VCPU = 1024;
export const MIB_PER_GIB = 1024;
/** AWS prices by the hour; a month is 730 hours in every AWS calculator (8,760 h ÷ 12). */
export const HOURS_PER_MONTH = 730;

export type CpuArchitecture = "X86_64" | "ARM64";

export interface FargateSize {
  cpu: number;
  memory: number;
  /** Windows containers on Fargate need at least 1 vCPU and stop at 4 vCPU. */
  windows: boolean;
  /** 32 vCPU is in the current ECS guide but not yet in the SDK's API text (aws-facts §1.1). */
  newest: boolean;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

const FARGATE_MEMORY_BY_CPU: ReadonlyArray<readonly [number, readonly number[]]> = [
  [256, [512, 1024, 2048]],
  [512, [1024, 2048, 3072, 4096]],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
  [32768, [61440, 122880, 249856]],
];

/** Every valid Fargate (cpu, memory) pair, smallest first (aws-facts §1.1; 74 pairs to 16 vCPU, plus 3 at 32 vCPU). */
export const FARGATE_SIZES: readonly FargateSize[] = FARGATE_MEMORY_BY_CPU.flatMap(([cpu, mems]) =>
  mems.map((memory) => ({
    cpu,
    memory,
    windows: cpu >= 1024 && cpu <= 4096,
    newest: cpu === 32768,
  })),
);

export const FARGATE_CPU_VALUES: readonly number[] = FARGATE_MEMORY_BY_CPU.map(([cpu]) => cpu);

export function isValidFargateSize(cpu: number, memory: number, opts: { windows?: boolean } = {}): boolean {
  return FARGATE_SIZES.some((s) => s.cpu === cpu && s.memory === memory && (!opts.windows || s.windows));
}

export function fargateMemoryChoices(cpu: number): readonly number[] {
  return FARGATE_MEMORY_BY_CPU.find(([c]) => c === cpu)?.[1] ?? [];
}

export const vcpuOf = (cpuUnits: number): number => cpuUnits / CPU_UNITS_PER_VCPU;
export const gibOf = (mib: number): number => mib / MIB_PER_GIB;

export function isWindowsFamily(os: string | undefined): boolean {
  return (os ?? "").toUpperCase().startsWith("WINDOWS");
}

/**
 * The forms ECS's RegisterTaskDefinition documents for task-level sizes: cpu "as an integer using CPU units
 * (for example, 1024) or as a string using vCPUs (for example, 1 vCPU or 1 vcpu)"; memory "as an integer
 * using MiB (for example, 1024) or as a string using GB (for example, 1GB or 1 GB)". Case and spaces are
 * free; a decimal may start with its point (".25 vcpu", ".5 gb"); a plain number is a whole number of
 * units or MiB. Other suffixes (MiB, GiB, MB) are not in the documented forms and are refused.
 */
const DECIMAL = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const CPU_FORM = new RegExp(String.raw`^\s*(?:(\d+)|${DECIMAL}\s*vcpus?)\s*$`, "i");
const MEMORY_FORM = new RegExp(String.raw`^\s*(?:(\d+)|${DECIMAL}\s*gb)\s*$`, "i");

/**
 * Parse a cpu value the way ECS accepts it: a whole number of units ("1024", 1024) or vCPUs ("1 vCPU",
 * "0.25 vcpu", ".25 VCPU"). Returns undefined for anything else; callers turn that into a message naming their input.
 */
export function parseCpuUnits(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = CPU_FORM.exec(value);
  if (!m) return undefined;
  const units = m[1] !== undefined ? Number(m[1]) : Math.round(Number(m[2]) * CPU_UNITS_PER_VCPU);
  return units > 0 ? units : undefined;
}

/** Parse memory the way ECS accepts it: whole MiB ("2048", 2048) or GB ("2GB", "2 gb", ".5 GB"; ECS's GB is 1024 MiB). */
export function parseMemoryMiB(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = MEMORY_FORM.exec(value);
  if (!m) return undefined;
  const mib = m[1] !== undefined ? Number(m[1]) : Math.round(Number(m[2]) * MIB_PER_GIB);
  return mib > 0 ? mib : undefined;
}
