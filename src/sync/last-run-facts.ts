import type { SyncCheckpoint } from "../store/store.ts";
import type { FullReadFacts } from "./full-read-facts.ts";
import type { RunState } from "./sync-run-state.ts";

/** What the last completed run found that `emi drift` reports without reading the table again. */
export interface LastRunFacts {
  kind: "emi-sync-last-run/1";
  /** Profiles that carried emi's REAID of another e-mail (cleared, then set on the next run). */
  mismatched: number;
  mismatchedExamples: number[];
  /** Values emi did not write (refused, not adopting). */
  foreign: number;
  foreignExamples: number[];
  /** The last complete full read (absent before one, and in checkpoints older than it). */
  fullRead?: FullReadFacts;
  /** When the last completed run's listing began (absent in older checkpoints). */
  startedAt?: string;
}

/** The idle checkpoint's `data` after a completed run; `fullRead` is this run's or the last one's. */
export function lastRunFacts(run: RunState, fullRead?: FullReadFacts): Record<string, unknown> {
  const own = run.ownership;
  const facts: LastRunFacts = {
    kind: "emi-sync-last-run/1",
    mismatched: own?.mismatched ?? 0,
    mismatchedExamples: own?.mismatchedExamples ?? [],
    foreign: own?.foreign ?? 0,
    foreignExamples: own?.foreignExamples ?? [],
    ...(fullRead ? { fullRead } : {}),
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
  };
  return facts as unknown as Record<string, unknown>;
}

/** The last completed run's facts from an idle checkpoint, or null (none yet, or a run under way). */
export function lastRunFactsOf(checkpoint: SyncCheckpoint | null): LastRunFacts | null {
  const data = checkpoint?.data as Partial<LastRunFacts> | undefined;
  return checkpoint?.phase === "idle" && data?.kind === "emi-sync-last-run/1" ? (data as LastRunFacts) : null;
}
