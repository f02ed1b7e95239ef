import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    pool: "forks",
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/store-key-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
