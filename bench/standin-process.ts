// The loopback stand-in as its own process, for benchmarks: prints its URL, serves until killed.
//   tsx bench/standin-process.ts SERVICES NOW_MS [LATENCY_MIN LATENCY_MAX [TPS [DPS [ECS_BURST ECS_PER_SECOND]]]]
//   tsx bench/standin-process.ts fleet:ACCOUNTS SERVICES NOW_MS …   # ACCOUNTS accounts in us-east-1, each its own quotas
import { syntheticEstate } from "../test/standin/estate.js";
import { type StandinOptions, startStandin, startStandinFleet } from "../test/standin/server.js";

const [first = "100", ...rest] = process.argv.slice(2);
const fleet = first.startsWith("fleet:") ? Number(first.slice(6)) : 0;
const [services = "100", now = String(Date.now()), lo = "20", hi = "50", tps = "50", dps, ecsBurst, ecsRate] = fleet
  ? rest
  : [first, ...rest];
const opts: StandinOptions = {
  latencyMs: [Number(lo), Number(hi)],
  cloudwatchTps: Number(tps),
  latencyPerThousandPoints: 0.1,
  ...(dps ? { cloudwatchDps: Number(dps) } : {}),
  ...(ecsBurst && ecsRate ? { ecsBuckets: { burst: Number(ecsBurst), perSecond: Number(ecsRate) } } : {}),
};
/** The fleet's accounts: 100000000001, 100000000002, … (bench/collect.ts names them the same way). */
const fleetAccount = (i: number) => String(100_000_000_001 + i);
const standin = fleet
  ? await startStandinFleet(
      Array.from({ length: fleet }, (_, i) => ({
        estate: { ...syntheticEstate(Number(services), Number(now)), accountId: fleetAccount(i) },
        opts,
      })),
      { baseAccount: "999999999999" },
    )
  : await startStandin(syntheticEstate(Number(services), Number(now)), opts);
process.stdout.write(`${standin.url}\n`);
process.on("SIGTERM", () => void standin.stop().then(() => process.exit(0)));
