import type { HashedBatch } from "./hash-batch.ts";
import { hashBatch } from "./hash-batch.ts";
import { serialisable, serveThreadRequests, type ThreadError } from "./serve-thread-requests.ts";

/** A batch to hash: the store key and the normalised addresses. */
export interface HashRequest {
  key: Uint8Array;
  emails: readonly string[];
}

/** The batch's hashes in index order and their positions (hashBatch), or the error. */
export type HashReply = HashedBatch | { error: ThreadError };

/**
 * The body of the address-hash thread (see AddressHashThread): hashes one batch at a time, in the
 * order asked. It holds nothing between requests: the key comes with each batch.
 */
serveThreadRequests(
  (request: HashRequest): HashReply => {
    try {
      return hashBatch(request.key, request.emails);
    } catch (error) {
      return { error: serialisable(error) };
    }
  },
  () => {},
);
