import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const bin = new URL("../../bin/emi.js", import.meta.url).pathname;
const fixtures = new URL("../fixtures/validate/", import.meta.url).pathname;

function emi(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, "validate", ...args], { cwd, encoding: "utf8" });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("emi validate as a process", () => {
  it("exits 0 on valid declarations, 1 on invalid ones, 2 on a missing folder", () => {
    const valid = emi(`${fixtures}valid`);
    expect([valid.code, valid.out]).toEqual([0, "No problems in 2 files.\n"]);

    const invalid = emi(`${fixtures}invalid`, "--format", "json");
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.out)).toMatchObject({ valid: false, files: 5 });

    const missing = emi(`${fixtures}valid`, "--dir", "nowhere");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('"nowhere" does not exist');
  });
});
