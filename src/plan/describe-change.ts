import type { Change, IntegrationView, LiveFacts, Plan } from "./plan-types.ts";

/** The label a change is shown under: its action, or `blocked` for a deactivation not allowed. */
export function changeLabel(change: Change): string {
  return change.blocked ? "blocked" : change.action;
}

/** `api3 / lumen / customers`: where the integration points (after, or before for a deactivation). */
export function targetOf(change: Change): string {
  const view: IntegrationView | null = change.after ?? change.before;
  if (!view) return "";
  return `${view.endpoint} / ${view.entity} / ${view.profileTable ?? "(the only table)"}`;
}

/** A value as one short line: arrays as `[1, 2]`, strings bare, null as `(none)`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "(none)";
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v)).join(", ")}]`;
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

const numberFormat = new Intl.NumberFormat("en-US");

/** 48,200 */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** What refresh learned, as one line, e.g. `key works · entity lumen found · table customers (id 16) · add attribute reaid`. */
export function describeLive(change: Change): string | null {
  const live = change.live;
  const after = change.after;
  if (!live || !after) return null;
  if (!live.secretAvailable)
    return "not checked against Actito: no secret available here (live facts unknown)";
  if (live.error !== null) return `could not read Actito: ${live.error}`;
  const parts: string[] = [];
  parts.push(live.key === "works" ? "key works" : live.key === "rejected" ? "key REJECTED" : "key unknown");
  if (live.key === "works") {
    parts.push(live.entity === "found" ? `entity ${after.entity} found` : `entity ${after.entity} MISSING`);
  }
  if (live.table.status === "found") parts.push(`table ${live.table.name} (id ${live.table.id})`);
  else if (live.table.status !== "unknown") parts.push(`table ${live.table.status.toUpperCase()}`);
  const attr = after.reaidAttribute;
  if (live.attribute.status === "missing") parts.push(`add attribute ${attr}`);
  else if (live.attribute.status === "present") parts.push(`attribute ${attr} present`);
  else if (live.attribute.status === "conflict") parts.push(`attribute ${attr} CONFLICTS`);
  return parts.join(", ");
}

/** `about 48,200 profiles need a REAID`, or a lower bound when only the first pages were read. */
export function describeSyncEstimate(live: LiveFacts | null): string | null {
  const estimate = live?.profilesWithoutReaid;
  if (!estimate) return null;
  const n = formatCount(estimate.count);
  return estimate.complete
    ? `${estimate.count === 0 ? "no" : `about ${n}`} profiles need a REAID`
    : `at least ${n} profiles need a REAID`;
}

/** `Plan: 1 to create, 2 to update, 0 to deactivate (1 blocked), 9 unchanged.` */
export function describeSummary(plan: Plan): string {
  const s = plan.summary;
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.replace > 0) parts.push(`${s.replace} to replace`);
  parts.push(`${s.deactivate} to deactivate${s.blocked > 0 ? ` (${s.blocked} blocked)` : ""}`);
  if (s.sync > 0) parts.push(`${s.sync} to sync`);
  parts.push(`${s.unchanged} unchanged`);
  return `${parts.join(", ")}.`;
}

/** Whether a plan asks apply to do anything (blocked deactivations count: they are pending work). */
export function hasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== "no-op");
}

/** Whether a plan has errors that keep apply from changing something. */
export function hasErrors(plan: Plan): boolean {
  return plan.summary.errors > 0 || plan.diagnostics.some((d) => d.severity === "error");
}
