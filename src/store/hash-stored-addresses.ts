import type { AddressHasher } from "./address-hasher.ts";
import { normaliseEmail } from "./normalise-email.ts";
import type { SqlDriver } from "./sql-driver.ts";
import { withoutAddresses } from "./without-addresses.ts";

/** Rows hashed per transaction: a kill loses at most one batch's work, never a row. */
const BATCH = 5_000;

/**
 * The data half of migrating a store made before issue 28: fills `reaids.email_hash` from
 * `reaids.email` in batches, each its own transaction, so a process killed at any point leaves
 * whole batches and the next open goes on where it stopped (rows already hashed are skipped). Then
 * removes addresses from the other places older versions wrote them: rejection records (kept by
 * `attr=address` ref: dropped, the next run sends those rows again and records them by profileId),
 * rejection reasons, sync reasons and checkpoints' last rejection.
 *
 * Hashes the address as stored: rows kept under an older normalisation stay recognisable as such
 * (see legacyEmailKey), exactly as before.
 */
export async function hashStoredAddresses(driver: SqlDriver, hasher: AddressHasher): Promise<number> {
  let hashed = 0;
  if (driver.dialect === "sqlite") {
    let after = 0;
    for (;;) {
      const rows = await driver.all<{ id: number; email: string }>(
        "SELECT id, email FROM reaids WHERE id > ? AND email_hash IS NULL ORDER BY id LIMIT ?",
        [after, BATCH],
      );
      if (rows.length === 0) break;
      const hashes = rows.map((row) => hasher.hash(row.email));
      await driver.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i++) {
          await tx.run("UPDATE reaids SET email_hash = ? WHERE id = ?", [hashes[i], rows[i]!.id]);
        }
      });
      hashed += rows.length;
      after = rows.at(-1)!.id;
    }
  } else {
    let after: { namespace: string; email: string } | null = null;
    for (;;) {
      const rows: { namespace: string; email: string }[] = after
        ? await driver.all(
            "SELECT namespace, email FROM reaids WHERE (namespace, email) > (?, ?) AND email_hash IS NULL ORDER BY namespace, email LIMIT ?",
            [after.namespace, after.email, BATCH],
          )
        : await driver.all(
            "SELECT namespace, email FROM reaids WHERE email_hash IS NULL ORDER BY namespace, email LIMIT ?",
            [BATCH],
          );
      if (rows.length === 0) break;
      await driver.run(
        `UPDATE reaids AS r SET email_hash = t.h
           FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS t (ns, e, h)
          WHERE r.namespace = t.ns AND r.email = t.e`,
        [rows.map((r) => r.namespace), rows.map((r) => r.email), rows.map((r) => hasher.hash(r.email))],
      );
      hashed += rows.length;
      after = rows.at(-1)!;
    }
  }
  await scrubText(driver, hasher);
  return hashed;
}

/** Addresses in the free text older versions kept: replaced by hash short forms, or dropped. */
async function scrubText(driver: SqlDriver, hasher: AddressHasher): Promise<void> {
  const hash = (address: string) => hasher.hash(normaliseEmail(address));
  await driver.transaction(async (tx) => {
    await tx.run("DELETE FROM rejections WHERE row_key LIKE ?", ["%@%"]);
    const reasons = await tx.all<{ account: number; row_key: string; reason: string }>(
      "SELECT account, row_key, reason FROM rejections WHERE reason LIKE ?",
      ["%@%"],
    );
    for (const r of reasons) {
      await tx.run("UPDATE rejections SET reason = ? WHERE account = ? AND row_key = ?", [
        withoutAddresses(r.reason, hash),
        r.account,
        r.row_key,
      ]);
    }
    const syncReasons = await tx.all<{ account: number; sync_reason: string }>(
      "SELECT account, sync_reason FROM integrations WHERE sync_reason LIKE ?",
      ["%@%"],
    );
    for (const r of syncReasons) {
      await tx.run("UPDATE integrations SET sync_reason = ? WHERE account = ?", [
        withoutAddresses(r.sync_reason, hash),
        r.account,
      ]);
    }
    const checkpoints = await tx.all<{ account: number; checkpoint: string }>(
      "SELECT account, checkpoint FROM sync_checkpoints WHERE checkpoint LIKE ?",
      ["%@%"],
    );
    for (const r of checkpoints) {
      await tx.run("UPDATE sync_checkpoints SET checkpoint = ? WHERE account = ?", [
        withoutAddresses(r.checkpoint, hash),
        r.account,
      ]);
    }
  });
}

/**
 * Rewrites the files so that no copy of a removed address is left in them: SQLite rebuilds the
 * database (VACUUM) and empties its WAL; PostgreSQL rewrites the tables that held addresses
 * (VACUUM FULL) and checkpoints. PostgreSQL's WAL archive and older backups still hold them until
 * they expire (docs/privacy.md).
 */
export async function rewriteWithoutAddresses(driver: SqlDriver): Promise<void> {
  if (driver.dialect === "sqlite") {
    await driver.exec("VACUUM");
    await driver.all("PRAGMA wal_checkpoint(TRUNCATE)");
    return;
  }
  for (const table of ["reaids", "rejections", "integrations", "sync_checkpoints"]) {
    await driver.exec(`VACUUM FULL ${table}`);
  }
  // Needs superuser or pg_checkpoint: without it, the server's next checkpoint does the same.
  await driver.exec("CHECKPOINT").catch(() => undefined);
}
