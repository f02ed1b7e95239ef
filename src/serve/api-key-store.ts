import type { IntegrationStatus } from "../store/store-records.ts";

/** What a service key may do: `reaid` keys call GetOrCreate; `lookup` keys also read REAIDs back. */
export type ApiKeyScope = "reaid" | "lookup";

/** A service key as the store keeps it: never the key, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  /** The account the key was made for. */
  account: number;
  /**
   * The stable id of the integration that held `account` when the key was made: the key works only
   * while that integration still holds the account (null for a key revoked at migration, whose
   * account had no integration then).
   */
  integrationId: string | null;
  name: string | null;
  scope: ApiKeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A key as `emi api-key list` shows it: its integration's owner now, and whether it works. */
export interface ListedApiKey extends ApiKeyRecord {
  /** The owner account of the key's integration (null when the integration is gone). */
  integrationOwner: number | null;
  state: "active" | "revoked";
}

/** A key that checked out: not revoked, and its integration still holds its account. */
export interface BoundServiceKey {
  id: string;
  scope: ApiKeyScope;
  keyHash: string;
  /** The owner account of the key's integration (its namespace). */
  owner: number;
  status: IntegrationStatus;
}

/** The store role of `emi api-key` and `emi serve` (implemented in src/store/api-key-sql.ts). */
export interface ApiKeyStore {
  /**
   * Stores a key bound to the integration holding `record.account` now, in one statement. Returns
   * the integration id, or null (nothing stored) when no integration that is not deactivated holds
   * the account.
   */
  insertApiKey(record: Omit<ApiKeyRecord, "integrationId">, keyHash: string): Promise<string | null>;
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ListedApiKey[]>;
  /** Marks the key revoked; false when there is no such key. */
  revokeApiKey(id: string, at: string): Promise<boolean>;
  /**
   * The key whose hash is `keyHash` if it is not revoked and the integration it is bound to still
   * holds its account; null otherwise (an unknown key and a moved one look alike).
   */
  findServiceKey(keyHash: string): Promise<BoundServiceKey | null>;
  touchApiKey(id: string, at: string): Promise<void>;
}
