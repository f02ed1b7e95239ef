import { StoreError } from "./errors.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { SqlStore } from "./sql-store.ts";

/**
 * The SQL connection under a store opened by `openStore`, for role stores that keep their SQL in
 * their own files (API keys, the webhook inbox) rather than in SqlStore.
 */
export function sqlDriverOf(store: object): SqlDriver {
  if (store instanceof SqlStore) return store.sqlDriver;
  throw new StoreError("unavailable", "this store has no SQL connection (a test double?)");
}
