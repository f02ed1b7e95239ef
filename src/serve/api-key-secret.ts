import { randomBytes } from "node:crypto";

/** Every service key starts with this, so a leaked one is easy to recognise (and to scan for). */
const API_KEY_PREFIX = "emik_";

/** A new service key: 192 random bits, URL-safe. Shown once, never stored. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
}

/** A public id for a key (what `emi api-key list` and `revoke` use): random, unrelated to the key. */
export function newApiKeyId(): string {
  return `key_${randomBytes(6).toString("hex")}`;
}
