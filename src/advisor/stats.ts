// Small statistics over series that use NaN for a missing datapoint.

/** Values that are present (not NaN), copied into a new array. */
export function present(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) out[j++] = v;
  }
  return out;
}

// One working buffer for the percentile copies: a 10,000-service estate would otherwise allocate (and
// garbage-collect) a fresh typed array per series. Safe because nothing here is re-entered mid-use.
let scratch = new Float64Array(4096);

/** The present values copied into the shared working buffer (valid until the next call). */
function presentScratch(values: ArrayLike<number>): Float64Array {
  if (scratch.length < values.length) scratch = new Float64Array(Math.max(values.length, scratch.length * 2));
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) scratch[j++] = v;
  }
  return scratch.subarray(0, j);
}

/**
 * Nearest-rank percentile: the smallest value such that at least p % of the values are ≤ it.
 * A value that really occurred, so "p95 = 41 %" reads as "95 % of periods were at or below 41 %".
 * p = 100 is the maximum. Returns NaN when there are no values.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (p >= 100) return max(values);
  const xs = presentScratch(values);
  if (xs.length === 0) return Number.NaN;
  const rank = p <= 0 ? 1 : Math.ceil((p / 100) * xs.length);
  return select(xs, Math.max(0, rank - 1));
}

/**
 * Several nearest-rank percentiles at once: one copy, then quickselects over ranges that shrink as the
 * ranks rise (everything left of a found rank is no larger), so ten percentiles cost about two passes.
 */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const xs = presentScratch(values);
  const out = new Array<number>(ps.length).fill(Number.NaN);
  if (xs.length === 0) return out;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  let lo = 0;
  for (const { p, i } of order) {
    const k = p >= 100 ? xs.length - 1 : Math.max(0, (p <= 0 ? 1 : Math.ceil((p / 100) * xs.length)) - 1);
    out[i] = select(xs, k, lo);
    lo = k;
  }
  return out;
}

/** The k-th smallest value (0-based) of xs[lo..], by quickselect: O(n), reorders xs. */
export function select(xs: Float64Array, k: number, from = 0): number {
  let lo = from;
  let hi = xs.length - 1;
  while (hi > lo) {
    const pivot = xs[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        xs[i] = xs[j]!;
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k]!;
  }
  return xs[k]!;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : sum / n;
}

export function max(values: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > m) m = v;
  }
  return m === Number.NEGATIVE_INFINITY ? Number.NaN : m;
}

export function min(values: ArrayLike<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < m) m = v;
  }
  return m === Number.POSITIVE_INFINITY ? Number.NaN : m;
}

export function countPresent(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  return n;
}

export function firstPresentIndex(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) return i;
  return -1;
}

export interface LinearFit {
  slope: number;
  intercept: number;
  r2: number;
  n: number;
}

/**
 * Least-squares line through the present points of ys[from..to), with x = (i − from) × xStep
 * (NaN ys skipped).
 */
export function linearFit(ys: ArrayLike<number>, from = 0, to = ys.length, xStep = 1): LinearFit {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = from; i < to; i++) {
    const y = ys[i]!;
    if (Number.isNaN(y)) continue;
    const x = (i - from) * xStep;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  if (n < 2) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, n };
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  const cxy = sxy - (sx * sy) / n;
  if (vx === 0) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, n };
  const slope = cxy / vx;
  const intercept = (sy - slope * sx) / n;
  const r2 = vy === 0 ? 1 : (cxy * cxy) / (vx * vy);
  return { slope, intercept, r2, n };
}
