import pg from "pg";
import type { AddressHasher } from "./address-hasher.ts";
import { StoreError } from "./errors.ts";
import { noStore } from "./no-store.ts";
import { newReaids } from "./new-reaids.ts";
import {
  FENCE_CHECK_SQL,
  type LeaseFence,
  leaseLostError,
  type SqlDriver,
  type SqlSession,
  type SqlStatement,
} from "./sql-driver.ts";

/** How to reach the PostgreSQL store. */
export interface PostgresTarget {
  connectionString: string;
  /** Schema holding emi's tables (created if missing); the server's default search_path when absent. */
  schema?: string;
  /** Only an existing store: neither the schema nor the tables are created (read-only commands). */
  existing?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// Arbitrary constant: the key of the advisory lock that serialises migrations between processes.
const MIGRATION_LOCK_KEY = 7_364_201;
const DEADLOCK = "40P01";
const UNIQUE_VIOLATION = "23505";
const DUPLICATE_SCHEMA = "42P06";

// One index probe per e-mail whatever the statistics say: LIMIT 1 keeps the planner from turning the
// lateral subquery into a join, which, with statistics lagging a table that grew by a million rows,
// it ran as a hash join over the whole namespace (25 s of a 1M back-fill, see bench/store.md).
/** The REAID lookup (exported for a test of its plan). */
export const LOOKUP_REAIDS = `SELECT t.email_hash, r.reaid FROM unnest($2::text[]) AS t (email_hash)
  CROSS JOIN LATERAL (SELECT reaid FROM reaids WHERE namespace = $1 AND email_hash = t.email_hash LIMIT 1) AS r`;
// Rows go in in array order, which the caller sorted: two processes inserting the same e-mails take
// their row locks in one order, so they wait for each other instead of deadlocking.
const INSERT_REAIDS = `INSERT INTO reaids (namespace, email_hash, reaid, created_at)
  SELECT $1, t.email_hash, t.reaid, $4 FROM unnest($2::text[], $3::text[]) AS t (email_hash, reaid)`;
// The same under a lease (FencedDriver): the statement is its own transaction, and it inserts only
// while the lease row still carries the holder's id and token, which it locks (FOR SHARE) until it
// commits, so a takeover waits for it rather than slipping in between the check and the insert.
const FENCED_INSERT_REAIDS = `WITH fence AS (
    SELECT 1 FROM locks WHERE name = $5 AND id = $6 AND token = $7 AND expires_at > 0 FOR SHARE
  )
  ${INSERT_REAIDS}
  WHERE EXISTS (SELECT 1 FROM fence)`;

/** pg behind the SqlDriver interface: a small pool; a transaction holds one client. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = "postgres" as const;
  readonly file = null;
  readonly migrationLockSql = `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
  readonly nowMsSql = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
  readonly reaidBatchSize = 10_000;
  readonly #pool: pg.Pool;
  #lastBatchAllNew = false;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects (and creates the schema if named) or throws StoreError `unavailable` without the URL's password. */
  static async connect(target: PostgresTarget): Promise<PostgresDriver> {
    if (target.schema !== undefined && !SCHEMA_NAME.test(target.schema)) {
      throw new StoreError(
        "invalid-url",
        `the PostgreSQL schema name "${target.schema}" is not valid: use lower-case letters, digits and _`,
      );
    }
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: 4,
      ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on("error", () => {});
    let found = true;
    try {
      if (target.existing) {
        // store_meta is created by the first migration: without it there is no emi store here.
        const { rows } = await pool.query<{ found: string | null }>(
          "SELECT to_regclass(quote_ident(coalesce($1, current_schema())) || '.store_meta') AS found",
          [target.schema ?? null],
        );
        found = rows[0]?.found != null;
      } else if (target.schema) await createSchema(pool, target.schema);
      else await pool.query("SELECT 1");
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StoreError(
        "unavailable",
        `cannot use the PostgreSQL store at ${describeTarget(target.connectionString)}: ${(error as Error).message}; ` +
          "check that the server is running and reachable, that the database exists and that the URL's user may connect (or pass another --store / EMI_STORE)",
        { cause: error },
      );
    }
    if (!found) {
      await pool.end().catch(() => {});
      const where = `${describeTarget(target.connectionString)}${target.schema ? ` (schema ${target.schema})` : ""}`;
      throw noStore(`postgres://${where}`);
    }
    return new PostgresDriver(pool);
  }

