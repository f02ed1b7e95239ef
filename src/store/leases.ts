import type { Lease } from "./store-records.ts";

/** Named leases with an owner and an expiry, kept by the database's clock. */
export interface Leases {
  /** Takes the named lease or throws LockHeldError naming the holder; an expired lease is taken over. */
  acquireLock(name: string, owner: string, purpose: string, ttlMs: number): Promise<Lease>;
  renewLock(lease: Lease, ttlMs: number): Promise<Lease>;
  releaseLock(lease: Lease): Promise<void>;
  listLocks(): Promise<Lease[]>;
  breakLock(id: string): Promise<boolean>;
}
