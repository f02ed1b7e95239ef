import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { describeOperationalError } from "./describe-operational-error.ts";
import { StoreError } from "./errors.ts";
import { SqlStore } from "./sql-store.ts";
import { SqliteDriver } from "./sqlite-driver.ts";
import { findStoreKey, type StoreKeyOptions } from "./store-key.ts";

/** The embedded store: one SQLite file in WAL mode (the default, `sqlite:.emi/state.db`). */
export class SqliteStore extends SqlStore {
  /**
   * Opens (creating the file and its folder if needed) and migrates the store at `path`;
   * `:memory:` is a store that lives and dies with this process (tests, experiments). Its key is
   * found as `keys` says (see findStoreKey): by default the file beside it, made with the store.
   */
  static async open(path: string, keys: StoreKeyOptions = {}): Promise<SqliteStore> {
    const keyring = await findStoreKey(path, keys);
    let driver: SqliteDriver;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      driver = new SqliteDriver(path);
    } catch (error) {
      throw cannotOpen(path, error);
    }
    try {
      return new SqliteStore(driver, await SqlStore.prepare(driver, keyring));
    } catch (error) {
      await driver.close();
      if (error instanceof StoreError) throw error;
      throw cannotOpen(path, error);
    }
  }
}

/** A store file that cannot be used, with what to check (corrupted, not a store, permissions, disk). */
function cannotOpen(path: string, error: unknown): StoreError {
  const explained = describeOperationalError(error);
  return new StoreError(
    "unavailable",
    explained
      ? `cannot open the SQLite store ${path}: ${explained}`
      : `cannot open the SQLite store ${path}: ${(error as Error).message}; check --store / EMI_STORE and the file's permissions`,
    { cause: error },
  );
}
