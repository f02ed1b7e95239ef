import { normaliseEmail } from "./normalise-email.ts";
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

/** See ReaidOwnershipStore.holdersOfReaids: one statement per 10,000 values (the sync asks for 25,000 at once). */
export async function holdersOfReaidsSql(
  driver: SqlDriver,
  values: readonly string[],
): Promise<Map<string, ReaidHolder>> {
  const result = new Map<string, ReaidHolder>();
  const unique = [...new Set(values)];
  const sql =
    driver.dialect === "sqlite"
      ? "SELECT namespace, email, reaid FROM reaids WHERE reaid IN (SELECT value FROM json_each(?))"
      : "SELECT namespace, email, reaid FROM reaids WHERE reaid = ANY(CAST(? AS text[]))";
  for (let i = 0; i < unique.length; i += BIG_LIST) {
    const batch = unique.slice(i, i + BIG_LIST);
    const rows = await driver.all<{ namespace: string; email: string; reaid: string }>(sql, [
      driver.dialect === "sqlite" ? JSON.stringify(batch) : batch,
    ]);
    for (const row of rows) result.set(row.reaid, { namespace: row.namespace, email: row.email });
  }
  return result;
}

/** See ReaidOwnershipStore.findReaids. */
export async function findReaidsSql(
  driver: SqlDriver,
  namespace: string,
  emails: readonly string[],
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const keys = [...new Set(emails.map(normaliseEmail))].filter((e) => e !== "");
  for (const batch of chunks(keys)) {
    const rows = await driver.all<{ email: string; reaid: string }>(
      `SELECT email, reaid FROM reaids WHERE namespace = ? AND email IN (${placeholders(batch.length)})`,
      [namespace, ...batch],
    );
    for (const row of rows) result.set(row.email, row.reaid);
  }
  return result;
}

/** See ReaidOwnershipStore.adoptReaids: one transaction, inserts only. */
export function adoptReaidsSql(
  driver: SqlDriver,
  namespace: string,
  pairs: readonly AdoptionRequest[],
): Promise<AdoptionOutcome[]> {
  const now = new Date().toISOString();
  return driver.transaction(async (tx) => {
    const outcomes: AdoptionOutcome[] = [];
    for (const pair of pairs) {
      const email = normaliseEmail(pair.email);
      const [byEmail] = await tx.all<{ reaid: string }>(
        "SELECT reaid FROM reaids WHERE namespace = ? AND email = ?",
        [namespace, email],
      );
      if (byEmail) {
        outcomes.push(byEmail.reaid === pair.reaid ? "already" : "email-has-another");
        continue;
      }
      const [byValue] = await tx.all<{ email: string }>("SELECT email FROM reaids WHERE reaid = ?", [
        pair.reaid,
      ]);
      if (byValue) {
        outcomes.push("value-held");
        continue;
      }
      await tx.run("INSERT INTO reaids (namespace, email, reaid, created_at) VALUES (?, ?, ?, ?)", [
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
      "UPDATE reaids SET namespace = ? WHERE namespace = ? AND email NOT IN (SELECT email FROM reaids WHERE namespace = ?)",
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
  namespace: string,
  moves: readonly { from: string; to: string; reaid: string }[],
): Promise<boolean[]> {
  return driver.transaction(async (tx) => {
    const done: boolean[] = [];
    for (const move of moves) {
      const [taken] = await tx.all<{ reaid: string }>(
        "SELECT reaid FROM reaids WHERE namespace = ? AND email = ?",
        [namespace, move.to],
      );
      done.push(
        taken === undefined &&
          (await tx.run("UPDATE reaids SET email = ? WHERE namespace = ? AND email = ? AND reaid = ?", [
            move.to,
            namespace,
            move.from,
            move.reaid,
          ])) > 0,
      );
    }
    return done;
  });
}
