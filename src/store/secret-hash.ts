import { createHash, timingSafeEqual } from "node:crypto";

/**
 * SHA-256 of a secret, hex: what the store keeps of a service key or a webhook's shared secret. A
 * fast hash is enough here: those secrets are 192 random bits, so there is no dictionary to try,
 * unlike a password.
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
