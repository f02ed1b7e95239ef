import Database from "better-sqlite3";
import pg from "pg";
import type { Dialect } from "../migrations.ts";

/** One column of a store table as the database declares it. */
export interface ColumnInfo {
  name: string;
  /** The declared type, lower case (`integer`, `bigint`, `text`, `boolean`, …). */
  type: string;
  /** Filled by a sequence (PostgreSQL BIGSERIAL): reset after a copy. */
  serial: boolean;
}

/** A database connection for copying a store: a snapshot to read, or plain writes. */
export interface RawDatabase {
  readonly dialect: Dialect;
  /** The store's tables, but the database's own (sqlite_*). */
  tables(): Promise<string[]>;
  columns(table: string): Promise<ColumnInfo[]>;
  /** Starts a read snapshot: every read after it sees the database as it was at this moment. */
  beginSnapshot(): Promise<void>;
  endSnapshot(): Promise<void>;
  /** The rows of `table` (those columns, in that order), in batches. */
  rows(table: string, columns: readonly string[], batch: number): AsyncIterable<unknown[][]>;
  all<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one write transaction. */
  transaction(fn: () => Promise<void>): Promise<void>;
  /** Inserts rows in one statement (`?` placeholders are the driver's business). */
  insert(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Opens a store URL's database without emi's store layer (migrations already ran through openStore). */
export async function openRawDatabase(url: string, path: string | undefined): Promise<RawDatabase> {
  if (url.startsWith("sqlite:")) return new SqliteRaw(path!);
  return PostgresRaw.connect(url);
}

class SqliteRaw implements RawDatabase {
  readonly dialect = "sqlite" as const;
  readonly #db: Database.Database;

  constructor(path: string) {
    this.#db = new Database(path, { fileMustExist: true });
    this.#db.pragma("busy_timeout = 10000");
  }

  async tables(): Promise<string[]> {
    return this.#db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((row) => (row as { name: string }).name);
  }

  async columns(table: string): Promise<ColumnInfo[]> {
    return (this.#db.pragma(`table_info(${quote(table)})`) as { name: string; type: string }[]).map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      serial: false,
    }));
  }

  async beginSnapshot(): Promise<void> {
    // A deferred transaction reads one snapshot of the WAL from its first read on, without blocking writers.
    this.#db.exec("BEGIN");
    this.#db.prepare("SELECT count(*) FROM sqlite_master").get();
  }

  async endSnapshot(): Promise<void> {
    if (this.#db.inTransaction) this.#db.exec("COMMIT");
  }

  async *rows(table: string, columns: readonly string[], batch: number): AsyncIterable<unknown[][]> {
    const statement = this.#db
      .prepare(`SELECT ${columns.map(quote).join(", ")} FROM ${quote(table)}`)
      .raw(true)
      .safeIntegers(true);
    let rows: unknown[][] = [];
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      rows.push(row);
      if (rows.length >= batch) {
        yield rows;
        rows = [];
      }
    }
    if (rows.length > 0) yield rows;
  }

  async all<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.#db.prepare(sql).all(...params) as T[];
  }

  async transaction(fn: () => Promise<void>): Promise<void> {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      await fn();
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  async insert(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
    const statement = this.#db.prepare(
      `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    );
    for (const row of rows) statement.run(...row);
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<void> {
    this.#db.prepare(sql).run(...params);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

class PostgresRaw implements RawDatabase {
  readonly dialect = "postgres" as const;
  readonly #client: pg.Client;
  #cursors = 0;
  #inTransaction = false;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async connect(url: string): Promise<PostgresRaw> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema");
    parsed.searchParams.delete("schema");
    const client = new pg.Client({
      connectionString: parsed.toString(),
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    await client.connect();
    return new PostgresRaw(client);
  }

  async tables(): Promise<string[]> {
    const { rows } = await this.#client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    return rows.map((r) => r.name);
  }

  async columns(table: string): Promise<ColumnInfo[]> {
    const { rows } = await this.#client.query<{ name: string; type: string; fill: string | null }>(
      `SELECT column_name AS name, data_type AS type, column_default AS fill FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((r) => ({
      name: r.name,
      type: r.type.toLowerCase(),
      serial: r.fill?.startsWith("nextval(") ?? false,
    }));
  }

  async beginSnapshot(): Promise<void> {
    await this.#client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    this.#inTransaction = true;
  }

  async endSnapshot(): Promise<void> {
    await this.#client.query("COMMIT");
    this.#inTransaction = false;
  }

  async *rows(table: string, columns: readonly string[], batch: number): AsyncIterable<unknown[][]> {
    const cursor = `emi_copy_${++this.#cursors}`;
    // A cursor lives in a transaction: outside the snapshot, the read opens one of its own.
    const own = !this.#inTransaction;
    if (own) await this.#client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await this.#client.query(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${columns.map((c) => `${quote(c)}::text`).join(", ")} FROM ${quote(table)}`,
    );
    try {
      for (;;) {
        const result = await this.#client.query({ text: `FETCH ${batch} FROM ${cursor}`, rowMode: "array" });
        if (result.rows.length === 0) break;
        yield result.rows as unknown[][];
      }
    } finally {
      await this.#client.query(`CLOSE ${cursor}`);
      if (own) await this.#client.query("COMMIT");
    }
  }

  async all<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    let n = 0;
    const { rows } = await this.#client.query(
      sql.replace(/\?/g, () => `$${++n}`),
      [...params],
    );
    return rows as T[];
  }

  async transaction(fn: () => Promise<void>): Promise<void> {
    await this.#client.query("BEGIN");
    this.#inTransaction = true;
    try {
      await fn();
      await this.#client.query("COMMIT");
    } catch (error) {
      await this.#client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      this.#inTransaction = false;
    }
  }

  async insert(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const start = values.length;
      values.push(...row);
      return `(${row.map((_, i) => `$${start + i + 1}`).join(", ")})`;
    });
    await this.#client.query(
      `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES ${tuples.join(", ")}`,
      values,
    );
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<void> {
    let n = 0;
    await this.#client.query(
      sql.replace(/\?/g, () => `$${++n}`),
      [...params],
    );
  }

  async close(): Promise<void> {
    await this.#client.end();
  }
}
