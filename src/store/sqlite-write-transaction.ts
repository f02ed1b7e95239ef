import type Database from "better-sqlite3";
import type { SqlStatement } from "./sql-driver.ts";
import { FENCE_CHECK_SQL, type LeaseFence, leaseLostError } from "./sql-driver.ts";
import { bindable } from "./sqlite-bindable.ts";
import { hashBatch } from "./hash-batch.ts";
import { prepareGetOrCreate, type ReaidBatch } from "./sqlite-get-or-create.ts";

/**
 * One caller's share of a group transaction: a REAID batch, or statements to run (the webhook
 * inbox's inserts, SqlDriver.runGrouped).
 */
export type WriteJob = { reaids: ReaidBatch } | { statements: readonly SqlStatement[] };

/** What a job gave: a REAID batch its REAIDs, in the order of its e-mails; statements nothing. */
export type WriteJobOutput = string[] | null;

/** Runs jobs in one IMMEDIATE transaction, which commits them all or none. */
export type WriteTransaction = (jobs: readonly WriteJob[]) => WriteJobOutput[];

/** Distinct statements kept prepared; beyond that, rare shapes are prepared each time. */
const STATEMENT_CACHE = 500;

/**
 * The write transaction of the SQLite store's hot paths (group commit): the write worker runs it
 * for a file, the main connection for an in-memory store. Jobs keep their own order and a REAID
 * batch its own created_at; batches are not merged into one sorted list, since SQLite has a single
 * writer (no lock order to keep across processes).
 */
export function prepareWriteTransaction(db: Database.Database): WriteTransaction {
  let getOrCreate: ReturnType<typeof prepareGetOrCreate> | undefined;
  let fenceCheck: Database.Statement<[string, string, number], unknown> | undefined;
  // A batch written under a lease checks it first, in this transaction: a holder that lost its
  // lease (a newer token, or released) creates nothing. The group then fails and each job is run
  // alone (runWriteGroup), so only the fenced-out caller fails.
  const checkFence = (fence: LeaseFence) => {
    fenceCheck ??= db.prepare(FENCE_CHECK_SQL);
    if (fenceCheck.get(fence.name, fence.id, fence.token) === undefined) throw leaseLostError(fence);
  };
  const statements = new Map<string, Database.Statement>();
  const run = ({ sql, params }: SqlStatement) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size < STATEMENT_CACHE) statements.set(sql, statement);
    }
    statement.run(...bindable(params));
  };
  const transaction = db.transaction((jobs: readonly WriteJob[]) =>
    jobs.map((job): WriteJobOutput => {
      if ("reaids" in job) {
        if (job.reaids.fence) checkFence(job.reaids.fence);
        getOrCreate ??= prepareGetOrCreate(db);
        const batch = job.reaids;
        if ("hashes" in batch) return getOrCreate(batch.namespace, batch.hashes, batch.now);
        // A small batch is hashed here; its REAIDs go back in the order of its e-mails.
        const { hashes, positions } = hashBatch(batch.key, batch.emails);
        const inIndexOrder = getOrCreate(batch.namespace, hashes, batch.now);
        const reaids = new Array<string>(positions.length);
        for (let k = 0; k < positions.length; k++) reaids[positions[k]!] = inIndexOrder[k]!;
        return reaids;
      }
      for (const statement of job.statements) run(statement);
      return null;
    }),
  );
  return transaction.immediate;
}
