import type { HashReply, HashRequest } from "./address-hash-thread.ts";
import type { HashedBatch } from "./hash-batch.ts";
import { SqliteThread } from "./sqlite-thread.ts";

/**
 * The thread holds one batch at a time (at most SqlDriver.reaidBatchSize addresses, a few MB) and
 * makes only short-lived garbage (an Hmac per address): a young generation of 1 MB and an old one of
 * 64 MB keep its share of the process small (a 1M back-fill peaked ~30 MB higher with the write
 * worker's limits).
 */
const HASH_THREAD_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 64 };

/**
 * Where a SQLite file store hashes its large REAID batches (SqliteDriver says which): a thread of its own, so that the HMACs of one
 * batch (about 1.5 µs an address) run while the write thread inserts the previous one, instead of
 * before it in the same thread (a 1M back-fill's write thread spent 1.6 s of its 13 s hashing:
 * bench/sync.md). Stopped when idle like the write worker.
 */
export class AddressHashThread {
  readonly #thread = new SqliteThread<HashRequest, HashReply>("address-hash-thread", {}, HASH_THREAD_LIMITS);

  async hash(key: Uint8Array, emails: readonly string[]): Promise<HashedBatch> {
    const reply = await this.#thread.request({ key, emails });
    if ("error" in reply) throw new Error(reply.error.message);
    return reply;
  }

  /** See SqliteThread.stopWhenIdle. */
  stopWhenIdle(ms: number | null): void {
    this.#thread.stopWhenIdle(ms);
  }

  close(): Promise<void> {
    return this.#thread.close();
  }
}
