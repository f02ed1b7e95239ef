import type { ProfilePage } from "../actito/types.ts";
import { EmiError } from "../types/errors.ts";

/**
 * A full read ended short of the profiles it expected, after its retries: an empty or short page
 * with no next cursor in the middle of the table. The run is `degraded`, never "in sync".
 */
export class ShortListingError extends EmiError {
  constructor(
    message: string,
    /** Profiles the read reached. */
    readonly profiles: number,
    /** Where the count it fell short of came from. */
    readonly source: ExpectedCount["source"],
  ) {
    super(message);
  }
}

/** How many profiles a full read must reach, and where that number comes from. */
export interface ExpectedCount {
  profiles: number;
  /**
   * `actito`: the table's profile count; `last full read`: what the last complete full read found
   * (or, after a read that ended short of it, what that read reached: two reads in a row agree).
   */
  source: "actito" | "last full read";
}

export interface CompleteListingOptions {
  /** The listing from `cursor` (the client's `listProfiles`). */
  list: (cursor: string | null) => AsyncIterable<ProfilePage>;
  cursor: string | null;
  /** Profiles the run read before `cursor` (a resumed run). */
  seenBefore: number;
  expected: ExpectedCount;
  /** The table's count now, when it comes from Actito: profiles deleted during the read lower it. */
  recount?: () => Promise<number | null>;
  /** Tries of the last page before giving up (default 3). */
  tries?: number;
  /** Waits before trying the last page again. */
  sleep: (ms: number) => Promise<void>;
  /** `nordlys/customers`, for the message. */
  table: string;
}

/**
 * A full listing that ends only where the table does. Pages pass through as they come, except a
 * last page (no next cursor) that leaves the read short of the expected count: it is held back and
 * asked for again from its own cursor, up to `tries` times, so a listing that hiccupped goes on
 * where it stopped and no profile is handed over twice. Still short after that: ShortListingError.
 */
export async function* completeListing(options: CompleteListingOptions): AsyncGenerator<ProfilePage> {
  const tries = options.tries ?? 3;
  let seen = options.seenBefore;
  let cursor = options.cursor;
  let attempt = 1;
  for (;;) {
    let last: ProfilePage | null = null;
    for await (const page of options.list(cursor)) {
      if (page.nextCursor !== null) {
        seen += page.profiles.length;
        cursor = page.nextCursor;
        attempt = 1;
        yield page;
        continue;
      }
      last = page;
    }
    if (last === null) return; // the listing gave no page at all: nothing to check against
    const total = seen + last.profiles.length;
    const expected = await expectedNow(options);
    if (total >= expected) {
      yield last;
      return;
    }
    if (attempt >= tries) {
      const how = last.profiles.length === 0 ? "an empty page" : `a page of ${last.profiles.length}`;
      throw new ShortListingError(
        `the listing of ${options.table} ended at ${total.toLocaleString("en-US")} of ` +
          `${expected.toLocaleString("en-US")} profiles (${countSource(options.expected.source)}): ` +
          `${how} with no next cursor, ${tries} tries. Not complete: the next run reads again`,
        total,
        options.expected.source,
      );
    }
    await options.sleep(1000 * attempt);
    attempt += 1;
    cursor = last.cursor;
  }
}

async function expectedNow(options: CompleteListingOptions): Promise<number> {
  const { expected } = options;
  if (expected.source !== "actito" || !options.recount) return expected.profiles;
  const now = await options.recount();
  return now === null ? expected.profiles : Math.min(expected.profiles, now);
}

function countSource(source: ExpectedCount["source"]): string {
  return source === "actito" ? "Actito's count of the table" : "the last full read's count";
}
