import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveSecretsOnce, secretResolver } from "../../src/config/resolve-secrets-once.ts";

describe("resolveSecretsOnce", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "emi-secrets-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads each reference once for the run, and again in a new run", async () => {
    await writeFile(join(dir, "key.txt"), "first-key\n");
    const run = resolveSecretsOnce({ env: {}, cwd: dir });
    expect(await run("file:key.txt")).toEqual({ ok: true, value: "first-key" });
    await writeFile(join(dir, "key.txt"), "rotated-key\n");
    expect(await run("file:key.txt")).toEqual({ ok: true, value: "first-key" });
    expect(await resolveSecretsOnce({ env: {}, cwd: dir })("file:key.txt")).toEqual({
      ok: true,
      value: "rotated-key",
    });
  });

  it("answers null for a missing secret, and keeps the run's resolver when given one", async () => {
    const run = resolveSecretsOnce({ env: { ACTITO_SET: " k " }, cwd: dir });
    expect(await run("env:ACTITO_MISSING")).toMatchObject({ ok: false, reason: "unset" });
    expect(await run("env:ACTITO_SET")).toEqual({ ok: true, value: "k" });
    expect(secretResolver(run)).toBe(run);
    expect(await secretResolver({ env: { ACTITO_SET: "v" }, cwd: dir })("env:ACTITO_SET")).toEqual({
      ok: true,
      value: "v",
    });
  });
});
