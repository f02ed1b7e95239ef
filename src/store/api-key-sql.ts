import type { ServiceKeys, WorkingServiceKey } from "../plan/service-keys.ts";
import type {
  ApiKeyRecord,
  ApiKeyScope,
  ApiKeyStore,
  BoundServiceKey,
  ListedApiKey,
} from "../serve/api-key-store.ts";
import type { SqlSession } from "./sql-driver.ts";
import { placeholders } from "./sql-placeholders.ts";
import type { IntegrationStatus } from "./store-records.ts";

interface ApiKeyRow {
  id: string;
  account: number | string;
  integration_id: string | null;
  integration_owner: number | string | null;
  name: string | null;
  scope: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

// A key works while it is not revoked and the integration it is bound to (by its stable id, not
// by an account number) still holds the key's account.
const BOUND = `FROM api_keys k
  JOIN integration_accounts a ON a.account = k.account
  JOIN integrations i ON i.account = a.owner AND i.integration_id = k.integration_id
  WHERE k.revoked_at IS NULL`;

/**
 * Service keys over the store's SQL connection (table `api_keys`, migrations 5 and 6): what
 * `emi api-key` and `emi serve` use (ApiKeyStore) and what plan and apply use (ServiceKeys).
 */
export class ApiKeySql implements ApiKeyStore, ServiceKeys {
  readonly #db: SqlSession;

  constructor(db: SqlSession) {
    this.#db = db;
  }

  async insertApiKey(record: Omit<ApiKeyRecord, "integrationId">, keyHash: string): Promise<string | null> {
    // One statement: the key is bound to whichever integration holds the account as it is written.
    const [row] = await this.#db.all<{ integration_id: string }>(
      `INSERT INTO api_keys (id, account, integration_id, name, scope, key_hash, created_at, last_used_at, revoked_at)
       SELECT ?, a.account, i.integration_id, ?, ?, ?, ?, ?, ?
       FROM integration_accounts a JOIN integrations i ON i.account = a.owner
       WHERE a.account = ? AND i.status <> 'deactivated' AND i.integration_id IS NOT NULL
       RETURNING integration_id`,
      [
        record.id,
        record.name,
        record.scope,
        keyHash,
        record.createdAt,
        record.lastUsedAt,
        record.revokedAt,
        record.account,
      ],
    );
    return row?.integration_id ?? null;
  }

  async listApiKeys(): Promise<ListedApiKey[]> {
    const rows = await this.#db.all<ApiKeyRow>(
      `SELECT k.id, k.account, k.integration_id, i.account AS integration_owner, k.name, k.scope,
         k.created_at, k.last_used_at, k.revoked_at
       FROM api_keys k LEFT JOIN integrations i ON i.integration_id = k.integration_id
       ORDER BY k.created_at, k.id`,
    );
    const working = new Set(
      (await this.#db.all<{ id: string }>(`SELECT k.id ${BOUND}`)).map((row) => row.id),
    );
    return rows.map((row) => ({
      id: row.id,
      account: Number(row.account),
      integrationId: row.integration_id,
      integrationOwner: row.integration_owner === null ? null : Number(row.integration_owner),
      name: row.name,
      scope: row.scope as ApiKeyScope,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
      state: working.has(row.id) ? "active" : "revoked",
    }));
  }

  async revokeApiKey(id: string, at: string): Promise<boolean> {
    const found = await this.#db.all<{ id: string }>("SELECT id FROM api_keys WHERE id = ?", [id]);
    if (found.length === 0) return false;
    await this.#db.run("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [at, id]);
    return true;
  }

  async findServiceKey(keyHash: string): Promise<BoundServiceKey | null> {
    const [row] = await this.#db.all<{
      id: string;
      scope: string;
      key_hash: string;
      owner: number | string;
      status: string;
    }>(`SELECT k.id, k.scope, k.key_hash, i.account AS owner, i.status ${BOUND} AND k.key_hash = ?`, [
      keyHash,
    ]);
    if (!row) return null;
    return {
      id: row.id,
      scope: row.scope as ApiKeyScope,
      keyHash: row.key_hash,
      owner: Number(row.owner),
      status: row.status as IntegrationStatus,
    };
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    await this.#db.run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [at, id]);
  }

  async workingServiceKeys(accounts: readonly number[]): Promise<WorkingServiceKey[]> {
    if (accounts.length === 0) return [];
    const rows = await this.#db.all<{ id: string; account: number | string; owner: number | string }>(
      `SELECT k.id, k.account, i.account AS owner ${BOUND}
         AND k.account IN (${placeholders(accounts.length)})
       ORDER BY k.created_at, k.id`,
      accounts,
    );
    return rows.map((row) => ({ id: row.id, account: Number(row.account), owner: Number(row.owner) }));
  }

  async revokeServiceKeys(owner: number, accounts: readonly number[] | null, at: string): Promise<string[]> {
    const [row] = await this.#db.all<{ integration_id: string | null }>(
      "SELECT integration_id FROM integrations WHERE account = ?",
      [owner],
    );
    if (!row?.integration_id) return [];
    return revokeKeysOfIntegration(this.#db, row.integration_id, accounts, at);
  }
}

/**
 * Revokes the keys bound to `integrationId` (only those of `accounts` unless null), inside whatever
 * transaction `db` is: the registry calls it in the transaction that moves an account or
 * deactivates an integration, so no key outlives that commit.
 */
export async function revokeKeysOfIntegration(
  db: SqlSession,
  integrationId: string,
  accounts: readonly number[] | null,
  at: string,
): Promise<string[]> {
  if (accounts !== null && accounts.length === 0) return [];
  const only = accounts === null ? "" : ` AND account IN (${placeholders(accounts.length)})`;
  const rows = await db.all<{ id: string }>(
    `UPDATE api_keys SET revoked_at = ? WHERE integration_id = ? AND revoked_at IS NULL${only} RETURNING id`,
    [at, integrationId, ...(accounts ?? [])],
  );
  return rows.map((r) => r.id).sort();
}

/** Revokes every key of `accounts`, whatever it is bound to (in the caller's transaction). */
export async function revokeKeysOfAccounts(
  db: SqlSession,
  accounts: readonly number[],
  at: string,
): Promise<void> {
  if (accounts.length === 0) return;
  await db.run(
    `UPDATE api_keys SET revoked_at = ? WHERE revoked_at IS NULL AND account IN (${placeholders(accounts.length)})`,
    [at, ...accounts],
  );
}
