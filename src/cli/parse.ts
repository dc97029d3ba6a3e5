// Option value parsers: each turns a bad value into one line saying which option and what it takes.
import { InvalidArgumentError } from "commander";

/** A number as a person writes one (12, 0.5, .5): Number() alone also takes 0x10, 0b11, 1e2 and Infinity. */
const DECIMAL = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/;
const decimal = (value: string): number => (DECIMAL.test(value) ? Number(value) : Number.NaN);

export function percent(name: string, opts: { min?: number; max?: number } = {}) {
  const min = opts.min ?? 0;
  const max = opts.max ?? 100;
  return (value: string): number => {
    const n = decimal(value.replace(/%\s*$/, ""));
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${name} takes a percentage${max === Number.POSITIVE_INFINITY ? ` of at least ${min}` : ` from ${min} to ${max}`}, got ${JSON.stringify(value)}`,
      );
    }
    return n;
  };
}

export function positive(name: string, what: string) {
  return (value: string): number => {
    const n = decimal(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} takes ${what} greater than 0, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

export function oneOf<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    const v = value.toLowerCase() as T;
    if (!choices.includes(v)) {
      throw new InvalidArgumentError(`${name} takes one of ${choices.join(", ")}, got ${JSON.stringify(value)}`);
    }
    return v;
  };
}

/** "14d", "36h", "2w" → seconds; from 1 hour to 455 days (CloudWatch keeps hourly data 15 months). */
export function duration(name: string) {
  return (value: string): number => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$/i.exec(value);
    const unit = m ? { h: 3600, d: 86400, w: 604800 }[m[2]!.toLowerCase() as "h" | "d" | "w"] : undefined;
    const seconds = m && unit ? Math.round(Number(m[1]) * unit) : Number.NaN;
    if (!(seconds >= 3600 && seconds <= 455 * 86400)) {
      throw new InvalidArgumentError(`${name} takes a duration from 1h to 455d such as 14d, 36h or 2w, got ${JSON.stringify(value)}`);
    }
    return seconds;
  };
}

/** A run time: 90s, 10m, 1h (1 second to 24 hours), in seconds. */
export function runTime(name: string) {
  return (value: string): number => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$/i.exec(value);
    const unit = m ? { s: 1, m: 60, h: 3600 }[m[2]!.toLowerCase() as "s" | "m" | "h"] : undefined;
    const seconds = m && unit ? Math.round(Number(m[1]) * unit) : Number.NaN;
    if (!(seconds >= 1 && seconds <= 86_400)) {
      throw new InvalidArgumentError(`${name} takes a time from 1s to 24h such as 90s, 10m or 1h, got ${JSON.stringify(value)}`);
    }
    return seconds;
  };
}

/** Repeatable and comma-separated: --cluster a --cluster b,c → [a, b, c]. */
export function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** An http(s) URL (for links people will open). */
export function httpUrl(name: string) {
  return (value: string): string => {
    let u: URL | undefined;
    try {
      u = new URL(value);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== "https:" && u.protocol !== "http:"))
      throw new InvalidArgumentError(`${name} takes an http(s) URL, got ${JSON.stringify(value)}`);
    return value;
  };
}
