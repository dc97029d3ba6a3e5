import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    environment: "node",
    // Tests run in forks: some start servers or the built CLI, and none may share mutable state.
    pool: "forks",
    // Vitest's default is one worker fewer than the CPUs (one, on a 2-core machine). Many test files wait on
    // a browser, moto or a child process more than they compute, so use every CPU.
    maxWorkers: Math.max(2, availableParallelism()),
    // A hang fails its test instead of stalling the run: every test, hook and teardown has a deadline.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
  },
});
