import { describeSyncCost } from "./estimate-sync.ts";
import { diffArrays } from "diff";
import pc from "picocolors";
import {
  changeLabel,
  describeLive,
  describeSummary,
  describeSyncEstimate,
  formatValue,
  hasChanges,
  targetOf,
} from "./describe-change.ts";
import { describeKeyRevocation } from "./plan-key-revocations.ts";
import { describeAdoption, describeTakeover, VALUES_NOT_EMIS } from "./plan-table-ownership.ts";
import type { Change, FieldDifference, Plan } from "./plan-types.ts";
import { realtimeLine } from "./realtime-plan.ts";
import { terminalSafe } from "./terminal-safe.ts";
import { UNMANAGED_CONFLICT } from "../types/diagnostic-code.ts";

export interface RenderTextOptions {
  /** Colours (a terminal). Off by default so files and CI logs stay plain. */
  color?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

const symbols: Record<string, string> = {
  create: "+",
  update: "~",
  replace: "±",
  deactivate: "-",
  sync: "↻",
  blocked: "!",
};

/** The plan for a terminal, in the spirit of Terraform's: one block per change, then the summary line. */
export function renderPlanText(plan: Plan, options: RenderTextOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const lines: string[] = [];
  // Live conflicts are diagnostics too (for annotations), but they read best with their change.
  const diagnostics = plan.diagnostics.filter((d) => d.code !== UNMANAGED_CONFLICT);
  for (const d of diagnostics) {
    const severity = d.severity === "error" ? c.red("error") : c.yellow("warning");
    lines.push(`${d.file}:${d.line}:${d.column}  ${severity}  ${d.code}  ${d.message}`);
  }
  if (diagnostics.length > 0) lines.push("");
  const shown = plan.changes.filter((ch) => ch.action !== "no-op" || ch.problems.length > 0);
  if (!hasChanges(plan) && shown.length === 0) {
    lines.push(
      plan.diagnostics.some((d) => d.severity === "error")
        ? "No plan: fix the errors above first."
        : "No changes. The registry and Actito match the declarations.",
    );
    return terminalSafe(`${lines.join("\n")}\n`, { keepColour: options.color });
  }
  lines.push("emi will make these changes:", "");
  for (const change of shown) lines.push(...renderChange(change, c), "");
  lines.push(`Plan: ${describeSummary(plan)}`);
  if (plan.summary.errors > 0) {
    lines.push(c.red(`${plan.summary.errors} error(s): apply leaves the integrations in error unchanged.`));
  }
  return terminalSafe(`${lines.join("\n")}\n`, { keepColour: options.color });
}

function paint(label: string, text: string, c: Colors): string {
  if (label === "create") return c.green(text);
  if (label === "deactivate" || label === "blocked") return c.red(text);
  if (label === "replace") return c.magenta(text);
  if (label === "update" || label === "sync") return c.yellow(text);
  return text;
}

function renderChange(change: Change, c: Colors): string[] {
  const label = changeLabel(change);
  const head = `  ${paint(label, `${symbols[label] ?? " "} ${label.padEnd(8)}`, c)} ${String(change.account).padEnd(5)} `;
  const lines: string[] = [];
  if (change.action === "deactivate") {
    lines.push(
      `${head}${change.blocked ? `deactivate: ${change.reason}; run apply with --allow-deactivate` : change.reason}`,
      `                   actito ${targetOf(change)} · REAIDs and Actito data are kept`,
    );
    if (change.realtime) lines.push(`      ${realtimeLine(change.realtime)}`);
    for (const r of change.serviceKeys ?? []) lines.push(`      service keys: ${describeKeyRevocation(r)}`);
    return lines;
  }
  const notes: string[] = [];
  if (change.after && change.action === "create") {
    notes.push(`emailSync ${change.after.emailSync ? "on" : "off"}`);
    if (change.after.sisterAccounts.length > 0)
      notes.push(`sisters ${change.after.sisterAccounts.join(", ")}`);
  }
  lines.push(`${head}actito ${targetOf(change)}${notes.length ? `   ${notes.join(", ")}` : ""}`);
  if (change.action !== "create") {
    for (const d of change.differences) lines.push(`      ${renderDifference(d, c)}`);
  }
  if (change.action !== "update" || change.live?.attribute.status === "missing") {
    const live = describeLive(change);
    if (live) lines.push(`      ${change.action === "create" ? "activation" : "live"}: ${live}`);
  }
  const notEmis = change.problems.find((p) => p.code === VALUES_NOT_EMIS);
  if (notEmis) {
    // The finding on the sync line, what to do below it.
    const cut = notEmis.message.indexOf(". emi never");
    const head = cut < 0 ? notEmis.message : notEmis.message.slice(0, cut);
    lines.push(`      sync: ${c.red("ERROR")} ${head}`);
    if (cut >= 0)
      for (const line of wrap(notEmis.message.slice(cut + 2), 90)) lines.push(`            ${line}`);
  } else if (change.syncAfter) {
    // A sync planned again after a failed run says so first (buildPlan's reason, "sync: the last run failed …").
    if (change.action === "sync" && change.reason.startsWith("sync: ")) lines.push(`      ${change.reason}`);
    const estimate = describeAdoption(change) ?? describeSyncEstimate(change.live);
    lines.push(`      sync: ${estimate ?? "REAID sync runs after activation"}`);
    const cost = change.sync?.estimate;
    if (cost && change.live?.syncCost) {
      lines.push(`      cost: ${describeSyncCost(cost, change.live.syncCost.callsPerMinute)}`);
    }
  }
  const takeover = describeTakeover(change);
  if (takeover) lines.push(`      REAIDs: ${takeover}`);
  for (const r of change.serviceKeys ?? []) lines.push(`      service keys: ${describeKeyRevocation(r)}`);
  if (change.realtime) lines.push(`      ${realtimeLine(change.realtime)}`);
  for (const p of change.problems) {
    if (p === notEmis) continue;
    lines.push(
      `      ${p.severity === "error" ? c.red("error") : c.yellow("warning")} ${p.code}: ${p.message}`,
    );
  }
  return lines;
}

function renderDifference(d: FieldDifference, c: Colors): string {
  const field = d.field.padEnd(16);
  if (d.sensitive) return `${field} ${formatValue(d.after)}`;
  let detail = "";
  if (Array.isArray(d.before) && Array.isArray(d.after)) {
    const parts = diffArrays(d.before as unknown[], d.after as unknown[]).flatMap((part) =>
      part.added
        ? part.value.map((v) => c.green(`+${formatValue(v)}`))
        : part.removed
          ? part.value.map((v) => c.red(`-${formatValue(v)}`))
          : [],
    );
    detail = parts.length ? `   (${parts.join(" ")})` : "";
  }
  return `${field} ${formatValue(d.before)}  →  ${formatValue(d.after)}${detail}`;
}

/** Words of `text` in lines of at most `width` characters (a longer word gets its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
