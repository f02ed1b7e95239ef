import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LockHeldError } from "../../src/store/errors.ts";
import { isDeadLocalOwner, leaseOwner, takeLease } from "../../src/store/lease-keeper.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";

const dir = mkdtempSync(join(tmpdir(), "emi-lease-keeper-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});
const open = async (name: string) => {
  store = await openStore(`sqlite:${join(dir, `${name}.db`)}`);
  return store;
};
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

describe("the lease keeper", () => {
  it("names this process emi@<host>:<pid>", () => {
    expect(leaseOwner()).toBe(`emi@${hostname()}:${process.pid}`);
  });

  it("recognises a dead process on this host in both owner formats, and nothing else", () => {
    const gone = deadPid();
    expect(isDeadLocalOwner(`emi@${hostname()}:${gone}`)).toBe(true);
    expect(isDeadLocalOwner(`${hostname()}:${gone}`)).toBe(true);
    expect(isDeadLocalOwner(`emi@${hostname()}:${process.pid}`)).toBe(false);
    expect(isDeadLocalOwner(`emi@${hostname()}:${process.ppid}`)).toBe(false);
    expect(isDeadLocalOwner(`emi@another-host-${hostname()}:${gone}`)).toBe(false);
    expect(isDeadLocalOwner("ci@runner-9")).toBe(false);
  });

  it("breaks at once a live lease whose holder died on this host, without waiting", async () => {
    const s = await open("dead");
    await s.acquireLock("apply", `${hostname()}:${deadPid()}`, "emi apply", 60_000);
    const held = await takeLease(s, { name: "apply", purpose: "emi apply", ttlMs: 60_000 });
    expect(held.current().owner).toBe(leaseOwner());
    await held.release();
    expect(await s.listLocks()).toEqual([]);
  });

  it("fails at once naming a live holder when told not to wait", async () => {
    const s = await open("live");
    await s.acquireLock("licence:api3/acme", "emi@worker-1:2231", "sync", 60_000);
    const error = await takeLease(s, { name: "licence:api3/acme", purpose: "sync", ttlMs: 60_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).holder.owner).toBe("emi@worker-1:2231");
  });

  it("aborts `lost` when the lease is broken under it, and release then leaves the new holder alone", async () => {
    const s = await open("lost");
    const held = await takeLease(s, { name: "apply", purpose: "x", ttlMs: 60 });
    await s.breakLock(held.current().id);
    const other = await s.acquireLock("apply", "someone-else", "y", 60_000);
    await new Promise((r) => setTimeout(r, 150));
    expect(held.lost.aborted).toBe(true);
    await held.release();
    expect((await s.listLocks()).map((l) => l.id)).toEqual([other.id]);
  });
});
