import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    environment: "node",
    testTimeout: 30_000,
    // Tests run in forks: some spawn the built CLI, and none may share mutable state.
    pool: "forks",
  },
});
