import { randomBytes } from "node:crypto";
import { AddressHasher } from "./address-hasher.ts";
import { StoreError } from "./errors.ts";
import { hashStoredAddresses, rewriteWithoutAddresses } from "./hash-stored-addresses.ts";
import { migrations, migrationsTableSql, NO_ADDRESSES_VERSION } from "./migrations.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { nowIso } from "./sql-placeholders.ts";
import { missingKey, type StoreKeyring } from "./store-key.ts";

const SECRET_KEY = "fingerprint-secret";
/** The store key's check value (AddressHasher.checkValue): recognises the key, tells nothing of it. */
const KEY_CHECK = "store-key-check";

/** The key's check value, or null for a store that has none yet (or no tables yet). */
async function readKeyCheck(driver: SqlDriver): Promise<string | null> {
  try {
    const [row] = await driver.all<{ value: string }>("SELECT value FROM store_meta WHERE key = ?", [
      KEY_CHECK,
    ]);
    return row?.value ?? null;
  } catch {
    return null;
  }
}

/**
 * The data half of migration 7 (see hashStoredAddresses), then migration 7 itself, then, for a store
 * that held anything, the rewrite that leaves no copy of an address in its files.
 */
async function removeAddresses(
  driver: SqlDriver,
  hasher: AddressHasher | null,
  keyring: StoreKeyring,
  before: number,
): Promise<void> {
  const [row] = await driver.all<{ n: number | string }>(
    "SELECT COUNT(*) AS n FROM reaids WHERE email_hash IS NULL",
  );
  if (Number(row?.n ?? 0) > 0 && !hasher) {
    throw missingKey(keyring, "this store holds e-mail addresses from an older emi and must be migrated");
  }
  if (hasher) await hashStoredAddresses(driver, hasher);
  const applied = await applyMigrations(driver, Number.POSITIVE_INFINITY);
  if (before > 0 && applied < NO_ADDRESSES_VERSION) await rewriteWithoutAddresses(driver);
}

async function schemaVersionOf(driver: SqlDriver): Promise<number> {
  const [row] = await driver.all<{ version: number | string | null }>(
    "SELECT MAX(version) AS version FROM schema_migrations",
  );
  return Number(row?.version ?? 0);
}

/**
 * Applies the migrations up to `upTo` in one transaction, refusing a store newer than this emi
 * (a worker of an older release must not write into a store it does not understand). Returns the
 * version the store was at before.
 */
async function applyMigrations(driver: SqlDriver, upTo: number): Promise<number> {
  return driver.transaction(async (tx) => {
    if (driver.migrationLockSql) await tx.all(driver.migrationLockSql);
    await tx.exec(migrationsTableSql);
    const [row] = await tx.all<{ version: number | string | null }>(
      "SELECT MAX(version) AS version FROM schema_migrations",
    );
    const applied = Number(row?.version ?? 0);
    const latest = migrations.at(-1)?.version ?? 0;
    if (applied > latest) {
      throw new StoreError(
        "newer-schema",
        `the store has schema version ${applied} but this emi knows only up to ${latest}: upgrade emi`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= applied || migration.version > upTo) continue;
      await tx.exec(migration[driver.dialect]);
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        migration.version,
        migration.name,
        nowIso(),
      ]);
    }
    return applied;
  });
}

/**
 * Readies a store's database for SqlStore: checks the store key, applies pending migrations
 * (hashing the addresses of an older store in between, see hashStoredAddresses) and reads (or
 * creates) the fingerprint secret. A wrong key is refused before anything is written.
 */
export async function prepareStore(
  driver: SqlDriver,
  keyring: StoreKeyring,
): Promise<{ secret: string; hasher: AddressHasher | null }> {
  const check = await readKeyCheck(driver);
  let key = keyring.key;
  if (key !== null && check !== null && !new AddressHasher(key).matches(check)) {
    throw new StoreError(
      "wrong-store-key",
      `this store was made with another store key than the one found at ${keyring.lookedAt.at(-1) ?? "the given key"}: use the store's own key (nothing was written)`,
    );
  }
  const before = await applyMigrations(driver, NO_ADDRESSES_VERSION - 1);
  if (key === null && check !== null) {
    // The store has a key: another process opening this new store may have made it since we looked.
    key = await keyring.reread();
    if (key !== null && !new AddressHasher(key).matches(check)) {
      throw new StoreError("wrong-store-key", "another process gave this store another key at the same time");
    }
  }
  if (key === null && check === null && keyring.need === "required" && keyring.create) {
    key = await keyring.create();
  }
  if (key === null && keyring.need === "required") {
    throw missingKey(keyring, "this command identifies e-mail addresses by their keyed hash");
  }
  const hasher = key === null ? null : new AddressHasher(key);
  if (hasher && check === null) {
    // Insert-if-absent then read: two processes making a store's first key agree on one.
    await driver.run("INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [
      KEY_CHECK,
      hasher.checkValue(),
    ]);
    const stored = await readKeyCheck(driver);
    if (stored !== null && !hasher.matches(stored)) {
      throw new StoreError("wrong-store-key", "another process gave this store another key at the same time");
    }
  }
  if (before < NO_ADDRESSES_VERSION) {
    try {
      await removeAddresses(driver, hasher, keyring, before);
    } catch (error) {
      // Another process opening the store at the same time finished the migration first.
      if ((await schemaVersionOf(driver)) < NO_ADDRESSES_VERSION) throw error;
    }
  } else {
    // A store past the addresses' removal takes the migrations after it (9 and on) here.
    await applyMigrations(driver, Number.POSITIVE_INFINITY);
  }
  // Insert-if-absent then read: two processes opening a fresh store agree on one secret.
  await driver.run("INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [
    SECRET_KEY,
    randomBytes(32).toString("base64url"),
  ]);
  const [secret] = await driver.all<{ value: string }>("SELECT value FROM store_meta WHERE key = ?", [
    SECRET_KEY,
  ]);
  return { secret: secret!.value, hasher };
}
