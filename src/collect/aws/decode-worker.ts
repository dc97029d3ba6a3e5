// Worker thread: decodes GetMetricData pages off the main thread (see decode.ts and metrics.ts).
import { parentPort } from "node:worker_threads";
import { decodeMetricPage } from "./decode.js";

interface Job {
  id: number;
  bytes: Uint8Array;
  startMs: number;
  periodMs: number;
  n: number;
}

parentPort?.on("message", (job: Job) => {
  try {
    const page = decodeMetricPage(job.bytes, job.startMs, job.periodMs, job.n);
    parentPort!.postMessage(
      { id: job.id, page },
      page.results.map((r) => r.values.buffer as ArrayBuffer),
    );
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
