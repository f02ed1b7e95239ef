import { randomBytes } from "node:crypto";

/** Random bytes in one REAID: 128 bits from the CSPRNG (the requirement is at least 122). */
export const REAID_BYTES = 16;

/** A REAID looks like this: 22 URL-safe base64 characters, no padding. */
export const REAID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * `count` fresh REAIDs: random, URL-safe (base64url), never derived from an e-mail. One call to the
 * CSPRNG per batch, because a call per REAID costs more than the database insert at a million rows.
 */
export function newReaids(count: number): string[] {
  const bytes = randomBytes(REAID_BYTES * count);
  const reaids = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    reaids[i] = bytes.toString("base64url", i * REAID_BYTES, (i + 1) * REAID_BYTES);
  }
  return reaids;
}
