import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { hashBatch } from "../../src/store/hash-batch.ts";
import { openStore } from "../../src/store/open-store.ts";
import { SqliteWriteWorker } from "../../src/store/sqlite-write-worker.ts";
import { AddressHashThread } from "../../src/store/address-hash-thread-client.ts";
import { AddressHasher } from "../../src/store/address-hasher.ts";

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
      hashes: hashBatch(new Uint8Array(32), ["a@example.com", "b@example.com"]).hashes,
      now: new Date().toISOString(),
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

describe("the address-hash thread", () => {
  it("hashes a batch as the store does in place, stops when idle and starts again on the next batch", async () => {
    const key = new Uint8Array(32).fill(7);
    const emails = Array.from({ length: 3_000 }, (_, i) => `hash${i}@example.com`);
    const thread = new AddressHashThread();
    thread.stopWhenIdle(100);
    try {
      const first = await thread.hash(key, emails);
      expect(first).toEqual(hashBatch(key, emails));
      expect([...first.positions].sort((a, b) => a - b)).toEqual(emails.map((_, i) => i));
      expect(first.hashes[0]).toBe(new AddressHasher(key).hash(emails[first.positions[0]!]!));
      await sleep(600);
      expect(await thread.hash(key, emails.slice(0, 10))).toEqual(hashBatch(key, emails.slice(0, 10)));
    } finally {
      await thread.close();
    }
    await expect(thread.hash(key, emails)).rejects.toThrow(/closed/);
  });

  it("hashes the largest batch a store sends, of the longest addresses, within its memory limits", async () => {
    const key = new Uint8Array(32).fill(9);
    const local = "x".repeat(64);
    const domain = `${"d".repeat(180)}.example`;
    const emails = Array.from({ length: 50_000 }, (_, i) => `${local}${i}@${domain}`);
    const thread = new AddressHashThread();
    try {
      for (let round = 0; round < 3; round++) {
        const { hashes, positions } = await thread.hash(key, emails);
        expect(hashes).toHaveLength(50_000);
        expect(new Set(hashes).size).toBe(50_000);
        expect(hashes[7]).toBe(new AddressHasher(key).hash(emails[positions[7]!]!));
      }
    } finally {
      await thread.close();
    }
  });
});
