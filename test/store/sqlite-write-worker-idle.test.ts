import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { SqliteWriteWorker } from "../../src/store/sqlite-write-worker.ts";

describe("the SQLite write worker's idle stop", () => {
  const dir = mkdtempSync(join(tmpdir(), "emi-idle-worker-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stops its thread after the idle time, and the next request starts one that gives the same REAIDs", async () => {
    const path = join(dir, "state.db");
    await (await openStore(`sqlite:${path}`)).close(); // the schema
    const worker = new SqliteWriteWorker(path, 5_000);
    worker.stopWhenIdle(100);
    const batch = {
      namespace: "1042",
      emails: ["a@example.com", "b@example.com"],
      now: new Date().toISOString(),
      key: new Uint8Array(32),
    };
    const [first] = await worker.run([{ reaids: batch }], 1000);
    expect(worker.running).toBe(true);
    await sleep(600);
    expect(worker.running).toBe(false);
    const [again] = await worker.run([{ reaids: batch }], 1000);
    expect(worker.running).toBe(true);
    expect(again).toEqual(first);
    expect((first as string[]).length).toBe(2);
    // Kept for good once told so (a service).
    worker.stopWhenIdle(null);
    await sleep(300);
    expect(worker.running).toBe(true);
    await worker.close();
    expect(worker.running).toBe(false);
  });
});
