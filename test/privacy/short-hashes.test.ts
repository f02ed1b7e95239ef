import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HASH_CHARACTERS } from "../../src/store/address-hasher.ts";
import { migrations } from "../../src/store/migrations.ts";
import { normaliseEmail } from "../../src/store/normalise-email.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { describePostgres } from "../requirements.ts";
import { postgresHarness } from "../store/store-harness.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const noEnv = { keys: { env: {} } };

/** Every address finds the REAID it was given, and asking again creates none. */
async function expectSameReaids(store: Store, emails: string[], given: Map<string, string>): Promise<void> {
  const found = await store.findReaids("1042", emails);
  expect(emails.filter((email) => found.get(email) !== given.get(email))).toEqual([]);
  const again = await store.getOrCreateReaids("1042", emails);
  expect(emails.filter((email) => again.get(email) !== given.get(email))).toEqual([]);
  expect(await store.countReaids("1042")).toBe(emails.length);
}

/** The hash as schema 9 kept it: the whole HMAC, base64url, 43 characters. */
function fullHash(keyFile: string): (email: string) => string {
  const key = Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64url");
  return (email) => createHmac("sha256", key).update(normaliseEmail(email)).digest("base64url");
}

describe("address hashes of 22 characters (schema 10)", () => {
  it("cuts a schema-9 store's 43-character hashes in place and finds every REAID as before", async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-short-hash-"));
    const path = join(dir, "state.db");
    const emails = Array.from({ length: 3_000 }, (_, i) => `Person.${i}@Short-Hash.example`);
    const store = await openStore(`sqlite:${path}`, noEnv);
    const given = await store.getOrCreateReaids("1042", emails);
    await store.close();

    // The store as schema 9 left it: the whole HMAC, base64url, 43 characters.
    const key = Buffer.from(readFileSync(`${path}.key`, "utf8").trim(), "base64url");
    const full = (email: string) =>
      createHmac("sha256", key).update(normaliseEmail(email)).digest("base64url");
    const db = new Database(path);
    const update = db.prepare("UPDATE reaids SET email_hash = ? WHERE namespace = '1042' AND email_hash = ?");
    db.transaction(() => {
      for (const email of emails) {
        expect(update.run(full(email), full(email).slice(0, HASH_CHARACTERS)).changes).toBe(1);
      }
    })();
    db.prepare("DELETE FROM schema_migrations WHERE version = 10").run();
    db.close();

    const reopened = await openStore(`sqlite:${path}`, noEnv);
    try {
      expect(await (reopened as unknown as { schemaVersion(): Promise<number> }).schemaVersion()).toBe(
        migrations.at(-1)!.version,
      );
      await expectSameReaids(reopened, emails, given);
    } finally {
      await reopened.close();
    }
    const check = new Database(path, { readonly: true });
    const lengths = check.prepare("SELECT DISTINCT length(email_hash) AS n FROM reaids").all();
    check.close();
    expect(lengths).toEqual([{ n: HASH_CHARACTERS }]);
  });
});

describePostgres("address hashes of 22 characters on PostgreSQL (schema 10)", (baseUrl) => {
  const harness = postgresHarness(baseUrl);
  afterAll(() => harness.cleanup());

  it("cuts a schema-9 store's hashes, its primary key, in place and finds every REAID as before", async () => {
    const url = await harness.freshUrl();
    const emails = Array.from({ length: 2_000 }, (_, i) => `pg.person.${i}@short-hash.example`);
    const store = await openStore(url);
    const given = await store.getOrCreateReaids("1042", emails);
    await store.close();
    const full = fullHash(process.env.EMI_STORE_KEY_FILE!);
    const rows = emails.map((email) => `('${full(email)}', '${full(email).slice(0, HASH_CHARACTERS)}')`);
    await harness.rawExec(
      url,
      `UPDATE reaids SET email_hash = v.long FROM (VALUES ${rows.join(", ")}) AS v (long, short)
       WHERE reaids.namespace = '1042' AND reaids.email_hash = v.short;
       DELETE FROM schema_migrations WHERE version = 10;`,
    );
    const reopened = await openStore(url);
    try {
      await expectSameReaids(reopened, emails, given);
    } finally {
      await reopened.close();
    }
    const dump = await harness.dump(url);
    expect(dump).not.toContain(full(emails[0]!));
    expect(dump).toContain(full(emails[0]!).slice(0, HASH_CHARACTERS));
  });
});
