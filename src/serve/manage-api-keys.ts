import { StoreError } from "../store/errors.ts";
import { hashSecret } from "../store/secret-hash.ts";
import { newApiKey, newApiKeyId } from "./api-key-secret.ts";
import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore } from "./api-key-store.ts";

/**
 * Creates a service key for `account`, bound to the integration that holds the account (as owner or
 * sister) at this moment. Returns the key, which exists nowhere else from then on: the store keeps
 * only its hash. When the account later leaves that integration, the key stops working for good.
 */
export async function createApiKey(
  keys: ApiKeyStore,
  request: { account: number; name: string | null; scope: ApiKeyScope; now: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = newApiKey();
  const record = {
    id: newApiKeyId(),
    account: request.account,
    name: request.name,
    scope: request.scope,
    createdAt: request.now,
    lastUsedAt: null,
    revokedAt: null,
  };
  const integrationId = await keys.insertApiKey(record, hashSecret(key));
  if (integrationId === null) {
    throw new StoreError(
      "unknown-integration",
      `account ${request.account} has no integration in the store: declare it and run emi apply before making a service key for it`,
    );
  }
  return { key, record: { ...record, integrationId } };
}
