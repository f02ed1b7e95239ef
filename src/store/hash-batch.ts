import { hashAddress } from "./address-hasher.ts";
import { prefixOrder } from "./prefix-order.ts";

/** A batch of addresses as the store writes them: their hashes in index order, and where each came from. */
export interface HashedBatch {
  /** The addresses' hashes, ordered as the address index orders them (prefixOrder). */
  hashes: string[];
  /** For each hash, the position of its address in the batch it was made from. */
  positions: number[];
}

/**
 * Hashes a batch of normalised addresses under the store key and puts the hashes in index order,
 * so that the write that follows touches each index page once (see prepareGetOrCreate). Run by the
 * address-hash thread for a large batch of a SQLite file, so that the write thread inserts the
 * batch before meanwhile (an HMAC costs about 1.5 µs); by the write thread for a small batch and
 * for an in-memory store. Never on a file store's main thread.
 */
export function hashBatch(key: Uint8Array, emails: readonly string[]): HashedBatch {
  const all = emails.map((email) => hashAddress(key, email));
  const positions = prefixOrder(all);
  return { hashes: positions.map((position) => all[position]!), positions };
}
