import type { AddressHasher } from "./address-hasher.ts";
import { normaliseEmail } from "./normalise-email.ts";
import { requireHasher } from "./sql-reaids.ts";
import type { AdoptionOutcome, AdoptionRequest, ReaidHolder } from "./reaid-ownership.ts";
import type { SqlDriver } from "./sql-driver.ts";

const IN_LIST = 500;
const BIG_LIST = 10_000;

function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_LIST) out.push(items.slice(i, i + IN_LIST));
  return out;
}

/** See ReaidOwnershipStore.holdersOfReaids: one statement per 10,000 values (the sync asks for 50,000 at once). */
export async function holdersOfReaidsSql(
  driver: SqlDriver,
  values: readonly string[],
): Promise<Map<string, ReaidHolder>> {
  const result = new Map<string, ReaidHolder>();
  const unique = [...new Set(values)];
  const sql =
    driver.dialect === "sqlite"
      ? "SELECT namespace, email_hash, reaid FROM reaids WHERE reaid IN (SELECT value FROM json_each(?))"
      : "SELECT namespace, email_hash, reaid FROM reaids WHERE reaid = ANY(CAST(? AS text[]))";
  for (let i = 0; i < unique.length; i += BIG_LIST) {
    const batch = unique.slice(i, i + BIG_LIST);
    const rows = await driver.all<{ namespace: string; email_hash: string; reaid: string }>(sql, [
      driver.dialect === "sqlite" ? JSON.stringify(batch) : batch,
    ]);
    for (const row of rows) result.set(row.reaid, { namespace: row.namespace, emailHash: row.email_hash });
  }
  return result;
}

/** See ReaidOwnershipStore.findReaids. */
export async function findReaidsSql(
  driver: SqlDriver,
  hasher: AddressHasher | null,
  namespace: string,
  emails: readonly string[],
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const keys = [...new Set(emails.map(normaliseEmail))].filter((e) => e !== "");
  if (keys.length === 0) return result;
  const h = requireHasher(hasher);
  const emailOf = new Map(keys.map((email) => [h.hash(email), email]));
  for (const batch of chunks([...emailOf.keys()])) {
    const rows = await driver.all<{ email_hash: string; reaid: string }>(
      `SELECT email_hash, reaid FROM reaids WHERE namespace = ? AND email_hash IN (${placeholders(batch.length)})`,
      [namespace, ...batch],
    );
    for (const row of rows) result.set(emailOf.get(row.email_hash)!, row.reaid);
  }
  return result;
}

/** See ReaidOwnershipStore.adoptReaids: one transaction, inserts only. */
export function adoptReaidsSql(
  driver: SqlDriver,
  hasher: AddressHasher | null,
  namespace: string,
  pairs: readonly AdoptionRequest[],
): Promise<AdoptionOutcome[]> {
  const now = new Date().toISOString();
  const h = requireHasher(hasher);
  const hashes = pairs.map((pair) => h.hash(normaliseEmail(pair.email)));
  return driver.transaction(async (tx) => {
    const outcomes: AdoptionOutcome[] = [];
    for (const [i, pair] of pairs.entries()) {
      const email = hashes[i]!;
      const [byEmail] = await tx.all<{ reaid: string }>(
        "SELECT reaid FROM reaids WHERE namespace = ? AND email_hash = ?",
        [namespace, email],
      );
      if (byEmail) {
        outcomes.push(byEmail.reaid === pair.reaid ? "already" : "email-has-another");
        continue;
      }
      const [byValue] = await tx.all<{ namespace: string }>("SELECT namespace FROM reaids WHERE reaid = ?", [
        pair.reaid,
      ]);
      if (byValue) {
        outcomes.push("value-held");
        continue;
      }
      await tx.run("INSERT INTO reaids (namespace, email_hash, reaid, created_at) VALUES (?, ?, ?, ?)", [
        namespace,
        email,
        pair.reaid,
        now,
      ]);
      outcomes.push("adopted");
    }
    return outcomes;
  });
}

/** See ReaidOwnershipStore.takeOverReaids. */
export function takeOverReaidsSql(
  driver: SqlDriver,
  from: string,
  to: string,
): Promise<{ moved: number; kept: number }> {
  return driver.transaction(async (tx) => {
    const moved = await tx.run(
      "UPDATE reaids SET namespace = ? WHERE namespace = ? AND email_hash NOT IN (SELECT email_hash FROM reaids WHERE namespace = ?)",
      [to, from, to],
    );
    const [row] = await tx.all<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM reaids WHERE namespace = ?",
      [from],
    );
    return { moved, kept: Number(row?.n ?? 0) };
  });
}

/** See ReaidOwnershipStore.rekeyReaids. */
export function rekeyReaidsSql(
  driver: SqlDriver,
  hasher: AddressHasher | null,
  namespace: string,
  moves: readonly { from: string; to: string; reaid: string }[],
): Promise<boolean[]> {
  const h = requireHasher(hasher);
  return driver.transaction(async (tx) => {
    const done: boolean[] = [];
    for (const move of moves) {
      const to = h.hash(move.to);
      const [taken] = await tx.all<{ reaid: string }>(
        "SELECT reaid FROM reaids WHERE namespace = ? AND email_hash = ?",
        [namespace, to],
      );
      done.push(
        taken === undefined &&
          (await tx.run(
            "UPDATE reaids SET email_hash = ? WHERE namespace = ? AND email_hash = ? AND reaid = ?",
            [to, namespace, h.hash(move.from), move.reaid],
          )) > 0,
      );
    }
    return done;
  });
}
