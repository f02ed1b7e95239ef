import type { PlanAction } from "../plan/plan-types.ts";
import type { SyncEvent, SyncResult } from "../sync/run-sync.ts";

/** What became of one change. */
type ChangeOutcomeKind = "applied" | "failed" | "blocked" | "unchanged";

export interface ChangeOutcome {
  account: number;
  action: PlanAction;
  /** `lumen/customers`, for lines and tables. */
  target: string;
  outcome: ChangeOutcomeKind;
  /** `activated (attribute reaid added)`, `updated (sister 1044 released)`, or why it failed. */
  message: string;
  /** Warnings that need a person (e.g. a REAID attribute with another definition). */
  warnings: string[];
}

/** A journal step found pending from an earlier, interrupted apply, and what checking it showed. */
export interface RecoveredStep {
  account: number;
  step: string;
  applyId: string;
  outcome: "succeeded" | "failed" | "unknown";
  note: string;
}

export interface ApplyResult {
  applyId: string;
  recovered: RecoveredStep[];
  outcomes: ChangeOutcome[];
  syncs: SyncResult[];
  /** Why the sync phase failed as a whole, if it did. */
  syncError: string | null;
  durationMs: number;
}

/** Progress of an apply, as typed events; sync events are passed through as they come. */
export type ApplyEvent =
  | { type: "recovered"; step: RecoveredStep }
  | { type: "step"; account: number; step: string; outcome: "started" | "succeeded" | "failed" }
  | { type: "outcome"; outcome: ChangeOutcome }
  | { type: "sync"; event: SyncEvent };

/** Whether an apply went wholly well (exit 0) — a failed change or sync makes it exit 1. */
export function applySucceeded(result: ApplyResult): boolean {
  return (
    result.syncError === null &&
    !result.syncs.some((s) => s.failed || s.health === "degraded") &&
    !result.outcomes.some((o) => o.outcome === "failed") &&
    !result.recovered.some((r) => r.outcome === "unknown")
  );
}
