import type { SqlDriver } from "./sql-driver.ts";

/** The store_meta row that keeps what `emi drift` last reported of the campaign link check. */
const KEY = "link-findings-reported";

/** Keys (fingerprints, no link text) of the link findings `emi drift` last reported. */
export async function reportedLinkFindingsSql(driver: SqlDriver): Promise<string[]> {
  const [row] = await driver.all<{ value: string }>("SELECT value FROM store_meta WHERE key = ?", [KEY]);
  if (row === undefined) return [];
  const value: unknown = JSON.parse(row.value);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Replaces the reported set: a finding fixed and broken again is new again. */
export async function recordLinkFindingsSql(driver: SqlDriver, keys: readonly string[]): Promise<void> {
  await driver.run(
    "INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [KEY, JSON.stringify([...new Set(keys)].sort())],
  );
}
