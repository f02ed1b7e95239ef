import { EmiError } from "../types/errors.ts";

/** Why a store operation failed, for callers that react to it (never parse the message). */
export type StoreErrorCode =
  | "account-taken"
  | "unknown-integration"
  | "invalid-email"
  | "invalid-url"
  | "lock-held"
  | "lock-lost"
  | "lease-lost"
  | "newer-schema"
  | "no-store"
  | "unavailable"
  | "target-exists"
  | "target-not-empty"
  | "schema-mismatch"
  | "source-busy";

/** An operational failure of the state store. Messages never carry a secret or a connection password. */
export class StoreError extends EmiError {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The lease someone else holds, as much as the message needs. */
export interface LockHolder {
  id: string;
  name: string;
  owner: string;
  purpose: string;
  expiresAt: string;
}

/** A named lease is held by someone else and has not expired. */
export class LockHeldError extends StoreError {
  readonly holder: LockHolder;
  constructor(holder: LockHolder, options?: { waitedMs?: number; cause?: unknown }) {
    const waited =
      options?.waitedMs !== undefined ? ` (waited ${Math.round(options.waitedMs / 1000)} s)` : "";
    super(
      "lock-held",
      `the "${holder.name}" lock is held by ${holder.owner} for "${holder.purpose}" until ${holder.expiresAt}${waited}; ` +
        `wait for it to finish, or, if that process is gone, break the lock with: emi unlock ${holder.id}`,
      { cause: options?.cause },
    );
    this.holder = holder;
  }
}

/**
 * A write under a lease found the lease no longer this holder's (taken over after expiring, broken,
 * or released): nothing was written. The holder stops and says "lease lost".
 */
export class LeaseLostError extends StoreError {
  readonly lease: string;
  constructor(lease: { name: string; owner: string; token: number }, options?: { cause?: unknown }) {
    super(
      "lease-lost",
      `lease lost: the "${lease.name}" lease (token ${lease.token}) is no longer held by ${lease.owner}; nothing more was written`,
      options,
    );
    this.lease = lease.name;
  }
}
