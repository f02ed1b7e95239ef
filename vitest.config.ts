import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    pool: "forks",
    // Most tests wait on sockets, child processes and timers, not the CPU: three forks on two cores
    // keep the suite within a few minutes (one fork took about 17).
    maxWorkers: 3,
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
