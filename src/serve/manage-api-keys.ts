import { StoreError } from "../store/errors.ts";
import type { Store } from "../store/store.ts";
import { hashSecret } from "../store/secret-hash.ts";
import { newApiKey, newApiKeyId } from "./api-key-secret.ts";
import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore } from "./api-key-store.ts";

/**
 * Creates a service key for the integration `account` belongs to (as owner or sister). Returns the
 * key, which exists nowhere else from then on: the store keeps only its hash.
 */
export async function createApiKey(
  store: Pick<Store, "findByAccount">,
  keys: ApiKeyStore,
  request: { account: number; name: string | null; scope: ApiKeyScope; now: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const entry = await store.findByAccount(request.account);
  if (!entry) {
    throw new StoreError(
      "unknown-integration",
      `account ${request.account} has no integration in the store: declare it and run emi apply before making a service key for it`,
    );
  }
  const key = newApiKey();
  const record: ApiKeyRecord = {
    id: newApiKeyId(),
    account: request.account,
    name: request.name,
    scope: request.scope,
    createdAt: request.now,
    lastUsedAt: null,
    revokedAt: null,
  };
  await keys.insertApiKey({ ...record, keyHash: hashSecret(key) });
  return { key, record };
}
