/** What a service key may do: `reaid` keys call GetOrCreate; `lookup` keys also read REAIDs back. */
export type ApiKeyScope = "reaid" | "lookup";

/** A service key as the store keeps it: never the key, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  /** The account the key was made for; its integration's namespace is the key's. */
  account: number;
  name: string | null;
  scope: ApiKeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The store role of `emi api-key` and `emi serve` (implemented in src/store/api-key-sql.ts). */
export interface ApiKeyStore {
  insertApiKey(record: ApiKeyRecord & { keyHash: string }): Promise<void>;
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when there is no such key. */
  revokeApiKey(id: string, at: string): Promise<boolean>;
  /** The key whose hash is `keyHash`, revoked or not; null when there is none. */
  findApiKey(keyHash: string): Promise<(ApiKeyRecord & { keyHash: string }) | null>;
  touchApiKey(id: string, at: string): Promise<void>;
}
