// The AWS SDK v3 clients, built once per run: the standard credential chain (env, profile, SSO, instance
// role), --profile and --region, --endpoint-url for emulators, adaptive retry for throttling, timeouts.
// Every call goes through `Aws.call`, which counts it by IAM action and turns failures into AwsCallErrors.
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { PricingClient } from "@aws-sdk/client-pricing";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from "@smithy/types";
import { UserError } from "../../errors.js";
import { classify, type AwsFailure } from "./errors.js";
import { Pacer, type Quota, type QuotaGroup, quotasWith } from "./limits.js";
import { REGION } from "./targets.js";

export interface ClientOptions {
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  /** Attempts per call, including the first (adaptive retry backs off on throttling). */
  maxAttempts?: number | undefined;
  /** How failed calls are retried (tests use a fast one); otherwise adaptive retry with maxAttempts. */
  retryStrategy?: RetryStrategyV2 | undefined;
  /** Static credentials (tests against emulators), or a provider (an assumed role's); otherwise the standard chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  /** A request that has not been answered in this long fails (and is retried): default 60 s. */
  requestTimeoutMs?: number | undefined;
  /** Where the SDK's own warnings go (a stalled socket, a timeout): never raw to stderr. */
  onWarning?: ((message: string) => void) | undefined;
  /** Request quotas to pace on instead of AWS's (tests and the benchmark scale them; see API_QUOTAS). */
  quotas?: Partial<Record<QuotaGroup, Quota>> | undefined;
}

/** Attempts for a throttled call (with adaptive back-off); an emulator's other failures get ENDPOINT_ATTEMPTS. */
export const THROTTLED_ATTEMPTS = 8;
export const ENDPOINT_ATTEMPTS = 3;

/**
 * With --endpoint-url, throttling is still retried patiently (no data lost under heavy throttling), but an
 * emulator answering 500 for an API it lacks, or refusing connections, is given up after ENDPOINT_ATTEMPTS
 * instead of half a minute of back-off.
 */
function patient<C extends { config: { retryStrategy: () => Promise<RetryStrategyV2 | unknown> } }>(client: C, opts: ClientOptions): C {
  if (!opts.endpointUrl || opts.maxAttempts !== undefined) return client;
  const original = client.config.retryStrategy;
  client.config.retryStrategy = async () => {
    const inner = (await original()) as RetryStrategyV2;
    return {
      acquireInitialRetryToken: (scope: string) => inner.acquireInitialRetryToken(scope),
      refreshRetryTokenForRetry: async (token, info) => {
        if (info.errorType !== "THROTTLING" && token.getRetryCount() + 1 >= ENDPOINT_ATTEMPTS) throw new Error("no more attempts");
        return inner.refreshRetryTokenForRetry(token, info);
      },
      recordSuccess: (token) => inner.recordSuccess(token),
    } satisfies RetryStrategyV2;
  };
  return client;
}

/** Connection and request timeouts: a server that never answers costs one timeout per attempt, never the run. */
export const CONNECTION_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 60_000;

export class AwsCallError extends Error {
  constructor(
    readonly failure: AwsFailure,
    cause: unknown,
  ) {
    super(`${failure.action}: ${failure.message}`, { cause });
    this.name = "AwsCallError";
  }
}

export class Aws {
  /** Calls made, by IAM action ("ecs:DescribeServices" → 12): what the benchmark and tests read. */
  readonly calls = new Map<string, number>();
  /** Called after every call with its action, milliseconds and outcome (--debug prints these). */
  trace: ((action: string, ms: number, outcome: string) => void) | undefined;

  constructor(
    readonly ecs: ECSClient,
    readonly cloudwatch: CloudWatchClient,
    readonly pricing: PricingClient,
    readonly autoscaling: ApplicationAutoScalingClient,
    readonly region: string,
    readonly endpoint: string | undefined,
    /** Each action waits for its quota group's bucket (ECS, Application Auto Scaling, Price List). */
    readonly pacer: Pacer = new Pacer(),
  ) {}

  private closed = false;
  /** Called when the run ends (other waits to cancel, e.g. GetMetricData's own buckets). */
  readonly onClose: Array<() => void> = [];

