import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { Dialect } from "../../src/store/migrations.ts";

/** How the contract suite gets fresh, empty stores of one kind and looks at their raw contents. */
export interface StoreHarness {
  label: string;
  dialect: Dialect;
  /** A `--store` URL naming a new, empty store. */
  freshUrl(): Promise<string>;
  /** Runs raw SQL against the store behind `url`, bypassing the Store interface. */
  rawExec(url: string, sql: string): Promise<void>;
  /** Every byte the store holds for `url`, as text, to search for things it must never hold. */
  dump(url: string): Promise<string>;
  /** Removes every store this harness created. */
  cleanup(): Promise<void>;
}

export function sqliteHarness(): StoreHarness {
  const dirs: string[] = [];
  const pathOf = (url: string) => url.slice("sqlite:".length);
  return {
    label: "SqliteStore",
    dialect: "sqlite",
    async freshUrl() {
      const dir = mkdtempSync(join(tmpdir(), "emi-store-"));
      dirs.push(dir);
      return `sqlite:${join(dir, "nested", "state.db")}`;
    },
    async rawExec(url, sql) {
      mkdirSync(dirname(pathOf(url)), { recursive: true });
      const db = new Database(pathOf(url));
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async dump(url) {
      const dir = join(pathOf(url), "..");
      // The main file and the WAL: a secret written anywhere would be in one of them.
      return readdirSync(dir)
        .map((name) => readFileSync(join(dir, name)).toString("latin1"))
        .join("\n");
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresHarness(baseUrl: string): StoreHarness {
  const schemas: string[] = [];
  const schemaOf = (url: string) => new URL(url).searchParams.get("schema")!;
  const withClient = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    label: "PostgresStore",
    dialect: "postgres",
    async freshUrl() {
      const schema = `emi_test_${Math.random().toString(36).slice(2, 10)}`;
      schemas.push(schema);
      const url = new URL(baseUrl);
      url.searchParams.set("schema", schema);
      return url.toString();
    },
    async rawExec(url, sql) {
      await withClient(async (client) => {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schemaOf(url)}`);
        await client.query(`SET search_path TO ${schemaOf(url)}`);
        await client.query(sql);
      });
    },
    async dump(url) {
      const schema = schemaOf(url);
      return withClient(async (client) => {
        const tables = await client.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
          [schema],
        );
        let text = "";
        for (const { table_name } of tables.rows) {
          const rows = await client.query<{ t: string }>(
            `SELECT t::text AS t FROM ${schema}.${table_name} t`,
          );
          text += `${table_name}\n${rows.rows.map((r) => r.t).join("\n")}\n`;
        }
        return text;
      });
    },
    async cleanup() {
      const drop = schemas.splice(0);
      if (drop.length === 0) return;
      await withClient(async (client) => {
        for (const schema of drop) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      });
    },
  };
}
