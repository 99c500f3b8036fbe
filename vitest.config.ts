import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Service tests share PostgreSQL, Redis and Kafka; files run in parallel on 2 cores, tests in a file serially.
    fileParallelism: true,
    maxWorkers: 2,
    env: { TZ: "UTC" },
  },
});