  /** Make one call when its quota allows, counted under its IAM action; a failure becomes an AwsCallError with its kind. */
  async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    await this.pacer.acquire(action);
    // Once the run has ended (a fatal error, or done), work still queued makes no more calls.
    if (this.closed) throw new AwsCallError({ kind: "other", action, message: "the run has ended" }, undefined);
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    const t0 = performance.now();
    try {
      const out = await fn();
      this.trace?.(action, performance.now() - t0, "ok");
      return out;
    } catch (e) {
      const failure = classify(e, action);
      this.trace?.(action, performance.now() - t0, `${failure.kind}: ${failure.message}`);
      throw new AwsCallError(failure, e);
    }
  }

  /** End the run: queued calls fail at once instead of waiting for their quota, and the clients close. */
  destroy(): void {
    this.closed = true;
    this.pacer.cancel();
    for (const f of this.onClose.splice(0)) f();
    for (const c of [this.ecs, this.cloudwatch, this.pricing, this.autoscaling]) c.destroy();
  }
}

/** The shared part of every client's configuration: credentials, profile, retries, timeouts, the SDK's logger. */
export function clientConfig(opts: ClientOptions) {
  // The SDK's notice that its 2027 releases need Node 22 is about the SDK's future, not this run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  if (opts.region !== undefined && !REGION.test(opts.region)) {
    throw new UserError(`--region ${opts.region} is not an AWS region name`, "use a region such as us-east-1 or eu-west-1");
  }
  if (opts.endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(opts.endpointUrl)) {
    throw new UserError(`--endpoint-url ${opts.endpointUrl} is not an http(s) URL`, "e.g. --endpoint-url http://127.0.0.1:5000");
  }
  // The SDK's warnings (e.g. "socket usage at capacity") go through the tool's own warning path, once each.
  const said = new Set<string>();
  const warn = (...args: unknown[]) => {
    // The clients also log each failed operation as an object: those failures reach the run as errors already.
    if (args.some((a) => typeof a !== "string")) return;
    const text = args
      .map(String)
      .join(" ")
      .split("\n")[0]!
      .replace(/^@smithy\/[\w-]+\s*[-:]\s*(\[\w+\]\s*)?/, "");
    if (said.has(text)) return;
    said.add(text);
    opts.onWarning?.(text);
  };
  const logger = { trace: () => {}, debug: () => {}, info: () => {}, warn, error: warn };
  const common = {
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    retryMode: "adaptive",
    // Real AWS gets patient adaptive retries; an emulator (--endpoint-url) answering 500 for an API it
    // lacks should not cost half a minute of back-off.
    maxAttempts: opts.maxAttempts ?? THROTTLED_ATTEMPTS,
    ...(opts.retryStrategy ? { retryStrategy: opts.retryStrategy } : {}),
    // requestTimeout alone only logs in this SDK: throwOnRequestTimeout makes it an error the retry
    // strategy retries (a TimeoutError is transient); socketTimeout also ends a socket that goes silent.
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      socketTimeout: opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      logger,
    },
    logger,
    customUserAgent: "ecs-advisor",
  };
  return common;
}

export async function makeAws(opts: ClientOptions): Promise<Aws> {
  const common = clientConfig(opts);
  const endpoint = opts.endpointUrl ? { endpoint: opts.endpointUrl } : {};
  const ecs = patient(new ECSClient({ ...common, ...endpoint }), opts);
  let region: string;
  try {
    region = await ecs.config.region();
  } catch {
    region = "";
  }
  if (!region) {
    ecs.destroy();
    throw new UserError(
      "no AWS region: none given and none in the environment or AWS config",
      "pass --region (e.g. --region eu-west-1), or set AWS_REGION, or a region in the profile",
    );
  }
  if (!REGION.test(region)) {
    ecs.destroy();
    throw new UserError(`the configured region "${region}" is not an AWS region name`, "pass --region with a valid region");
  }
  const withRegion = { ...common, region };
  return new Aws(
    ecs,
    patient(new CloudWatchClient({ ...withRegion, ...endpoint }), opts),
    // The Price List API lives in us-east-1 (and eu-central-1, ap-south-1) whatever region is analysed.
    patient(new PricingClient({ ...common, region: "us-east-1", ...endpoint }), opts),
    patient(new ApplicationAutoScalingClient({ ...withRegion, ...endpoint }), opts),
    region,
    opts.endpointUrl,
    new Pacer(quotasWith(opts.quotas)),
  );
}
