import { REAID_BYTES } from "./new-reaids.ts";

/**
 * The code of the thread that creates REAIDs for SqliteDriver (see SqliteReaidWorker), as a string
 * run with `new Worker(source, { eval: true })`.
 *
 * Why a string rather than a worker file: emi runs both from its TypeScript sources (through tsx)
 * and from the esbuild bundle in dist/cli, and a worker file would have to exist, compiled, next to
 * each. A string travels inside whichever module imports it. It is plain CommonJS JavaScript: the
 * worker's loader is Node's own, whatever runs the main thread. It loads better-sqlite3 from the path
 * the main thread resolved (`workerData.driverPath`), so it finds the very same package.
 *
 * The transaction is the one SqliteDriver ran on the main thread before, unchanged: IMMEDIATE (takes
 * the write lock up front, a racing process waits), inserts that never overwrite, and whatever is
 * stored wins. Fresh REAIDs: 16 random bytes from the CSPRNG as base64url, as `newReaids` draws them.
 *
 * Protocol: the main thread posts `{ id, namespace, emails, now }` (e-mails normalised, unique,
 * sorted); the worker answers `{ id, reaids }` (same order as `emails`) or `{ id, error }`.
 */
export const sqliteReaidWorkerSource = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { randomBytes } = require("node:crypto");
const Database = require(workerData.driverPath);

const REAID_BYTES = ${REAID_BYTES};
const db = new Database(workerData.path);
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
// 16 MB of page cache: the process also carries the main connection's cache and the sync's pages,
// and pages missed here are still in the OS's file cache. A 1M back-fill took 12.7-15.9 s with
// 64 MB and 13.8-17.1 s with 16 MB (within this machine's noise), but 64 MB peaked over 300 MB.
db.pragma("cache_size = -16384");
db.pragma("wal_autocheckpoint = 10000");
db.pragma("journal_size_limit = 67108864");

function newReaids(count) {
  const bytes = randomBytes(REAID_BYTES * count);
  const reaids = new Array(count);
  for (let i = 0; i < count; i++) reaids[i] = bytes.toString("base64url", i * REAID_BYTES, (i + 1) * REAID_BYTES);
  return reaids;
}

const select = db.prepare("SELECT reaid FROM reaids WHERE namespace = ? AND email = ?").pluck();
const insert = db.prepare(
  "INSERT INTO reaids (namespace, email, reaid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
);
const getOrCreate = db.transaction((namespace, emails, now) => {
  const out = new Array(emails.length);
  let fresh = [];
  let next = 0;
  // Calls are nearly all-new (a back-fill) or nearly all-known (a re-run), so guess from the
  // previous e-mail: a new one is inserted straight away, a known one is looked up first.
  let lastWasNew = true;
  for (let i = 0; i < emails.length; i++) {
    const email = emails[i];
    let reaid = lastWasNew ? undefined : select.get(namespace, email);
    lastWasNew = reaid === undefined;
    while (reaid === undefined) {
      if (next === fresh.length) {
        fresh = newReaids(Math.min(4096, emails.length));
        next = 0;
      }
      const candidate = fresh[next++];
      // We hold the write lock: nothing inserted means the e-mail is already there or, at 2^-128,
      // the REAID collided and the loop draws again.
      if (insert.run(namespace, email, candidate, now).changes === 1) reaid = candidate;
      else {
        reaid = select.get(namespace, email);
        if (reaid !== undefined) lastWasNew = false;
      }
    }
    out[i] = reaid;
  }
  return out;
}).immediate;

parentPort.on("message", (request) => {
  if (request.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: request.id, reaids: getOrCreate(request.namespace, request.emails, request.now) });
  } catch (error) {
    parentPort.postMessage({
      id: request.id,
      error: { message: String(error && error.message), code: error && error.code },
    });
  }
});
`;
