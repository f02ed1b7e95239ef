import type { ReaidBatch } from "./sqlite-reaid-transaction.ts";

/** A REAID batch waiting for its group's turn, and its caller. */
interface WaitingBatch {
  batch: ReaidBatch;
  resolve: (reaids: string[]) => void;
  reject: (error: unknown) => void;
}

/** Batches that will be committed together, and how many e-mails they hold. */
interface Group {
  batches: WaitingBatch[];
  emails: number;
}

/**
 * Takes turns at writing to a SQLite file between this process's two connections: the main one and
 * the REAID worker's. SQLite lets one writer in at a time; a main-connection write that found the
 * worker holding the lock would wait for it in SQLite's busy handler, which sleeps on the main
 * thread and stops the event loop. Here it waits its turn asynchronously instead. Reads take no
 * turn: in WAL mode they never wait for a writer.
 *
 * REAID batches that arrive while another turn runs wait together and go to the worker as one group
 * (group commit): one transaction instead of one per caller, so each random index page is rewritten
 * once per group rather than once per caller (bench/store.md), and callers wait for fewer commits.
 *
 * Turns run in the order they were asked for; a batch joins a waiting group only if no write was
 * asked for after that group, so nothing commits ahead of a write asked for before it. When nothing
 * waits, a turn starts at once (synchronously), so the order against reads is what it was before.
 */
export class SqliteWriteQueue {
  readonly #commit: (batches: readonly ReaidBatch[]) => Promise<(string[] | Error)[]>;
  readonly #maxGroupEmails: number;
  #tail: Promise<void> = Promise.resolve();
  /** Turns asked for and not yet finished. */
  #turns = 0;
  /** The group still waiting for its turn, which new batches join while it has room. */
  #open: Group | undefined;

  /**
   * `commit` runs a group in one transaction and gives each batch its REAIDs or its own error;
   * `maxGroupEmails` caps the e-mails of a group (a single larger batch still goes alone).
   */
  constructor(
    commit: (batches: readonly ReaidBatch[]) => Promise<(string[] | Error)[]>,
    maxGroupEmails: number,
  ) {
    this.#commit = commit;
    this.#maxGroupEmails = maxGroupEmails;
  }

  /** Runs a main-connection write once every turn asked for before it has finished. */
  write<T>(fn: () => Promise<T>): Promise<T> {
    this.#open = undefined;
    return this.#turn(fn);
  }

  /** The REAIDs of one batch, created with whatever other batches share its group's transaction. */
  getOrCreate(batch: ReaidBatch): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      const waiting = { batch, resolve, reject };
      const open = this.#open;
      if (open && open.emails + batch.emails.length <= this.#maxGroupEmails) {
        open.batches.push(waiting);
        open.emails += batch.emails.length;
        return;
      }
      const group: Group = { batches: [waiting], emails: batch.emails.length };
      this.#open = group;
      void this.#turn(() => {
        // Its turn has come: from now on, new batches form the next group.
        if (this.#open === group) this.#open = undefined;
        return this.#commitGroup(group.batches);
      });
    });
  }

  async #commitGroup(group: readonly WaitingBatch[]): Promise<void> {
    let results: (string[] | Error)[];
    try {
      results = await this.#commit(group.map((waiting) => waiting.batch));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, i) => {
      const result = results[i];
      if (Array.isArray(result)) waiting.resolve(result);
      else waiting.reject(result ?? new Error("the REAID worker gave no result for a batch"));
    });
  }

  #turn<T>(fn: () => Promise<T>): Promise<T> {
    const idle = this.#turns === 0;
    this.#turns++;
    let result: Promise<T>;
    try {
      result = idle ? fn() : this.#tail.then(fn);
    } catch (error) {
      result = Promise.reject(error);
    }
    const done = () => {
      this.#turns--;
    };
    this.#tail = result.then(done, done);
    return result;
  }
}
