import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { migrations, migrationsTableSql } from "../../src/store/migrations.ts";
import { openStore } from "../../src/store/open-store.ts";
import { spawnFixture } from "../store/child-process.ts";
import { describePostgres } from "../requirements.ts";
import { postgresHarness } from "../store/store-harness.ts";
import { addressesIn, filesUnder, pgDump } from "./address-scan.ts";

const PREVIOUS_RELEASE = 5;

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A store exactly as the release before issue 28 left it (schema 5): REAIDs keyed by address, a
 * rejection recorded by `emailAddress=` ref, reasons and a checkpoint quoting addresses.
 */
function previousReleaseStore(path: string, rows: number): { emails: string[]; reaids: string[] } {
  const db = new Database(path);
  db.exec(migrationsTableSql);
  for (const m of migrations.filter((m) => m.version <= PREVIOUS_RELEASE)) {
    db.exec(m.sqlite);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 'x')").run(
      m.version,
      m.name,
    );
  }
  const emails = Array.from({ length: rows }, (_, i) => `person.${i}@old-store.example`);
  const reaids = emails.map((_, i) => `old-reaid-${String(i).padStart(12, "0")}`);
  const insert = db.prepare(
    "INSERT INTO reaids (namespace, email, reaid, created_at) VALUES ('1042', ?, ?, 'x')",
  );
  db.transaction(() => {
    for (const [i, email] of emails.entries()) insert.run(email, reaids[i]!);
  })();
  db.prepare("INSERT INTO rejections VALUES (1042, ?, ?, 1, 'x')").run(
    "emailAddress=person.1@old-store.example",
    "invalid value person.1@old-store.example",
  );
  db.prepare("INSERT INTO rejections VALUES (1042, '77', ?, 2, 'x')").run(
    "locked: person.2@old-store.example",
  );
  db.prepare("INSERT INTO sync_checkpoints VALUES (1042, ?, 'x')").run(
    JSON.stringify({ phase: "listing", data: { lastRejection: "refused person.3@old-store.example" } }),
  );
  db.close();
  return { emails, reaids };
}

describe("migrating a store made by the previous release", () => {
  it("keys every REAID by hash, unchanged, and leaves no address in the database or its WAL, after a kill -9 in the middle", async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-migrate-"));
    const path = join(dir, "state.db");
    const rows = 200_000;
    const { emails, reaids } = previousReleaseStore(path, rows);
    const wanted = new Set(emails);
    // The scan finds addresses where they are: the old store is full of them.
    expect(addressesIn((await filesUnder(dir)).map((f) => f.text).join("\n"), wanted).length).toBe(rows);

    // A process opens (and so migrates) the store and is killed once some batches are hashed.
    const child = spawnFixture("open-and-fingerprint.ts", [`sqlite:${path}`]);
    await child.line((l) => l === "ready");
    child.process.stdin!.write("go\n");
    const watcher = new Database(path, { readonly: true, fileMustExist: true });
    watcher.pragma("busy_timeout = 10000");
    let hashed = 0;
    try {
      for (;;) {
        try {
          hashed = (
            watcher.prepare("SELECT COUNT(*) AS n FROM reaids WHERE email_hash IS NOT NULL").get() as {
              n: number;
            }
          ).n;
        } catch {
          hashed = 0; // the column is not there yet
        }
        if (hashed > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      watcher.close();
    }
    child.process.kill("SIGKILL");
    await child.exited;
    expect(hashed).toBeGreaterThan(0);
    expect(hashed).toBeLessThan(rows);

    // Opened again, the migration goes on where it stopped and ends with the addresses gone.
    const store = await openStore(`sqlite:${path}`);
    try {
      expect(await (store as unknown as { schemaVersion(): Promise<number> }).schemaVersion()).toBe(
        migrations.at(-1)!.version,
      );
      expect(await store.countReaids("1042")).toBe(rows);
      const found = await store.findReaids("1042", emails);
      expect(found.size).toBe(rows);
      const wrong = emails.filter((email, i) => found.get(email) !== reaids[i]);
      expect(wrong).toEqual([]);
      // Rejections kept by address are dropped (the next run records them by profileId); reasons
      // and checkpoints keep the short form of the hash.
      const rejections = await store.listRejections(1042);
      expect(rejections.map((r) => r.key)).toEqual(["77"]);
      expect(rejections[0]!.reason).toMatch(/^locked: <address [A-Za-z0-9_-]{10}>$/);
      expect(JSON.stringify(await store.getCheckpoint(1042))).toMatch(/refused <address [A-Za-z0-9_-]{10}>/);
    } finally {
      await store.close();
    }
    const files = await filesUnder(dir);
    // The key the migration made: beside the store, or where EMI_STORE_KEY_FILE says (this file's
    // PostgreSQL suite sets it for the whole process when PostgreSQL is there).
    expect(existsSync(process.env.EMI_STORE_KEY_FILE ?? `${path}.key`)).toBe(true);
    for (const file of files)
      expect({ file: file.path, found: addressesIn(file.text, wanted) }).toEqual({
        file: file.path,
        found: [],
      });
  });
});

describePostgres("migrating a previous release's PostgreSQL store", (baseUrl) => {
  const harness = postgresHarness(baseUrl);
  afterAll(() => harness.cleanup());

  it("keys every REAID by hash, unchanged, and a pg_dump afterwards holds no address", async () => {
    dir = mkdtempSync(join(tmpdir(), "emi-migrate-pg-"));
    const url = await harness.freshUrl();
    const emails = Array.from({ length: 12_000 }, (_, i) => `pg.person.${i}@old-store.example`);
    const values = emails.map((email, i) => `('1042', '${email}', 'old-pg-reaid-${i}', 'x')`).join(",\n");
    await harness.rawExec(
      url,
      `${migrationsTableSql};
       ${migrations
         .filter((m) => m.version <= PREVIOUS_RELEASE)
         .map((m) => `${m.postgres};\nINSERT INTO schema_migrations VALUES (${m.version}, '${m.name}', 'x');`)
         .join("\n")}
       INSERT INTO reaids (namespace, email, reaid, created_at) VALUES ${values};
       INSERT INTO rejections VALUES (1042, 'emailAddress=pg.person.1@old-store.example', 'bad pg.person.1@old-store.example', 1, 'x');`,
    );
    const wanted = new Set(emails);
    expect(addressesIn(await pgDump(url), wanted).length).toBe(emails.length);
    const store = await openStore(url);
    try {
      const found = await store.findReaids("1042", emails);
      expect(emails.filter((email, i) => found.get(email) !== `old-pg-reaid-${i}`)).toEqual([]);
      expect(await store.listRejections(1042)).toEqual([]);
    } finally {
      await store.close();
    }
    expect(addressesIn(await pgDump(url), wanted)).toEqual([]);
  });
});
