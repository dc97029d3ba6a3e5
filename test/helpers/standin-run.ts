// The loopback stand-in for collection tests: an estate, a stand-in serving it, and a collection against it
// (test/collect/standin*.test.ts). Each file that uses it gets its own stand-in, stopped after every test.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { afterEach } from "vitest";
import { collectSnapshot, type CollectOptions } from "../../src/collect/aws/collect.js";
import { API_QUOTAS } from "../../src/collect/aws/limits.js";
import { syntheticEstate } from "../standin/estate.js";
import { startStandin, type Standin, type StandinOptions } from "../standin/server.js";

export const NOW = Date.parse("2026-11-20T12:00:00Z");
export const DAY = 86_400;
/** Two weeks of one-minute data: the default lookback, and what the call counts are worked out for. */
export const FULL = { lookbackSeconds: 14 * DAY };
/** A week: every deployment in the estate (2 to 6 days old) is inside it. */
export const WEEK = { lookbackSeconds: 7 * DAY };

/** Request quotas no test reaches: the collector's ECS pacing is off unless a test is about it. */
export const UNPACED = Object.fromEntries(Object.keys(API_QUOTAS).map((g) => [g, { burst: 1e9, perSecond: 1e9 }]));

export function standinFixture() {
  const state: { current: Standin | undefined } = { current: undefined };
  afterEach(async () => {
    await state.current?.stop();
    state.current = undefined;
  });
  /**
   * 20 services a cluster (the first Fargate, the next EC2…); no TPS, datapoint or ECS pacing unless a test
   * is about it. Two days of data unless the test asks for more (the same code, in a third of the time).
   */
  async function run(
    services: number,
    standinOpts: StandinOptions = {},
    extra: Partial<CollectOptions> = {},
    maxAttempts = 2,
    shape: (e: ReturnType<typeof syntheticEstate>) => void = () => {},
  ) {
    const estate = syntheticEstate(services, NOW, "us-east-1", 20);
    shape(estate);
    state.current = await startStandin(estate, { cloudwatchTps: 100_000, ...standinOpts });
    const cacheDir = extra.cacheDir ?? mkdtempSync(join(tmpdir(), "ecs-advisor-prices-"));
    const collected = await collectSnapshot({
      lookbackSeconds: 2 * DAY,
      nowMs: NOW,
      toolVersion: "test",
      cacheDir,
      cloudwatchTps: 100_000,
      cloudwatchDps: 1e12,
      ...extra,
      client: {
        region: "us-east-1",
        endpointUrl: state.current.url,
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
        // The SDK's own retry, without its back-off waits: the tests are about what is retried, not when.
        retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 1),
        quotas: UNPACED,
        ...extra.client,
      },
    });
    return { ...collected, cacheDir };
  }
  return {
    run,
    get standin(): Standin {
      return state.current!;
    },
    set standin(s: Standin) {
      state.current = s;
    },
  };
}
