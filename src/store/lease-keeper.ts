import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { LeaseLostError, LockHeldError, StoreError } from "./errors.ts";
import type { Lease, Store } from "./store.ts";

/** What the lease keeper needs from the store. */
export type LeaseStore = Pick<Store, "acquireLock" | "renewLock" | "releaseLock" | "breakLock">;

/** A lease this process holds, renewed in the background until released. */
export interface HeldLease {
  /** The lease as last renewed (its id and fencing token never change while held). */
  current(): Lease;
  /** Its life: renewed every third of it. */
  readonly ttlMs: number;
  /** Aborts when the lease could not be renewed: the work must stop, someone may take over. */
  readonly lost: AbortSignal;
  /**
   * Confirms in the store, before a write the store cannot fence (an Actito call), that this
   * holder's token is still current, and renews the lease for a full life. Throws LeaseLostError
   * (and aborts `lost`) when it is not.
   */
  confirm(): Promise<void>;
  /** Stops renewing and gives the lease back (harmless if it was lost or already released). */
  release(): Promise<void>;
}

export interface TakeLeaseOptions {
  name: string;
  /** Shown to whoever finds the lease held, e.g. `emi apply`, `sync`. */
  purpose: string;
  /** Lease life; renewed every third of it. */
  ttlMs: number;
  /** Default: this process, `emi@<host>:<pid>`. */
  owner?: string;
  /** Wait this long for a live holder (default 0: fail at once with LockHeldError naming it). */
  waitMs?: number;
  /** Pause between attempts while waiting (default 1 s). */
  pollMs?: number;
  /** Called once per failed attempt while waiting, e.g. to tell the user who holds the lease. */
  onWait?: (error: LockHeldError) => void;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

/** The default life of a lease: `EMI_LEASE_TTL_SECONDS` (default 60; tests and operators shorten it). */
export function leaseTtlMs(env: Record<string, string | undefined> = process.env): number {
  const text = env.EMI_LEASE_TTL_SECONDS;
  if (text === undefined || text.trim() === "") return 60_000;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
    throw new StoreError(
      "unavailable",
      `EMI_LEASE_TTL_SECONDS is ${JSON.stringify(text)}: set it to a number of seconds from 1 to 3600 (default 60)`,
    );
  }
  return Math.round(seconds * 1000);
}

/**
 * Runs `fn` under the named lease, taken first (LockHeldError when someone else holds it) and
 * released when `fn` settles: the one scoped way emi holds a lease.
 */
export async function withLease<T>(
  store: LeaseStore,
  options: TakeLeaseOptions,
  fn: (lease: HeldLease) => Promise<T>,
): Promise<T> {
  const lease = await takeLease(store, options);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

/** This process as a lease owner: `emi@<hostname>:<pid>`, so a dead holder on this host can be recognised. */
export function leaseOwner(): string {
  return `emi@${hostname()}:${process.pid}`;
}

/**
 * True when `owner` names a process on this host that no longer exists (killed with `kill -9`).
 * Also reads the `<host>:<pid>` form older emi versions wrote for the `apply` lease.
 */
export function isDeadLocalOwner(owner: string, host: string = hostname()): boolean {
  const match = /^(?:emi@)?(.+):(\d+)$/.exec(owner);
  if (!match || match[1] !== host) return false;
  const pid = Number(match[2]);
  if (pid === process.pid || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * The one lease keeper of emi, used by apply (`apply`) and sync (`licence:<endpoint>/<entity>`):
 * takes the named lease, breaking at once a lease whose holder is a dead process on this host,
 * waiting up to `waitMs` for any other holder (then LockHeldError naming it and the wait), and
 * renews it every third of its life until `release()`. A failed renewal aborts `lost` once.
 */
export async function takeLease(store: LeaseStore, options: TakeLeaseOptions): Promise<HeldLease> {
  const lease = await acquireWaiting(store, options);
  return keepRenewed(store, lease, options.ttlMs);
}

async function acquireWaiting(store: LeaseStore, options: TakeLeaseOptions): Promise<Lease> {
  const owner = options.owner ?? leaseOwner();
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const waitMs = options.waitMs ?? 0;
  const started = now();
  for (;;) {
    try {
      return await store.acquireLock(options.name, owner, options.purpose, options.ttlMs);
    } catch (error) {
      if (!(error instanceof LockHeldError)) throw error;
      if (isDeadLocalOwner(error.holder.owner)) {
        // Deleting by id: if someone else broke it first and took it, their lease has another id.
        await store.breakLock(error.holder.id);
        continue;
      }
      const waited = now() - started;
      if (waited >= waitMs) {
        throw waitMs > 0 ? new LockHeldError(error.holder, { waitedMs: waited, cause: error }) : error;
      }
      options.onWait?.(error);
      await pause(Math.min(options.pollMs ?? 1_000, Math.max(1, waitMs - waited)));
    }
  }
}

function keepRenewed(store: LeaseStore, first: Lease, ttlMs: number): HeldLease {
  let lease = first;
  const controller = new AbortController();
  let renewing: Promise<void> = Promise.resolve();
  let released = false;
  const timer = setInterval(
    () => {
      renewing = store.renewLock(lease, ttlMs).then(
        (renewed) => {
          lease = renewed;
        },
        (error: unknown) => {
          clearInterval(timer);
          if (!released && !controller.signal.aborted) {
            controller.abort(
              error instanceof StoreError && error.code === "lock-lost"
                ? new LeaseLostError(lease, { cause: error })
                : error,
            );
          }
        },
      );
    },
    Math.max(10, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  const confirm = async () => {
    if (released) throw new LeaseLostError(lease);
    try {
      lease = await store.renewLock(lease, ttlMs);
    } catch (error) {
      const lostError =
        error instanceof StoreError && error.code === "lock-lost"
          ? new LeaseLostError(lease, { cause: error })
          : error;
      if (lostError instanceof LeaseLostError && !controller.signal.aborted) controller.abort(lostError);
      throw lostError;
    }
  };
  return {
    current: () => lease,
    ttlMs,
    lost: controller.signal,
    confirm,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await renewing;
      if (!controller.signal.aborted) await store.releaseLock(lease).catch(() => undefined);
    },
  };
}
