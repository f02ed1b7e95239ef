import { describe, expect, it } from "vitest";
import type { ReaidBatch } from "../../src/store/sqlite-get-or-create.ts";
import { SqliteWriteQueue } from "../../src/store/sqlite-write-queue.ts";
import type { WriteJob, WriteJobOutput } from "../../src/store/sqlite-write-transaction.ts";

/** A job's name in the groups a test expects: a batch's namespace, or the first statement's SQL. */
const nameOf = (job: WriteJob) => ("reaids" in job ? job.reaids.namespace : job.statements[0]!.sql);

/** A commit function the test finishes by hand, recording the groups it was given. */
function manualCommit() {
  const groups: string[][] = [];
  const finish: (() => void)[] = [];
  const commit = (jobs: readonly WriteJob[]) => {
    groups.push(jobs.map(nameOf));
    return new Promise<(WriteJobOutput | Error)[]>((resolve) => {
      finish.push(() =>
        resolve(
          jobs.map((job) => {
            if (nameOf(job).startsWith("bad")) {
              return Object.assign(new Error(`refused ${nameOf(job)}`), {
                code: "SQLITE_CONSTRAINT_TRIGGER",
              });
            }
            if (!("reaids" in job)) return null;
            const batch = job.reaids;
            return ("hashes" in batch ? batch.hashes : batch.emails).map(
              (value) => `${batch.namespace}/${value}`,
            );
          }),
        ),
      );
    });
  };
  return { groups, commit, finishNext: () => finish.shift()!() };
}

const batch = (namespace: string, size = 1): ReaidBatch => ({
  namespace,
  hashes: Array.from({ length: size }, (_, i) => `e${i}`),
  now: "2026-01-01T00:00:00.000Z",
});

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("SqliteWriteQueue", () => {
  it("commits a batch at once when nothing else is under way", async () => {
    const { groups, commit, finishNext } = manualCommit();
    const queue = new SqliteWriteQueue(commit, 100);
    const reaids = queue.getOrCreate(batch("a", 2));
    expect(groups).toEqual([["a"]]);
    finishNext();
    expect(await reaids).toEqual(["a/e0", "a/e1"]);
  });

  it("commits the batches that arrived during a commit together, each caller getting its own REAIDs", async () => {
    const { groups, commit, finishNext } = manualCommit();
    const queue = new SqliteWriteQueue(commit, 100);
    const first = queue.getOrCreate(batch("a"));
    const waiting = [
      queue.getOrCreate(batch("b")),
      queue.getOrCreate(batch("c", 2)),
      queue.getOrCreate(batch("a")),
    ];
    expect(groups).toEqual([["a"]]);
    finishNext();
    await first;
    await settled();
    expect(groups).toEqual([["a"], ["b", "c", "a"]]);
    finishNext();
    expect(await Promise.all(waiting)).toEqual([["b/e0"], ["c/e0", "c/e1"], ["a/e0"]]);
  });

  it("starts a new group when the next batch would pass the cap", async () => {
    const { groups, commit, finishNext } = manualCommit();
    const queue = new SqliteWriteQueue(commit, 10);
    const all = [
      queue.getOrCreate(batch("a", 4)),
      queue.getOrCreate(batch("b", 4)),
      queue.getOrCreate(batch("c", 4)),
      queue.getOrCreate(batch("d", 6)),
      queue.getOrCreate(batch("e", 20)),
    ];
    for (let turn = 0; turn < 4; turn++) {
      finishNext();
      await settled();
    }
    await Promise.all(all);
    expect(groups).toEqual([["a"], ["b", "c"], ["d"], ["e"]]);
  });

  it("fails only the caller whose batch failed when a group is committed", async () => {
    const { commit, finishNext } = manualCommit();
    const queue = new SqliteWriteQueue(commit, 100);
    const first = queue.getOrCreate(batch("a"));
    const good = queue.getOrCreate(batch("b"));
    const bad = queue.getOrCreate(batch("bad"));
    finishNext();
    await first;
    await settled();
    finishNext();
    expect(await good).toEqual(["b/e0"]);
    await expect(bad).rejects.toMatchObject({ message: "refused bad", code: "SQLITE_CONSTRAINT_TRIGGER" });
  });

  it("commits statements and REAID batches that arrived during a commit in one group", async () => {
    const { groups, commit, finishNext } = manualCommit();
    const queue = new SqliteWriteQueue(commit, 100);
    const first = queue.getOrCreate(batch("a"));
    const statements = queue.runGrouped([{ sql: "INSERT 1", params: [] }]);
    const reaids = queue.getOrCreate(batch("b"));
    const refused = queue.runGrouped([{ sql: "bad INSERT", params: [] }]);
    finishNext();
    await first;
    await settled();
    expect(groups).toEqual([["a"], ["INSERT 1", "b", "bad INSERT"]]);
    finishNext();
    await expect(statements).resolves.toBeUndefined();
    expect(await reaids).toEqual(["b/e0"]);
    await expect(refused).rejects.toThrow("refused bad INSERT");
  });

  it("starts a new group past 64 jobs however small they are", async () => {
    const { groups, commit, finishNext } = manualCommit();
    const queue = new SqliteWriteQueue(commit, 1_000_000);
    const all = Array.from({ length: 1 + 70 }, (_, i) => queue.getOrCreate(batch(`n${i}`)));
    for (let turn = 0; turn < 3; turn++) {
      finishNext();
      await settled();
    }
    await Promise.all(all);
    expect(groups.map((group) => group.length)).toEqual([1, 64, 6]);
  });

  it("rejects every batch of a group when the commit itself fails", async () => {
    const queue = new SqliteWriteQueue(() => Promise.reject(new Error("the worker stopped")), 100);
    const calls = [queue.getOrCreate(batch("a")), queue.getOrCreate(batch("b"))];
    for (const call of calls) await expect(call).rejects.toThrow("the worker stopped");
    // The queue goes on after a failure.
    await expect(queue.write(async () => "written")).resolves.toBe("written");
  });

  it("keeps the order of writes and batches when a write is asked for between batches", async () => {
    const { groups, commit, finishNext } = manualCommit();
    const queue = new SqliteWriteQueue(commit, 100);
    const order: string[] = [];
    const first = queue.getOrCreate(batch("a")).then(() => order.push("a"));
    const before = queue.getOrCreate(batch("b")).then(() => order.push("b"));
    const write = queue.write(async () => {
      order.push("write");
    });
    // Asked for after the write: it must not join the group of "b", which commits before the write.
    const after = queue.getOrCreate(batch("c")).then(() => order.push("c"));
    for (let turn = 0; turn < 3; turn++) {
      if (groups.length > turn) finishNext();
      await settled();
    }
    await Promise.all([first, before, write, after]);
    expect(order).toEqual(["a", "b", "write", "c"]);
    expect(groups).toEqual([["a"], ["b"], ["c"]]);
  });

  it("runs a write at once, before the next microtask, when nothing else is under way", () => {
    const queue = new SqliteWriteQueue(() => Promise.resolve([]), 100);
    let ran = false;
    void queue.write(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});
