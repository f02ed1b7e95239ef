import type { SqlStatement } from "./sql-driver.ts";
import { batchSize, type ReaidBatch } from "./sqlite-get-or-create.ts";
import type { WriteJob, WriteJobOutput } from "./sqlite-write-transaction.ts";

/** A job waiting for its group's turn, and its caller. */
interface WaitingJob {
  job: WriteJob;
  resolve: (output: WriteJobOutput) => void;
  reject: (error: unknown) => void;
}

/** Jobs that will be committed together, and how many e-mails their REAID batches hold. */
interface Group {
  jobs: WaitingJob[];
  emails: number;
}

/**
 * Jobs per group at most: a bound on one transaction's work (and on what one failure makes rerun
 * alone) when many small requests arrive at once.
 */
const MAX_GROUP_JOBS = 64;

/**
 * Takes turns at writing to a SQLite file between this process's two connections: the main one and
 * the write worker's. SQLite lets one writer in at a time; a main-connection write that found the
 * worker holding the lock would wait for it in SQLite's busy handler, which sleeps on the main
 * thread and stops the event loop. Here it waits its turn asynchronously instead. Reads take no
 * turn: in WAL mode they never wait for a writer.
 *
 * Jobs for the worker (REAID batches, grouped statements) that arrive while another turn runs wait
 * together and go to the worker as one group (group commit): one transaction instead of one per
 * caller, so each random index page is rewritten once per group rather than once per caller
 * (bench/store.md), and callers wait for fewer commits.
 *
 * Turns run in the order they were asked for; a job joins a waiting group only if no write was
 * asked for after that group, so nothing commits ahead of a write asked for before it. When nothing
 * waits, a turn starts at once (synchronously), so the order against reads is what it was before.
 */
export class SqliteWriteQueue {
  readonly #commit: (jobs: readonly WriteJob[]) => Promise<(WriteJobOutput | Error)[]>;
  readonly #maxGroupEmails: number;
  #tail: Promise<void> = Promise.resolve();
  /** Turns asked for and not yet finished. */
  #turns = 0;
  /** The group still waiting for its turn, which new jobs join while it has room. */
  #open: Group | undefined;

  /**
   * `commit` runs a group in one transaction and gives each job its output or its own error;
   * `maxGroupEmails` caps the e-mails of a group's REAID batches (a larger batch still goes alone).
   */
  constructor(
    commit: (jobs: readonly WriteJob[]) => Promise<(WriteJobOutput | Error)[]>,
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

  /** The REAIDs of one batch, created with whatever other jobs share its group's transaction. */
  async getOrCreate(batch: ReaidBatch): Promise<string[]> {
    return (await this.#join({ reaids: batch }, batchSize(batch))) as string[];
  }

  /** Runs statements in one transaction with whatever other jobs share it; resolves once committed. */
  async runGrouped(statements: readonly SqlStatement[]): Promise<void> {
    await this.#join({ statements }, 0);
  }

  #join(job: WriteJob, emails: number): Promise<WriteJobOutput> {
    return new Promise<WriteJobOutput>((resolve, reject) => {
      const waiting = { job, resolve, reject };
      const open = this.#open;
      if (open && open.emails + emails <= this.#maxGroupEmails && open.jobs.length < MAX_GROUP_JOBS) {
        open.jobs.push(waiting);
        open.emails += emails;
        return;
      }
      const group: Group = { jobs: [waiting], emails };
      this.#open = group;
      void this.#turn(() => {
        // Its turn has come: from now on, new jobs form the next group.
        if (this.#open === group) this.#open = undefined;
        return this.#commitGroup(group.jobs);
      });
    });
  }

  async #commitGroup(group: readonly WaitingJob[]): Promise<void> {
    let results: (WriteJobOutput | Error)[];
    try {
      results = await this.#commit(group.map((waiting) => waiting.job));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, i) => {
      const result = results[i];
      if (result === undefined) waiting.reject(new Error("the SQLite write worker gave no result for a job"));
      else if (result instanceof Error) waiting.reject(result);
      else waiting.resolve(result);
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
