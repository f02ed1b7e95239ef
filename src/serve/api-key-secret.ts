import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Every service key starts with this, so a leaked one is easy to recognise (and to scan for). */
export const API_KEY_PREFIX = "emik_";

/** A new service key: 192 random bits, URL-safe. Shown once, never stored. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
}

/** A public id for a key (what `emi api-key list` and `revoke` use): random, unrelated to the key. */
export function newApiKeyId(): string {
  return `key_${randomBytes(6).toString("hex")}`;
}

/**
 * SHA-256 of a key, hex. A fast hash is enough here: the keys are 192 random bits, so there is no
 * dictionary to try, unlike a password.
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
