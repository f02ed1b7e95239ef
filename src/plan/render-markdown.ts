import { describeSyncCost } from "./estimate-sync.ts";
import {
  changeLabel,
  describeLive,
  describeSyncEstimate,
  formatCount,
  formatValue,
  hasChanges,
  targetOf,
} from "./describe-change.ts";
import { abbreviateList, codeFence, inlineCode, markdownCell, markdownText } from "./markdown-safe.ts";
import { describeKeyRevocation } from "./plan-key-revocations.ts";
import { describeAdoption, describeTakeover } from "./plan-table-ownership.ts";
import type { Change, IntegrationView, Plan } from "./plan-types.ts";
import { realtimeLine } from "./realtime-plan.ts";
import { declarationErrors } from "./declaration-errors.ts";

export interface RenderMarkdownOptions {
  /** GitHub's comment limit is 65,536; stay clear of it. */
  maxChars?: number;
  /** The hidden marker a sticky comment is found by; default `<!-- emi:plan repo=<repo> -->`. */
  marker?: string;
  /** The commit the plan was made at, shown in the footer. */
  commit?: string;
}

const icons: Record<string, string> = {
  create: "➕",
  update: "✏️",
  replace: "♻️",
  deactivate: "➖",
  sync: "🔄",
  blocked: "⚠️",
};

/** Wraps a marker in an HTML comment unless it already is one. */
export function markerLine(marker: string): string {
  return marker.startsWith("<!--") ? marker : `<!-- ${marker} -->`;
}

/**
 * The plan as a pull-request comment: summary counts first, deactivations first, one `<details>` per
 * integration, never longer than `maxChars` (an explicit note points at the JSON plan when cut).
 */
export function renderPlanMarkdown(plan: Plan, options: RenderMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? 60_000;
  const head: string[] = [
    markerLine(options.marker ?? `emi:plan repo=${plan.repo}`),
    `### emi plan — ${headline(plan)}`,
    "",
  ];
  const errors = declarationErrors(plan.diagnostics).map(
    (d) => `- ❌ ${inlineCode(`${d.file}:${d.line}:${d.column}`)} **${d.code}** ${escapeMd(d.message)}`,
  );
  if (errors.length) head.push(...errors, "");
  const links = linkSummary(plan);
  if (links !== undefined) head.push(links, "");
  const shown = plan.changes.filter((c) => c.action !== "no-op" || c.problems.length > 0);
  const moves = sisterMoves(plan);
  // Blocks are made lazily: a plan of thousands of changes stops being rendered at the limit.
  function* blocks(): Generator<string> {
    if (shown.length > 0) {
      yield "| | account | integration | change |\n|---|---|---|---|";
      for (const change of shown) yield tableRow(change, moves);
      yield "";
      for (const change of shown) yield details(change);
    } else if (!errors.length) {
      yield "No changes: the registry and Actito match the declarations.\n";
    }
  }
  const footer = footerLine(plan, options.commit);
  const note = "\n> ✂️ This comment was truncated, see the JSON plan for every change.\n";
  let out = `${head.join("\n")}\n`;
  const parts: string[] = [];
  let length = out.length;
  let cut = false;
  for (const block of blocks()) {
    // Keep room for the note: whether this block is the last is unknown until the next one.
    if (length + block.length + 1 + footer.length + note.length > maxChars) {
      cut = true;
      break;
    }
    parts.push(`${block}\n`);
    length += block.length + 1;
  }
  out += parts.join("") + (cut ? note : "");
  out += footer;
  return out.length > maxChars ? `${out.slice(0, Math.max(0, maxChars - note.length))}${note}` : out;
}

