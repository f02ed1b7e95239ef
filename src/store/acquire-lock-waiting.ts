import { setTimeout as sleep } from "node:timers/promises";
import { LockHeldError } from "./errors.ts";
import type { Lease, Store } from "./store.ts";

export interface WaitOptions {
  /** Give up after this long and throw the last LockHeldError (0: try once). */
  timeoutMs: number;
  /** Pause between attempts; default 1 s. */
  pollMs?: number;
  /** Called once per failed attempt, e.g. to tell the user who holds the lock. */
  onWait?: (error: LockHeldError) => void;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

/**
 * `store.acquireLock`, retried while someone else holds the lease, until `timeoutMs` has passed. The
 * error thrown at the end names the holder and how long we waited. Other errors are not retried.
 */
export async function acquireLockWaiting(
  store: Store,
  lock: { name: string; owner: string; purpose: string; ttlMs: number },
  options: WaitOptions,
): Promise<Lease> {
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const started = now();
  for (;;) {
    try {
      return await store.acquireLock(lock.name, lock.owner, lock.purpose, lock.ttlMs);
    } catch (error) {
      if (!(error instanceof LockHeldError)) throw error;
      const waited = now() - started;
      if (waited >= options.timeoutMs) {
        throw options.timeoutMs > 0
          ? new LockHeldError(error.holder, { waitedMs: waited, cause: error })
          : error;
      }
      options.onWait?.(error);
      await pause(Math.min(options.pollMs ?? 1_000, Math.max(1, options.timeoutMs - waited)));
    }
  }
}

/**
 * Renews `lease` every third of `ttlMs` until `stop()` is called, so a long apply keeps its lock. A
 * failed renewal (the lease was broken or taken over) is reported once through `onLost`, and the
 * renewing stops: the holder must then stop writing.
 */
export function keepLeaseAlive(
  store: Store,
  lease: Lease,
  ttlMs: number,
  onLost: (error: unknown) => void,
): { stop: () => void; current: () => Lease } {
  let current = lease;
  const timer = setInterval(
    () => {
      store.renewLock(current, ttlMs).then(
        (renewed) => {
          current = renewed;
        },
        (error: unknown) => {
          clearInterval(timer);
          onLost(error);
        },
      );
    },
    Math.max(10, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer), current: () => current };
}
