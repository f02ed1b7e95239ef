import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Fewest milliseconds between two collections asked for by a worker (one costs ~20 ms at 35 MB live). */
const MIN_GAP_MS = 5_000;

/**
 * A full garbage collection between two busy cycles of a long-running worker, at most every
 * `minGapMs`. Without it V8 lets a `--watch` worker's old generation fill with the garbage of
 * finished runs before collecting (a worker over 500 idle integrations went from 190 to 290 MB RSS
 * in 100 cycles while its live heap stayed at ~35 MB: bench/fleet.md); with it the worker stays
 * flat. Cheap next to a cycle: one collection per cycle of hundreds of runs.
 */
export function heapTidier(
  now: () => number,
  options: { minGapMs?: number; collect?: () => void } = {},
): () => void {
  const minGapMs = options.minGapMs ?? MIN_GAP_MS;
  const collect = options.collect ?? collectGarbage;
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const at = now();
    if (at - last < minGapMs) return;
    last = at;
    collect();
  };
}

let collector: (() => void) | undefined;

/**
 * A full garbage collection now. Also run by a large listing after each full batch of REAIDs
 * (assignReaids' `afterFullBatch`): a back-fill's batches are garbage once served, and without it
 * V8 lets them fill the old generation first (bench/sync.md). About 20 ms at a 35 MB live heap.
 */
export function collectGarbage(): void {
  collector ??= fullCollection();
  collector();
}

/**
 * V8's `gc()`, exposed for this call only: the flag makes a new context carry it (as Jest's leak
 * detector does), and switching it off again leaves the process's own global untouched.
 */
function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  setFlagsFromString("--no-expose-gc");
  return gc;
}
