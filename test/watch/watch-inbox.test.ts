import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { watchInbox } from "../../src/watch/watch-inbox.ts";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "emi-watch-inbox-"));
  store = await openStore(`sqlite:${join(dir, "state.db")}`);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("watchInbox (the hook of emi sync --watch)", () => {
  it("makes accounts with events due, and a settled run removes only the events it covered", async () => {
    const inbox = store;
    await inbox.addInboxEvents(1042, [{ profileId: "1", eventType: "CREATE" }], "2026-12-01T10:00:00.000Z");
    await inbox.addInboxEvents(1042, [{ profileId: "2", eventType: "CREATE" }], "2026-12-01T10:00:09.000Z");
    await inbox.addInboxEvents(1050, [{ profileId: "3", eventType: "CREATE" }], "2026-12-01T10:00:00.000Z");
    const hook = watchInbox(store);
    expect(await hook.due()).toEqual(new Set([1042, 1050]));
    await hook.settled(1042, "2026-12-01T10:00:05.000Z");
    // The run started at 10:00:05: the event of 10:00:09 came in during it and stays.
    expect((await inbox.peekInbox(1042, 10)).map((e) => e.profileId)).toEqual(["2"]);
    expect(await hook.due()).toEqual(new Set([1042, 1050]));
  });

  it("reports a store that does not answer instead of reading it as an empty inbox", async () => {
    const hook = watchInbox(store);
    await store.close();
    await expect(hook.due()).rejects.toThrow();
    store = await openStore(`sqlite:${join(dir, "state.db")}`);
  });
});
