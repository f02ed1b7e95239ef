import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIO } from "./capture-io.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { registryWrite } from "../store/store-contract.ts";

const apiKey = "ak_live_NeverPrintMe_0123456789";

describe("emi state show and emi unlock", () => {
  let dir: string;
  let storeUrl: string;
  const run = async (...args: string[]) => {
    const io = captureIO(dir);
    const code = await main(["node", "emi", ...args, "--store", storeUrl], io);
    return { code, out: io.out(), err: io.err() };
  };
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore(storeUrl);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-state-cli-"));
    storeUrl = `sqlite:${join(dir, "state.db")}`;
    await withStore(async (store) => {
      await store.putIntegration(
        registryWrite(1042, { sisterAccounts: [1043], keyFingerprint: await store.fingerprintKey(apiKey) }),
      );
      await store.putIntegration(
        registryWrite(2000, { emailSync: false, managedBy: null, profileTable: null }),
      );
      await store.setSyncStatus(1042, { health: "in sync", lastRun: "2024-05-01T10:00:00.000Z" });
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the registry as JSON with the documented fields when asked for --format json", async () => {
    const { code, out } = await run("state", "show", "--format", "json");
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { integrations: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(["formatVersion", "integrations"]);
    const first = parsed.integrations[0]!;
    expect(Object.keys(first).slice(0, 11)).toEqual([
      "account",
      "sisterAccounts",
      "status",
      "provider",
      "endpoint",
      "entity",
      "profileTable",
      "reaidAttribute",
      "emailSync",
      "managedBy",
      "sync",
    ]);
    expect(first).toMatchObject({
      account: 1042,
      sisterAccounts: [1043],
      status: "active",
      provider: "actito",
      endpoint: "api3",
      entity: "acme",
      profileTable: "customers",
      reaidAttribute: "reaid",
      emailSync: true,
      managedBy: "acme/integrations",
      sync: { health: "in sync", lastRun: "2024-05-01T10:00:00.000Z" },
      revision: 1,
    });
    expect(parsed.integrations.map((i) => i.account)).toEqual([1042, 2000]);
    expect(out).not.toContain(apiKey);
  });

  it("prints integrations and held locks for people, without the key or its fingerprint", async () => {
    const lease = await withStore((store) => store.acquireLock("apply", "ci@runner-1", "apply", 60_000));
    const { code, out } = await run("state", "show");
    expect(code).toBe(0);
    expect(out).toMatch(
      /^account +integration +status +sync +last synced +lag +next due +without REAID +running$/m,
    );
    expect(out).toMatch(
      /^1042 +actito api3 \/ acme\/customers +active +in sync +2024-05-01 10:00 +\d+d \d+h +now +— +—$/m,
    );
    expect(out).toMatch(/^1043 +↳ sister of 1042$/m);
    expect(out).toMatch(/^2000 +actito api3 \/ acme\/\? +active +off +— +— +— +— +— +\(emailSync: false\)$/m);
    expect(out).toContain("2 integrations, 1 sister · 0 syncing now · 0 degraded · oldest successful sync");
    expect(out).toContain(`held by ci@runner-1 for "apply"`);
    expect(out).toContain(`emi unlock ${lease.id}`);
    expect(out).not.toContain(apiKey);
    expect(out).not.toContain("hmac-sha256");
  });

  it("shows the owner's integration when --account names a sister", async () => {
    const { code, out } = await run("state", "show", "--account", "1043", "--format", "json");
    expect(code).toBe(0);
    expect(
      (JSON.parse(out) as { integrations: { account: number }[] }).integrations.map((i) => i.account),
    ).toEqual([1042]);
  });

  it("exits 1 when --account has no integration", async () => {
    const text = await run("state", "show", "--account", "5");
    expect(text.code).toBe(1);
    expect(text.err).toContain("account 5 has no integration in the store");
    const json = await run("state", "show", "--account", "5", "--format", "json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ formatVersion: 1, integrations: [] });
  });

  it("exits 2 when --account is not a number", async () => {
    const { code, err } = await run("state", "show", "--account", "acme");
    expect(code).toBe(2);
    expect(err).toContain("positive whole number");
  });

  it("creates no store (a read-only command) and says there is none, relative to the working directory", async () => {
    const io = captureIO(dir);
    const code = await main(["node", "emi", "state", "show", "--store", "sqlite:.emi/state.db"], io);
    expect(code).toBe(1);
    expect(io.err()).toContain(`no store at ${join(dir, ".emi", "state.db")}`);
    expect(existsSync(join(dir, ".emi"))).toBe(false);
  });

  it("says which store URLs it accepts when the scheme is unknown, without echoing the URL", async () => {
    const io = captureIO(dir);
    const code = await main(["node", "emi", "state", "show", "--store", "mysql://root:hunter2@db/emi"], io);
    expect(code).toBe(1);
    expect(io.err()).toContain("use sqlite:PATH");
    expect(io.err()).not.toContain("hunter2");
  });

  it("does not print the password of a PostgreSQL URL it cannot reach", async () => {
    const io = captureIO(dir);
    const code = await main(
      ["node", "emi", "state", "show", "--store", "postgres://emi:s3cretPw@127.0.0.1:1/emi"],
      io,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain("127.0.0.1:1/emi");
    expect(io.err()).not.toContain("s3cretPw");
  });

  it("breaks a lock by id and says whose it was", async () => {
    const lease = await withStore((store) => store.acquireLock("apply", "ci@runner-1", "nightly", 60_000));
    const { code, out } = await run("unlock", lease.id);
    expect(code).toBe(0);
    expect(out).toBe(`broke the "apply" lock held by ci@runner-1 for "nightly"\n`);
    expect(await withStore((store) => store.listLocks())).toEqual([]);
  });

  it("exits 1 when there is no lock with that id", async () => {
    const { code, err } = await run("unlock", "0123456789abcdef");
    expect(code).toBe(1);
    expect(err).toContain("no lock with id 0123456789abcdef");
  });
});
