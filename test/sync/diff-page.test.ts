import { describe, expect, it } from "vitest";
import type { PageWithReaids } from "../../src/sync/assign-reaids.ts";
import { diffPage, type PageFilter } from "../../src/sync/diff-page.ts";
import type { ValueVerdict } from "../../src/sync/classify-existing-values.ts";
import type { BatchGuard } from "../../src/sync/guard-existing-values.ts";
import { ReaidClaims } from "../../src/sync/reaid-claims.ts";

const byId = { keyColumn: "profileId", emailAttribute: "emailAddress" } as const;
const reaids = new Map([
  ["a@x.example", "RA"],
  ["b@x.example", "RB"],
  ["c@x.example", "RC"],
]);

function page(
  rows: [profileId: number, email: string | null, current: unknown][],
  guard: BatchGuard | null = null,
) {
  const value: PageWithReaids = {
    page: {
      profileIds: rows.map((r) => r[0]),
      emails: rows.map((r) => r[1]),
      currentReaids: rows.map((r) => r[2]),
      nextCursor: null,
    },
    reaids,
    guard,
  };
  return value;
}

const filter = (over: Partial<PageFilter> = {}): PageFilter => ({
  givenUp: new Map(),
  retryRefs: new Set(),
  settled: new Set(),
  claims: new ReaidClaims(),
  ...over,
});

describe("diffPage", () => {
  it("writes the REAID of each e-mail that lacks it and counts the rest, without touching the run", () => {
    const { writes, tally } = diffPage(
      byId,
      page([
        [1, "a@x.example", null],
        [2, null, null],
        [3, "B@x.example", "RB"],
        [4, "c@x.example", ""],
      ]),
      filter(),
    );
    expect(writes).toEqual([
      { key: "1", reaid: "RA", ref: "1", profileId: 1 },
      { key: "4", reaid: "RC", ref: "4", profileId: 4 },
    ]);
    expect(tally).toEqual({ seen: 4, withoutEmail: 1, skipped: 1, emails: 3, duplicates: 0, toWrite: 2 });
  });

  it("keys rows by e-mail when the e-mail attribute is unique", () => {
    const { writes } = diffPage(
      { keyColumn: "emailAddress", emailAttribute: "emailAddress" },
      page([[7, "a@x.example", null]]),
      filter(),
    );
    expect(writes).toEqual([
      { key: "a@x.example", reaid: "RA", ref: "emailAddress=a@x.example", profileId: 7 },
    ]);
  });

  it("leaves a REAID with the profile that holds it, and gives it to the lowest profileId otherwise", () => {
    const held = diffPage(
      byId,
      page([
        [1, "a@x.example", null],
        [9, "a@x.example", "RA"],
      ]),
      filter(),
    );
    expect(held.writes).toEqual([]);
    expect(held.tally.duplicates).toBe(1);
    const fresh = diffPage(
      byId,
      page([
        [5, "a@x.example", null],
        [2, "a@x.example", null],
      ]),
      filter(),
    );
    expect(fresh.writes.map((w) => w.profileId)).toEqual([2]);
    expect(fresh.tally).toMatchObject({ duplicates: 1, toWrite: 1 });
  });

  it("skips rows given up, and leaves rows being retried or settled to their own step", () => {
    const { writes, tally } = diffPage(
      byId,
      page([
        [1, "a@x.example", null],
        [2, "b@x.example", null],
        [3, "c@x.example", null],
      ]),
      filter({ givenUp: new Map([["1", "too long"]]), retryRefs: new Set(["2"]), settled: new Set(["3"]) }),
    );
    expect(writes).toEqual([]);
    expect(tally).toMatchObject({ skipped: 1, toWrite: 0 });
  });

  it("writes nothing the ownership check refused, and clears emi's REAID of another e-mail after a swap", () => {
    const guard: BatchGuard = {
      refused: false,
      skip: new Map([[1, { kind: "foreign" } as ValueVerdict]]),
      blockedEmails: new Set(),
      heldValues: new Set(["RB"]),
    };
    const { writes, tally } = diffPage(
      byId,
      page(
        [
          [1, "a@x.example", "someone-else"],
          [2, "b@x.example", "RC"],
        ],
        guard,
      ),
      filter(),
    );
    expect(writes).toEqual([{ key: "2", reaid: "", ref: "2", profileId: 2 }]);
    expect(tally).toMatchObject({ skipped: 1, emails: 1, toWrite: 1 });
  });
});
