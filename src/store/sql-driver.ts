import type { AddressHasher } from "./address-hasher.ts";
import type { Dialect } from "./migrations.ts";

/** A statement with its `?` parameters. */
export interface SqlStatement {
  sql: string;
  params: readonly unknown[];
}

/** What SqlStore needs from a connection: `?` placeholders in both dialects. */
export interface SqlSession {
  /** Rows of a query (or of a statement with RETURNING). */
  all<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * One database behind SqlStore. The driver owns what cannot be written once for both dialects:
 * transactions, the REAID hot path, clock and error codes.
 */
export interface SqlDriver extends SqlSession {
  readonly dialect: Dialect;
  /** The database file of an embedded store (for free-space checks); null for a server or in memory. */
  readonly file: string | null;
  /** Runs `fn` in a write transaction; nothing else on this store interleaves with it. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** Serialises concurrent migrations from several processes inside a transaction, or null if BEGIN already does. */
  readonly migrationLockSql: string | null;
  /** An SQL expression for the database's clock in epoch milliseconds (one clock for every process). */
  readonly nowMsSql: string;
  /** E-mails per REAID transaction: big enough to amortise a commit, small enough to keep memory flat. */
  readonly reaidBatchSize: number;
  /**
   * Adds to `out` the REAIDs of normalised, unique e-mails (keyed by e-mail), creating the missing
   * ones in one transaction; rows are keyed by each address's hash under `hasher`, which the driver
   * computes where it costs the main thread least. Safe against another process doing the same at once: inserts never overwrite, and
   * whatever is stored wins. If it throws, `out` may hold part of the batch: the caller discards it.
   * With `fence`, the lease is checked inside the same transaction as the inserts (FencedDriver),
   * and a lost lease fails the batch with an error whose code is LEASE_LOST_CODE, inserting nothing.
   */
  getOrCreateReaidBatch(
    namespace: string,
    emails: readonly string[],
    now: string,
    out: Map<string, string>,
    hasher: AddressHasher,
    fence?: LeaseFence,
  ): Promise<void>;
  /**
   * Readies the store for a long-running service: starts now what the first REAID call would
   * otherwise start (SQLite's worker thread), so that the first requests do not wait for it, and
   * moves SQLite's WAL checkpoints to a thread of their own, so that no request waits for one.
   */
  prepareForService(): Promise<void>;
  /**
   * Runs statements in one transaction, all or nothing, resolving once committed. SQLite may commit
   * them together with other callers' (group commit, off the main thread); if that transaction
   * fails, each caller's statements run alone, so a caller fails for its own statements only.
   */
  runGrouped(statements: readonly SqlStatement[]): Promise<void>;
  isUniqueViolation(error: unknown): boolean;
  close(): Promise<void>;
}

/** The lease a fenced write runs under: its name, its holder's id and fencing token. */
export interface LeaseFence {
  name: string;
  id: string;
  token: number;
}

/** The code of the error a fenced REAID batch fails with when its lease is no longer held. */
export const LEASE_LOST_CODE = "EMI_LEASE_LOST";

/** The error a fenced REAID batch fails with when `fence` no longer holds its lease. */
export function leaseLostError({ name, token }: LeaseFence): Error {
  return Object.assign(new Error(`lease lost: "${name}" (token ${token})`), { code: LEASE_LOST_CODE });
}

/** Finds the lease row only while `fence` still holds it (parameters: name, id, token). */
export const FENCE_CHECK_SQL =
  "SELECT token FROM locks WHERE name = ? AND id = ? AND token = ? AND expires_at > 0";
