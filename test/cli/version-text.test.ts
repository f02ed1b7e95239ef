import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "./capture-io.ts";

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
  version: string;
};

describe("emi --version", () => {
  it.each([["--version"], ["-V"]])(
    "prints the version, the commit and Node's version for %s",
    async (flag) => {
      const io = captureIO();
      expect(await main(["node", "emi", flag], io)).toBe(0);
      expect(version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
      expect(io.out()).toBe(
        `emi ${version} (commit ${/\(commit ([^)]+)\)/.exec(io.out())?.[1]}) node ${process.version}\n`,
      );
      // Run from the sources of a git checkout, the commit is git's HEAD.
      expect(io.out()).toMatch(/\(commit [0-9a-f]{40}(-dirty)?\)/);
    },
  );
});
