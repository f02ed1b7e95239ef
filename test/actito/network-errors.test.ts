import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ActitoUnavailableError } from "../../src/actito/errors.ts";
import { API_KEY, mockActito } from "./mock-actito.ts";

const notFound = () =>
  Object.assign(new Error("getaddrinfo ENOTFOUND api3.actito.com"), { code: "ENOTFOUND" });

describe("network errors", () => {
  it("names the host and EMI_ACTITO_URL, and does not retry a DNS failure", async () => {
    const { pool, client, time } = mockActito();
    pool
      .intercept({ path: "/auth/token", method: "GET", headers: { authorization: API_KEY } })
      .replyWithError(notFound());
    const error = await client.checkAuth().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActitoUnavailableError);
    expect((error as Error).message).toContain("the connection to api3.actito.com failed: ENOTFOUND");
    expect((error as Error).message).toContain("set EMI_ACTITO_URL to use the sandbox");
    expect(time.clock.now()).toBe(0);
  });

  it("fails at once with the host when EMI_ACTITO_URL names a host that cannot exist (real process)", () => {
    const root = resolve(import.meta.dirname, "../..");
    const dir = mkdtempSync(join(tmpdir(), "emi-net-"));
    cpSync(join(root, "integrations"), join(dir, "integrations"), { recursive: true });
    // A label of 64 characters (DNS allows 63): the resolver refuses the name itself, without asking
    // any server, so the answer is ENOTFOUND with or without a network (an unreachable DNS server
    // would answer EAI_AGAIN, which is retried).
    const host = `${"x".repeat(64)}.invalid`;
    const run = spawnSync(process.execPath, [join(root, "bin/emi.js"), "plan", "--store", "sqlite:s.db"], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        EMI_ACTITO_URL: `http://${host}:8080`,
        ACTITO_KEY_NORDLYS: "sandbox-key-nordlys",
      },
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain(`the connection to ${host}:8080 failed: ENOTFOUND`);
    expect(run.stdout + run.stderr).toContain("check that EMI_ACTITO_URL points at a running server");
    // Not retried: one failure per integration that asked, reported once.
    expect((run.stdout + run.stderr).match(/ENOTFOUND/g)?.length ?? 0).toBeLessThanOrEqual(2);
  });
});
