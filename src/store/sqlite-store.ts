import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { StoreError } from "./errors.ts";
import { SqlStore } from "./sql-store.ts";
import { SqliteDriver } from "./sqlite-driver.ts";

/** The embedded store: one SQLite file in WAL mode (the default, `sqlite:.emi/state.db`). */
export class SqliteStore extends SqlStore {
  /**
   * Opens (creating the file and its folder if needed) and migrates the store at `path`;
   * `:memory:` is a store that lives and dies with this process (tests, experiments).
   */
  static async open(path: string): Promise<SqliteStore> {
    let driver: SqliteDriver;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      driver = new SqliteDriver(path);
    } catch (error) {
      throw new StoreError(
        "unavailable",
        `cannot open the SQLite store ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    try {
      return new SqliteStore(driver, await SqlStore.prepare(driver));
    } catch (error) {
      await driver.close();
      throw error;
    }
  }
}
