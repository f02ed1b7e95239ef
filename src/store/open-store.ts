import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { StoreError } from "./errors.ts";
import { noStore } from "./no-store.ts";
import { PostgresStore } from "./postgres-store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";
import type { StoreKeyOptions } from "./store-key.ts";

/**
 * Opens the store a `--store` URL names, applying pending migrations:
 * - `sqlite:PATH`: a SQLite file, PATH relative to `options.cwd` (default: the process's), its
 *   folder created if missing; `sqlite::memory:` is an in-memory store, gone when it is closed;
 * - `postgres://…` or `postgresql://…`: a PostgreSQL database; an optional `schema=NAME` query
 *   parameter keeps emi's tables in that schema (created if missing).
 * Anything else is a StoreError (`invalid-url`) that says what is accepted.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    if (path === "") throw invalid(url);
    const keys = options.keys ?? {};
    if (path === ":memory:") return SqliteStore.open(path, keys);
    const absolute = isAbsolute(path) ? path : resolve(options.cwd ?? process.cwd(), path);
    if (options.existing && !existsSync(absolute)) throw noStore(absolute);
    return SqliteStore.open(absolute, keys);
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new StoreError("invalid-url", "the PostgreSQL store URL cannot be parsed", { cause: error });
    }
    const schema = parsed.searchParams.get("schema");
    parsed.searchParams.delete("schema");
    return PostgresStore.open(
      {
        connectionString: parsed.toString(),
        ...(schema !== null ? { schema } : {}),
        ...(options.existing ? { existing: true } : {}),
      },
      options.keys ?? {},
    );
  }
  throw invalid(url);
}

/** How {@link openStore} opens. */
export interface OpenStoreOptions {
  /** Folder a relative SQLite path is resolved from (default: the process's). */
  cwd?: string;
  /**
   * Only open a store that exists: read-only commands (`state show`, `reaid`, `drift`) must not
   * create a file, its folders or a PostgreSQL schema because of a typo. A missing one is a
   * StoreError `no-store` that says what to do.
   */
  existing?: boolean;
  /**
   * Where the store key is (docs/privacy.md): by default EMI_STORE_KEY_FILE, else the file beside
   * a SQLite store; commands that never identify an address (`plan`) pass `need: "optional"`.
   */
  keys?: StoreKeyOptions;
}

function invalid(url: string): StoreError {
  // Only the scheme is echoed: a mistyped URL may still carry a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? "(no scheme)";
  return new StoreError(
    "invalid-url",
    `unsupported store URL scheme ${scheme}: use sqlite:PATH (e.g. sqlite:.emi/state.db) or postgres://user@host:5432/database`,
  );
}
