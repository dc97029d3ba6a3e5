// Pacing: token buckets for per-second quotas (GetMetricData: 50 TPS and 396,000 datapoints a second per
// region) and a concurrency cap.

/** The collection budget (--max-duration) when none is given: 10 minutes. Here, not in metrics.ts, so the CLI can show it without loading the AWS SDK. */
export const DEFAULT_MAX_DURATION_SECONDS = 600;

export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Array<{ cost: number; resolve: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  /** `perSecond` tokens a second on average, at most `burst` at once. */
  constructor(
    private readonly perSecond: number,
    private readonly burst = Math.max(1, Math.floor(perSecond / 5)),
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Wait for `cost` tokens (a request: 1; a GetMetricData call: its datapoints), first come first served. */
  acquire(cost = 1): Promise<void> {
    return new Promise((resolve) => {
      // A cost above the bucket could never be paid: it takes the whole bucket.
      this.queue.push({ cost: Math.min(cost, this.burst), resolve });
      this.drain();
    });
  }

  private drain(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    while (this.queue.length > 0 && this.tokens >= this.queue[0]!.cost - 1e-9) {
      const head = this.queue.shift()!;
      this.tokens -= head.cost;
      head.resolve();
    }
    if (this.queue.length > 0 && !this.timer) {
      const wait = Math.max(1, ((this.queue[0]!.cost - this.tokens) / this.perSecond) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
    }
  }
}

/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
