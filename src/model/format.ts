// The one place numbers become text: advisor messages, the table, and every later format use these,
// so "$1,234.56/mo" and "512 units" look the same everywhere.

/** "1,234.56" (no Intl: its start-up costs ~30 ms, and the output must not depend on the locale). */
function groupThousands(abs: number): string {
  const [whole, frac] = abs.toFixed(2).split(".") as [string, string];
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
}
const usdFormat = { format: (x: number): string => `${x < 0 ? "-" : ""}$${groupThousands(Math.abs(x))}` };

/** Round to cents the way every output does (half away from zero, on the cent). */
export function roundCents(usd: number): number {
  return (Math.sign(usd) * Math.round((Math.abs(usd) + Number.EPSILON) * 100)) / 100;
}

/** "$1,234.56"; negative as "-$12.00". */
export function fmtUsd(usd: number): string {
  return usdFormat.format(roundCents(usd) === 0 ? 0 : roundCents(usd));
}

/** A change in dollars with its sign: "+$42.10", "-$7.00", "$0.00". */
export function fmtUsdDelta(usd: number): string {
  const r = roundCents(usd);
  if (r === 0) return "$0.00";
  return (r > 0 ? "+" : "-") + usdFormat.format(Math.abs(r));
}

export const fmtUsdMonthly = (usd: number): string => `${fmtUsd(usd)}/mo`;

/** "14%", "0.5%", "140%": one decimal below 10, whole numbers above. */
export function fmtPct(pct: number): string {
  if (!Number.isFinite(pct)) return "n/a";
  const a = Math.abs(pct);
  return `${a > 0 && a < 10 ? (Math.round(pct * 10) / 10).toString() : Math.round(pct).toString()}%`;
}

/** CPU units as ECS writes them: "512 units"; fractions kept to 2 places ("682.67 units"). */
export function fmtCpu(units: number, opts: { unit?: boolean } = {}): string {
  const n = Number.isInteger(units) ? units.toString() : (Math.round(units * 100) / 100).toString();
  return opts.unit === false ? n : `${n} units`;
}

export function fmtMiB(mib: number, opts: { unit?: boolean } = {}): string {
  const n = Number.isInteger(mib) ? mib.toString() : Math.round(mib).toString();
  return opts.unit === false ? n : `${n} MiB`;
}

/** "1.5 vCPU" for a number of units. */
export function fmtVcpu(units: number): string {
  return `${Math.round((units / 1024) * 1000) / 1000} vCPU`;
}

export function fmtHours(hours: number): string {
  if (hours < 48) return `${Math.round(hours)} h`;
  const days = hours / 24;
  return `${Math.round(days * 10) / 10} days`;
}

/** "2026-11-18 14:02 UTC" */
export function fmtTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

export function fmtDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

export function fmtTasks(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** An hourly rate keeps its precision: "$0.04937/h" (AWS prices carry up to 4–6 decimals). */
export function fmtUsdHourly(usd: number): string {
  const digits = usd >= 1 ? 2 : usd >= 0.01 ? 5 : 7;
  return `$${Number(usd.toFixed(digits)).toString()}/h`;
}
