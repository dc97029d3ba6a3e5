import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

const common = {
  environment: "node",
  // Forks, not threads: tests start servers and child processes, and send signals.
  pool: "forks",
  // A hang fails its test instead of stalling the run: every test, hook and teardown has a deadline.
  testTimeout: 30_000,
  hookTimeout: 60_000,
  teardownTimeout: 10_000,
} as const;

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the CPUs (one, on a 2-core machine). Many test files wait on
    // a browser, moto or a child process more than they compute, so use every CPU.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        // The test files a worker runs share its module cache (the SDK, zod schemas, the demo fleet are
        // loaded once per worker, not once per file: a fifth of the suite's time). What is shared is
        // frozen (src/freeze.ts), so no test can change what another sees.
        test: { ...common, name: "shared", include: ["test/**/*.test.{ts,tsx}"], exclude: ["test/cli/startup.test.ts"], isolate: false },
      },
      {
        // Start-up checks which modules a run loads: it needs a module cache of its own.
        test: { ...common, name: "isolated", include: ["test/cli/startup.test.ts"] },
      },
    ],
  },
});
