import { hostname } from "node:os";
import { LockHeldError } from "../store/errors.ts";
import type { Lease, Store } from "../store/store.ts";

/** A held lease, renewed in the background until released. */
export interface HeldLease {
  /** Aborts when the lease could not be renewed: the work must stop, someone may take over. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** This process as a lease owner: `emi@<host>:<pid>`, so a dead holder on this host can be recognised. */
export function leaseOwner(): string {
  return `emi@${hostname()}:${process.pid}`;
}

/**
 * Takes the named lease, renewing it every third of its life. A lease held by a process on this
 * host that no longer exists (killed with `kill -9`) is broken at once instead of waiting for it to
 * expire, so a resumed sync does not sit idle for minutes; any other holder gets LockHeldError.
 */
export async function holdSyncLease(
  store: Store,
  name: string,
  options: { owner?: string; ttlMs?: number } = {},
): Promise<HeldLease> {
  const owner = options.owner ?? leaseOwner();
  const ttlMs = options.ttlMs ?? 120_000;
  let lease: Lease;
  try {
    lease = await store.acquireLock(name, owner, "sync", ttlMs);
  } catch (error) {
    if (!(error instanceof LockHeldError) || !isDeadLocalOwner(error.holder.owner)) throw error;
    await store.breakLock(error.holder.id);
    lease = await store.acquireLock(name, owner, "sync", ttlMs);
  }
  const controller = new AbortController();
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = store.renewLock(lease, ttlMs).then(
        (renewed) => {
          lease = renewed;
        },
        (error: unknown) => {
          clearInterval(timer);
          controller.abort(error);
        },
      );
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    lost: controller.signal,
    async release() {
      clearInterval(timer);
      await renewing;
      if (!controller.signal.aborted) await store.releaseLock(lease).catch(() => undefined);
    },
  };
}

function isDeadLocalOwner(owner: string): boolean {
  const match = /^emi@(.+):(\d+)$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
