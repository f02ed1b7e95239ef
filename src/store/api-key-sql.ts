import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore } from "../serve/api-key-store.ts";
import type { SqlSession } from "./sql-driver.ts";

interface ApiKeyRow {
  id: string;
  account: number | string;
  name: string | null;
  scope: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** ApiKeyStore over the store's SQL connection (table `api_keys`, migration 5). */
export class ApiKeySql implements ApiKeyStore {
  readonly #db: SqlSession;

  constructor(db: SqlSession) {
    this.#db = db;
  }

  async insertApiKey(record: ApiKeyRecord & { keyHash: string }): Promise<void> {
    await this.#db.run(
      `INSERT INTO api_keys (id, account, name, scope, key_hash, created_at, last_used_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        record.id,
        record.account,
        record.name,
        record.scope,
        record.keyHash,
        record.createdAt,
        record.lastUsedAt,
        record.revokedAt,
      ],
    );
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.all<ApiKeyRow>("SELECT * FROM api_keys ORDER BY created_at, id");
    return rows.map((row) => withoutHash(toRecord(row)));
  }

  async revokeApiKey(id: string, at: string): Promise<boolean> {
    const found = await this.#db.all<{ id: string }>("SELECT id FROM api_keys WHERE id = ?", [id]);
    if (found.length === 0) return false;
    await this.#db.run("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [at, id]);
    return true;
  }

  async findApiKey(keyHash: string): Promise<(ApiKeyRecord & { keyHash: string }) | null> {
    const [row] = await this.#db.all<ApiKeyRow>("SELECT * FROM api_keys WHERE key_hash = ?", [keyHash]);
    return row ? toRecord(row) : null;
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    await this.#db.run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [at, id]);
  }
}

function toRecord(row: ApiKeyRow): ApiKeyRecord & { keyHash: string } {
  return {
    id: row.id,
    account: Number(row.account),
    name: row.name,
    scope: row.scope as ApiKeyScope,
    keyHash: row.key_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function withoutHash(record: ApiKeyRecord & { keyHash: string }): ApiKeyRecord {
  const { keyHash: _, ...rest } = record;
  return rest;
}
