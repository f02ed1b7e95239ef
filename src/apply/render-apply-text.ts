import { terminalSafe } from "../plan/terminal-safe.ts";
import type { ApplyResult, ChangeOutcome, RecoveredStep } from "./apply-types.ts";

/** `1071 lumen/customers   activated (attribute reaid added)` */
export function formatOutcomeLine(outcome: ChangeOutcome): string {
  const head = `${outcome.account} ${outcome.target}`.padEnd(24);
  const lines = [`${head} ${outcome.outcome === "failed" ? `FAILED: ${outcome.message}` : outcome.message}`];
  for (const warning of outcome.warnings) lines.push(`${" ".repeat(24)} warning: ${warning}`);
  return terminalSafe(lines.join("\n"));
}

/** `recovered: 1071 add-attribute from an interrupted apply: succeeded (…)` */
export function formatRecoveredLine(step: RecoveredStep): string {
  return terminalSafe(
    `recovered: ${step.account} ${step.step} left pending by an interrupted apply: ${step.outcome} (${step.note})`,
  );
}

/** `Applied: 1 created, 2 updated, 1 blocked. 1 sync ran, 0 failed. 41.2 s.` */
export function renderApplySummary(result: ApplyResult): string {
  const count = (action: string) =>
    result.outcomes.filter((o) => o.outcome === "applied" && o.action === action).length;
  const parts = [`${count("create")} created`, `${count("update")} updated`];
  if (count("replace")) parts.push(`${count("replace")} replaced`);
  if (count("deactivate")) parts.push(`${count("deactivate")} deactivated`);
  const blocked = result.outcomes.filter((o) => o.outcome === "blocked").length;
  const failed = result.outcomes.filter((o) => o.outcome === "failed").length;
  if (blocked) parts.push(`${blocked} blocked`);
  if (failed) parts.push(`${failed} FAILED`);
  const syncFailed = result.syncError
    ? result.syncs.length || 1
    : result.syncs.filter((s) => s.failed).length;
  const degraded = result.syncs.filter((s) => !s.failed && s.health === "degraded");
  const syncs =
    `${result.syncs.length} sync${result.syncs.length === 1 ? "" : "s"} ran, ${syncFailed} failed` +
    (degraded.length > 0
      ? `, ${degraded.length} degraded (${degraded.map((s) => s.account).join(", ")})`
      : "");
  return `Applied: ${parts.join(", ")}. ${syncs}. ${(result.durationMs / 1000).toFixed(1)} s.`;
}
