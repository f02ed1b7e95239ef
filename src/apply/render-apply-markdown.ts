import { markdownText } from "../plan/markdown-safe.ts";
import { markerLine } from "../plan/render-markdown.ts";
import type { ApplyResult } from "./apply-types.ts";
import { renderApplySummary } from "./render-apply-text.ts";

const icons = { applied: "✅", failed: "❌", blocked: "⚠️", unchanged: "" } as const;

/** The apply result for a pull request or a job summary: a table of outcomes, then syncs, then the summary line. */
export function renderApplyMarkdown(
  result: ApplyResult,
  options: { marker?: string; maxChars?: number } = {},
): string {
  const maxChars = options.maxChars ?? 60_000;
  const cell = (s: string) => markdownText(s).replaceAll("|", "\\|");
  const lines = [
    markerLine(options.marker ?? "emi:apply"),
    `### emi apply — ${renderApplySummary(result)}`,
    "",
  ];
  if (result.outcomes.length) {
    lines.push("| | account | integration | result |", "|---|---|---|---|");
    for (const o of result.outcomes) {
      const text = [o.message, ...o.warnings.map((w) => `⚠️ ${w}`)].join("<br>");
      lines.push(`| ${icons[o.outcome]} | ${o.account} | ${cell(o.target)} | ${cell(text)} |`);
    }
    lines.push("");
  }
  if (result.syncs.length || result.syncError) {
    lines.push("**Sync**", "");
    for (const s of result.syncs) {
      lines.push(
        `- ${s.account}: ${s.health}, ${s.counts.written} written, ${s.counts.rejected} rejected${s.reason ? ` (${cell(s.reason)})` : ""}`,
      );
    }
    if (result.syncError) lines.push(`- ❌ ${cell(result.syncError)}`);
    lines.push("");
  }
  for (const r of result.recovered) {
    lines.push(
      `- recovered ${r.account} \`${r.step}\` from an interrupted apply: ${r.outcome} (${cell(r.note)})`,
    );
  }
  const out = `${lines.join("\n")}\n`;
  const note = "\n> ✂️ truncated, see the job log for the full result\n";
  return out.length > maxChars ? `${out.slice(0, maxChars - note.length)}${note}` : out;
}