function headline(plan: Plan): string {
  const s = plan.summary;
  const parts: string[] = [];
  if (s.create) parts.push(`${s.create} to create`);
  if (s.update) parts.push(`${s.update} to update`);
  if (s.replace) parts.push(`${s.replace} to replace`);
  if (s.deactivate) parts.push(`${s.deactivate} to deactivate`);
  if (s.blocked) parts.push(`${s.blocked} blocked`);
  if (s.sync && !s.create && !s.update && !s.replace) parts.push(`${s.sync} to sync`);
  if (s.errors) parts.push(`${s.errors} error${s.errors === 1 ? "" : "s"}`);
  if (!parts.length) return hasChanges(plan) ? "changes" : "no changes";
  return parts.join(", ");
}

interface SisterMoves {
  claimedBy: Map<number, number>;
  releasedBy: Map<number, number>;
}

function sisterMoves(plan: Plan): SisterMoves {
  const moves: SisterMoves = { claimedBy: new Map(), releasedBy: new Map() };
  for (const c of plan.changes) {
    for (const a of c.sisters.claimed) moves.claimedBy.set(a, c.account);
    for (const a of c.sisters.released) moves.releasedBy.set(a, c.account);
    if (c.action === "create") moves.claimedBy.set(c.account, c.account);
  }
  return moves;
}

function tableRow(change: Change, moves: SisterMoves): string {
  const label = changeLabel(change);
  const failed = change.problems.some((p) => p.severity === "error");
  const icon = failed ? "❌" : (icons[label] ?? "");
  return `| ${icon} | ${change.account} | ${markdownCell(targetOf(change))} | ${escapeCell(summaryCell(change, label, moves))} |`;
}

function summaryCell(change: Change, label: string, moves: SisterMoves): string {
  if (change.blocked) return "**deactivate blocked** — file removed; needs `--allow-deactivate`";
  if (label === "deactivate") return "**deactivate** — file removed; REAIDs and Actito data are kept";
  const parts: string[] = [label];
  if (label === "create" && change.after?.sisterAccounts.length) {
    parts.push(`sisters ${abbreviateList(change.after.sisterAccounts, 10)}`);
  }
  const { released, claimed } = change.sisters;
  if (released.length + claimed.length > 10) {
    parts.push(`sisters: ${formatCount(claimed.length)} gained, ${formatCount(released.length)} released`);
  }
  for (const a of released.length + claimed.length > 10 ? [] : released) {
    const to = moves.claimedBy.get(a);
    parts.push(
      to !== undefined && to !== change.account ? `sister ${a} moves to ${to}` : `releases sister ${a}`,
    );
  }
  if (label !== "create" && released.length + claimed.length <= 10) {
    for (const a of claimed) {
      const from = moves.releasedBy.get(a);
      parts.push(from !== undefined ? `gains sister ${a} from ${from}` : `gains sister ${a}`);
    }
  }
  for (const d of change.differences) {
    if (d.field === "sisterAccounts") continue;
    parts.push(d.field === "apiKey" ? "API key changed" : `${d.field} changed`);
  }
  const estimate = change.live?.profilesWithoutReaid;
  if (change.syncAfter && estimate) {
    parts.push(`${estimate.complete ? "about" : "at least"} ${formatCount(estimate.count)} REAIDs to write`);
  }
  if (change.realtime?.subscriptions.some((s) => s.action !== "keep")) parts.push("realtime webhooks");
  for (const p of change.problems) parts.push(`${p.severity === "error" ? "❌" : "⚠️"} ${p.code}`);
  return parts.join(", ");
}

function viewLines(view: IntegrationView): string[] {
  return [
    `account: ${view.account}`,
    `actito: { endpoint: ${view.endpoint}, entity: ${view.entity}, profileTable: ${view.profileTable ?? "(the only table)"}, email: ${view.email} }`,
    `reaidAttribute: ${view.reaidAttribute}`,
    `apiKey: ${view.apiKey ?? "(none)"}`,
    `sisterAccounts: [${abbreviateList(view.sisterAccounts)}]`,
    `emailSync: ${view.emailSync}`,
  ];
}

