import { PostgresDriver, type PostgresTarget } from "./postgres-driver.ts";
import { SqlStore } from "./sql-store.ts";
import { findStoreKey, type StoreKeyOptions } from "./store-key.ts";

export type { PostgresTarget } from "./postgres-driver.ts";

/** The shared store for teams whose apply jobs run on ephemeral CI runners (`postgres://…`). */
export class PostgresStore extends SqlStore {
  /** Connects and migrates; throws StoreError `unavailable` (without the password) if it cannot. */
  static async open(target: PostgresTarget, keys: StoreKeyOptions = {}): Promise<PostgresStore> {
    const keyring = await findStoreKey(null, keys);
    const driver = await PostgresDriver.connect(target);
    try {
      return new PostgresStore(driver, await SqlStore.prepare(driver, keyring));
    } catch (error) {
      await driver.close();
      throw error;
    }
  }
}
