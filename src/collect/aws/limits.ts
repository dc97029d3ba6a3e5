// Pacing: token buckets for per-second quotas (GetMetricData: 50 TPS and 396,000 datapoints a second per
// region; ECS's per-group request buckets; Application Auto Scaling and the Price List) and a concurrency cap.

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

  private cancelled = false;

  /** Wait for `cost` tokens (a request: 1; a GetMetricData call: its datapoints), first come first served. */
  acquire(cost = 1): Promise<void> {
    if (this.cancelled) return Promise.resolve();
    return new Promise((resolve) => {
      // A cost above the bucket could never be paid: it takes the whole bucket.
      this.queue.push({ cost: Math.min(cost, this.burst), resolve });
      this.drain();
    });
  }

  /** The run is over: every waiter goes on at once (to find the run closed), and no timer is left behind. */
  cancel(): void {
    this.cancelled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.queue.splice(0)) w.resolve();
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

/** A per-second request quota: `perSecond` sustained (the bucket's refill), `burst` at once (its size). */
export interface Quota {
  perSecond: number;
  burst: number;
}

/** Stay at this share of every quota: the account's other callers (console, deploy tools, alarms) share it. */
export const API_QUOTA_SHARE = 0.9;
/**
 * And use at most this share of a bucket at once: requests paced apart can still reach AWS together (new
 * connections, a busy event loop), and the half left over absorbs that.
 */
export const API_BURST_SHARE = 0.5;

/**
 * The request quotas collection is paced on, by group of IAM actions (GetMetricData is paced in metrics.ts,
 * by its calls and its datapoints).
 *
 * ECS throttles per account and region with a token bucket per group of actions (ECS API reference,
 * "Request throttling for the Amazon ECS API"; aws-facts §4.1b). The one figure in our sources is cluster
 * reads: 50 burst, 20 a second. The other read groups' figures are not in our sources (UNVERIFIED), so each
 * is paced as cluster reads are, in its own bucket: if ECS allows more, collection is slower than it could be;
 * if less, adaptive retry backs off. Application Auto Scaling and the Price List publish no per-action rate in
 * our sources either (UNVERIFIED): a handful of calls each, paced at 10 a second.
 */
export const API_QUOTAS = {
  "ecs-cluster-read": { actions: ["ecs:ListClusters", "ecs:DescribeClusters"], quota: { perSecond: 20, burst: 50 } },
  "ecs-capacity-provider-read": { actions: ["ecs:DescribeCapacityProviders"], quota: { perSecond: 20, burst: 50 } },
  "ecs-service-read": { actions: ["ecs:ListServices", "ecs:DescribeServices"], quota: { perSecond: 20, burst: 50 } },
  "ecs-service-deployment-read": {
    actions: ["ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions"],
    quota: { perSecond: 20, burst: 50 },
  },
  "ecs-task-definition-read": { actions: ["ecs:DescribeTaskDefinition"], quota: { perSecond: 20, burst: 50 } },
  "ecs-container-instance-read": {
    actions: ["ecs:ListContainerInstances", "ecs:DescribeContainerInstances"],
    quota: { perSecond: 20, burst: 50 },
  },
  "ecs-task-read": { actions: ["ecs:ListTasks", "ecs:DescribeTasks"], quota: { perSecond: 20, burst: 50 } },
  "application-autoscaling-read": {
    actions: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies"],
    quota: { perSecond: 10, burst: 10 },
  },
  "pricing-read": { actions: ["pricing:GetProducts"], quota: { perSecond: 10, burst: 10 } },
} as const satisfies Record<string, { actions: readonly string[]; quota: Quota }>;

export type QuotaGroup = keyof typeof API_QUOTAS;

const GROUP_OF = new Map<string, QuotaGroup>(
  (Object.entries(API_QUOTAS) as Array<[QuotaGroup, (typeof API_QUOTAS)[QuotaGroup]]>).flatMap(([g, q]) => q.actions.map((a) => [a, g])),
);

export const quotaGroupOf = (action: string): QuotaGroup | undefined => GROUP_OF.get(action);

/** The quota of each group, with any overrides (tests and the benchmark scale them). */
export function quotasWith(overrides: Partial<Record<QuotaGroup, Quota>> = {}): Record<QuotaGroup, Quota> {
  return Object.fromEntries((Object.keys(API_QUOTAS) as QuotaGroup[]).map((g) => [g, overrides[g] ?? API_QUOTAS[g].quota])) as Record<
    QuotaGroup,
    Quota
  >;
}

/** One bucket per quota group, at API_QUOTA_SHARE of its rate and API_BURST_SHARE of its size: `acquire(action)` waits for that action's turn. */
export class Pacer {
  private readonly limiters = new Map<QuotaGroup, RateLimiter>();

  constructor(
    private readonly quotas: Record<QuotaGroup, Quota> = quotasWith(),
    private readonly share = API_QUOTA_SHARE,
  ) {}

  private cancelled = false;

  /** See RateLimiter.cancel. */
  cancel(): void {
    this.cancelled = true;
    for (const l of this.limiters.values()) l.cancel();
  }

  acquire(action: string): Promise<void> {
    const group = quotaGroupOf(action);
    if (!group || this.cancelled) return Promise.resolve();
    let limiter = this.limiters.get(group);
    if (!limiter) {
      const q = this.quotas[group];
      limiter = new RateLimiter(q.perSecond * this.share, Math.max(1, Math.floor(q.burst * API_BURST_SHARE)));
      this.limiters.set(group, limiter);
    }
    return limiter.acquire();
  }
}

/**
 * The least time the request quotas allow for these calls (by IAM action), paced as the Pacer paces: per
 * group, what is over its burst at `share` of the sustained rate; the groups run side by side, so the slowest decides.
 */
export function apiBoundSeconds(
  calls: ReadonlyMap<string, number> | Record<string, number>,
  quotas: Record<QuotaGroup, Quota> = quotasWith(),
  share = API_QUOTA_SHARE,
): { seconds: number; group: QuotaGroup | undefined; calls: number } {
  const byGroup = new Map<QuotaGroup, number>();
  const entries = calls instanceof Map ? [...calls] : Object.entries(calls);
  for (const [action, n] of entries) {
    const g = quotaGroupOf(action);
    if (g) byGroup.set(g, (byGroup.get(g) ?? 0) + n);
  }
  let worst: { seconds: number; group: QuotaGroup | undefined; calls: number } = { seconds: 0, group: undefined, calls: 0 };
  for (const [g, n] of byGroup) {
    const q = quotas[g];
    const seconds = Math.max(0, n - Math.floor(q.burst * API_BURST_SHARE)) / (q.perSecond * share);
    if (seconds > worst.seconds) worst = { seconds, group: g, calls: n };
  }
  return worst;
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
