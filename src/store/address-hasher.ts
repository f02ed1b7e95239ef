import { createHmac, timingSafeEqual } from "node:crypto";

/** Bytes in a store key. */
export const STORE_KEY_BYTES = 32;

/** Characters of a hash shown to people (rejection review): enough to tell rows apart, no more. */
const SHORT_FORM = 10;

const CHECK_INPUT = "emi store key check v1";

/**
 * Characters of the base64url HMAC kept as an address's hash: 22 of 43, 132 bits. Two addresses of
 * one namespace share a hash with odds of about n²/2^133 (10^-26 at ten million), and nobody without
 * the key can find one that does. The full 43 made every index entry twice as long, and the store's
 * time to create a million REAIDs a third longer (bench/reaid-index.ts).
 */
export const HASH_CHARACTERS = 22;

/**
 * How the store identifies an e-mail address without keeping it: HMAC-SHA-256 under the store key
 * of the normalised address (see normaliseEmail), base64url, cut to its first HASH_CHARACTERS
 * characters. The key never goes into the database, so a copy of the database alone cannot tell
 * which address a row is for, not even by hashing a list of guessed addresses.
 */
export class AddressHasher {
  readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== STORE_KEY_BYTES) {
      throw new Error(`a store key is ${STORE_KEY_BYTES} bytes, not ${key.length}`);
    }
    this.key = Buffer.from(key);
  }

  /** The hash of an address that is already normalised. */
  hash(normalised: string): string {
    return hashAddress(this.key, normalised);
  }

  /**
   * What the store's metadata keeps to recognise its key: an HMAC of a constant, which tells
   * nothing about the key or any address.
   */
  checkValue(): string {
    return createHmac("sha256", this.key).update(CHECK_INPUT).digest("base64url");
  }

  /** Whether `stored` (a check value from the metadata) was made with this key. */
  matches(stored: string): boolean {
    const mine = Buffer.from(this.checkValue());
    const theirs = Buffer.from(stored);
    return mine.length === theirs.length && timingSafeEqual(mine, theirs);
  }
}

/**
 * HMAC-SHA-256 of a normalised address under `key`, base64url, its first HASH_CHARACTERS
 * characters (used inside worker threads too).
 */
export function hashAddress(key: Uint8Array, normalised: string): string {
  return createHmac("sha256", key).update(normalised).digest("base64url").slice(0, HASH_CHARACTERS);
}

/** The short form of a hash that people see, e.g. in rejection review: its first characters. */
export function shortHash(hash: string): string {
  return hash.slice(0, SHORT_FORM);
}
