// The loopback stand-in as its own process, for benchmarks: prints its URL, serves until killed.
//   tsx bench/standin-process.ts SERVICES NOW_MS [LATENCY_MIN LATENCY_MAX [TPS [DPS [ECS_BURST ECS_PER_SECOND]]]]
import { syntheticEstate } from "../test/standin/estate.js";
import { startStandin } from "../test/standin/server.js";

const [services = "100", now = String(Date.now()), lo = "20", hi = "50", tps = "50", dps, ecsBurst, ecsRate] = process.argv.slice(2);
const standin = await startStandin(syntheticEstate(Number(services), Number(now)), {
  latencyMs: [Number(lo), Number(hi)],
  cloudwatchTps: Number(tps),
  latencyPerThousandPoints: 0.1,
  ...(dps ? { cloudwatchDps: Number(dps) } : {}),
  ...(ecsBurst && ecsRate ? { ecsBuckets: { burst: Number(ecsBurst), perSecond: Number(ecsRate) } } : {}),
});
process.stdout.write(`${standin.url}\n`);
process.on("SIGTERM", () => void standin.stop().then(() => process.exit(0)));
