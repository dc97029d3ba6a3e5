// Option value parsers: each turns a bad value into one line saying which option and what it takes.
import { InvalidArgumentError } from "commander";

export function percent(name: string, opts: { min?: number; max?: number } = {}) {
  const min = opts.min ?? 0;
  const max = opts.max ?? 100;
  return (value: string): number => {
    const n = Number(value.replace(/%$/, ""));
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
    const n = Number(value);
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
