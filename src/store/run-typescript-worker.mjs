// Runs a TypeScript worker-thread module from the sources through tsx, for when emi itself runs from
// the sources (bin/emi.js with a stale bundle, tests): hooks registered on the main thread do not
// reach worker threads on Node 20. The bundle runs its compiled worker directly instead.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.typescriptEntry);