function details(change: Change): string {
  const label = changeLabel(change);
  const lines: string[] = [];
  if (change.action === "create" && change.after) {
    lines.push(...viewLines(change.after).map((l) => `+ ${l}`));
  } else {
    for (const d of change.differences) {
      if (d.sensitive) lines.push(`  ${d.field}: ${formatValue(d.after)}`);
      else lines.push(`- ${d.field}: ${shortValue(d.before)}`, `+ ${d.field}: ${shortValue(d.after)}`);
    }
  }
  const body: string[] = [`<details><summary>${change.account} · ${label}</summary>`, ""];
  body.push(escapeMd(change.reason), "");
  if (lines.length) body.push(...codeFence("diff", lines));
  const live = describeLive(change);
  if (live) body.push(`Live: ${escapeMd(live.replaceAll(", ", " · "))}`);
  const estimate = change.syncAfter ? (describeAdoption(change) ?? describeSyncEstimate(change.live)) : null;
  if (estimate) body.push(`Sync: ${escapeMd(estimate)}`);
  const cost = change.sync?.estimate;
  if (cost && change.live?.syncCost) {
    body.push(`Cost: ${escapeMd(describeSyncCost(cost, change.live.syncCost.callsPerMinute))}`);
  }
  const takeover = describeTakeover(change);
  if (takeover) body.push(`REAIDs: ${escapeMd(takeover)}`);
  for (const r of change.serviceKeys ?? []) body.push(`Service keys: ${escapeMd(describeKeyRevocation(r))}`);
  if (change.realtime) body.push(escapeMd(realtimeLine(change.realtime).replace(/^webhooks:/, "Webhooks:")));
  for (const p of change.problems) {
    body.push(`${p.severity === "error" ? "❌" : "⚠️"} **${p.code}**: ${escapeMd(p.message)}`);
  }
  body.push("</details>", "");
  return body.join("\n");
}

function footerLine(plan: Plan, commit: string | undefined): string {
  const parts = [`${plan.summary.unchanged} integration${plan.summary.unchanged === 1 ? "" : "s"} unchanged`];
  if (plan.summary.unchecked)
    parts.push(`${plan.summary.unchecked} checked without secrets (live facts unknown)`);
  parts.push(
    `plan \`${plan.basis.fingerprint.slice(0, 15)}…\`${commit ? ` at \`${commit.slice(0, 7)}\`` : ""}`,
  );
  parts.push("full JSON plan: `emi plan --format json`");
  return `${parts.join(" · ")}\n`;
}

/** A value in the diff: long account lists are abbreviated so one change cannot fill the comment. */
function shortValue(value: unknown): string {
  return Array.isArray(value) ? `[${abbreviateList(value)}]` : formatValue(value);
}

/** For cells emi composes itself (with its own Markdown): only the cell and the line are protected. */
function escapeCell(text: string): string {
  return markdownText(text).replaceAll("|", "\\|");
}

function escapeMd(text: string): string {
  return markdownText(text);
}

/** One line on the campaign link check: how many campaigns were read and how many links lack the REAID. */
function linkSummary(plan: Plan): string | undefined {
  const checks = plan.changes.flatMap((c) => c.links ?? []);
  if (checks.length === 0) return undefined;
  const bad = checks.reduce((n, c) => n + c.problems.length, 0);
  const unreadable = checks.filter((c) => c.error !== undefined).length;
  const parts = [`${bad} link${bad === 1 ? "" : "s"} without the REAID`];
  if (unreadable > 0) parts.push(`${unreadable} campaign${unreadable === 1 ? "" : "s"} unreadable`);
  const mark = bad > 0 || unreadable > 0 ? "⚠️" : "✅";
  return `${mark} Campaign links: ${checks.length} campaign${checks.length === 1 ? "" : "s"} checked, ${parts.join(", ")}${bad + unreadable > 0 ? " (`emi links check` shows each)" : ""}.`;
}