  all<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return sessionOf(this.#pool).all<T>(sql, params);
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return sessionOf(this.#pool).run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return sessionOf(this.#pool).exec(sql);
  }

  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(sessionOf(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async getOrCreateReaidBatch(
    namespace: string,
    emails: readonly string[],
    now: string,
    out: Map<string, string>,
    hasher: AddressHasher,
    fence?: LeaseFence,
  ): Promise<void> {
    // Rows are keyed by hash, sorted so that two processes lock rows in one order.
    const emailOf = new Map<string, string>();
    for (const email of emails) emailOf.set(hasher.hash(email), email);
    const hashes = [...emailOf.keys()].sort();
    const byHash = new Map<string, string>();
    try {
      await this.#getOrCreateHashed(namespace, hashes, now, byHash, fence);
    } finally {
      for (const [hash, reaid] of byHash) out.set(emailOf.get(hash)!, reaid);
    }
  }

  async #getOrCreateHashed(
    namespace: string,
    emails: readonly string[],
    now: string,
    out: Map<string, string>,
    fence: LeaseFence | undefined,
  ): Promise<void> {
    // A back-fill sends batch after batch of new e-mails: after a batch in which none was stored,
    // the next goes straight to the insert (a fifth of a back-fill's time was lookups finding
    // nothing). One stored e-mail fails that insert as a whole, and the lookup below takes over.
    if (this.#lastBatchAllNew && (await this.#insertAll(namespace, emails, now, out, fence))) return;
    let missing: readonly string[] = emails;
    // Each round: read what exists, insert the rest without overwriting, repeat for whatever lost a
    // race (another process inserted it first, or, at 2^-128, a REAID collided). Every statement
    // commits on its own, so a killed process leaves whole statements only.
    for (let round = 0; missing.length > 0; round++) {
      if (round === 5) {
        throw new StoreError("unavailable", "could not store REAIDs after 5 attempts (concurrent writers?)");
      }
      const found = await this.#pool.query<{ email_hash: string; reaid: string }>(LOOKUP_REAIDS, [
        namespace,
        missing,
      ]);
      for (const row of found.rows) out.set(row.email_hash, row.reaid);
      const toInsert = found.rows.length === 0 ? missing : missing.filter((email) => !out.has(email));
      if (round === 0) this.#lastBatchAllNew = found.rows.length === 0;
      if (toInsert.length === 0) return;
      if (round === 0 && (await this.#insertAll(namespace, toInsert, now, out, fence))) return;
      try {
        const inserted = await this.#pool.query<{ email_hash: string; reaid: string }>(
          `${fence ? FENCED_INSERT_REAIDS : INSERT_REAIDS} ON CONFLICT DO NOTHING RETURNING email_hash, reaid`,
          [namespace, toInsert, newReaids(toInsert.length).sort(), now, ...fenceParams(fence)],
        );
        for (const row of inserted.rows) out.set(row.email_hash, row.reaid);
        // Nothing inserted: every row lost a race, or the fence held nothing.
        if (inserted.rows.length === 0) await this.#confirmFence(fence);
      } catch (error) {
        if ((error as { code?: unknown }).code !== DEADLOCK) throw error;
      }
      missing = toInsert.filter((email) => !out.has(email));
    }
  }

  /**
   * Inserts every e-mail with a new REAID in one plain INSERT, the usual case when nobody else
   * writes these e-mails: it costs the server a third less than ON CONFLICT … RETURNING. It is all
   * or nothing, so an e-mail already stored (or a REAID collision) makes it insert none and return
   * false.
   */
  async #insertAll(
    namespace: string,
    emails: readonly string[],
    now: string,
    out: Map<string, string>,
    fence: LeaseFence | undefined,
  ): Promise<boolean> {
    // Sorted like the hashes they pair with: the REAID index is then filled in its own order too.
    const reaids = newReaids(emails.length).sort();
    try {
      const result = await this.#pool.query(fence ? FENCED_INSERT_REAIDS : INSERT_REAIDS, [
        namespace,
        emails,
        reaids,
        now,
        ...fenceParams(fence),
      ]);
      // All or nothing: none inserted without an error means the fence held nothing.
      if (fence && result.rowCount !== emails.length) throw leaseLostError(fence);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === UNIQUE_VIOLATION || code === DEADLOCK) return false;
      throw error;
    }
    for (let i = 0; i < emails.length; i++) out.set(emails[i]!, reaids[i]!);
    return true;
  }

  /** Throws the lease-lost error if `fence` no longer holds its lease. */
  async #confirmFence(fence: LeaseFence | undefined): Promise<void> {
    if (!fence) return;
    const held = await this.#pool.query(numbered(FENCE_CHECK_SQL), fenceParams(fence));
    if (held.rows.length === 0) throw leaseLostError(fence);
  }

  async runGrouped(statements: readonly SqlStatement[]): Promise<void> {
    await this.transaction(async (tx) => {
      for (const statement of statements) await tx.run(statement.sql, statement.params);
    });
  }

  async prepareForService(): Promise<void> {
    // Nothing to start: the pool connects on demand, in milliseconds, and the server checkpoints.
  }

  isUniqueViolation(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    // IF NOT EXISTS is not atomic: a runner creating the schema at the same moment wins the race.
    const code = (error as { code?: unknown }).code;
    if (code !== UNIQUE_VIOLATION && code !== DUPLICATE_SCHEMA) throw error;
  }
}

function sessionOf(client: pg.Pool | pg.PoolClient): SqlSession {
  return {
    all: async <T extends object>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(numbered(sql), [...params])).rows as T[],
    run: async (sql: string, params: readonly unknown[] = []) =>
      (await client.query(numbered(sql), [...params])).rowCount ?? 0,
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
}

const numberedCache = new Map<string, string>();

// SqlStore writes `?` placeholders (our SQL never has `?` in a literal); pg wants `$1`, `$2`…
function numbered(sql: string): string {
  let result = numberedCache.get(sql);
  if (result === undefined) {
    let n = 0;
    result = sql.replace(/\?/g, () => `$${++n}`);
    // Statements are a fixed set except IN-lists; do not let those grow the cache without end.
    if (numberedCache.size < 500) numberedCache.set(sql, result);
  }
  return result;
}

/** host:port/database of a connection string, never its user or password. */
function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname}`;
  } catch {
    return "(unparsable URL)";
  }
}

function fenceParams(fence: LeaseFence | undefined): unknown[] {
  return fence ? [fence.name, fence.id, fence.token] : [];
}
