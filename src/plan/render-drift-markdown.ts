import { markdownText } from "./markdown-safe.ts";
import type { DriftReport } from "./detect-drift.ts";
import { markerLine } from "./render-markdown.ts";

/** The drift report as Markdown (an issue body or a job summary). */
export function renderDriftMarkdown(
  report: DriftReport,
  options: { marker?: string; maxChars?: number } = {},
): string {
  const cell = (s: string) => markdownText(s).replaceAll("|", "\\|");
  const lines = [
    markerLine(options.marker ?? `emi:drift repo=${report.repo}`),
    `### emi drift — ${report.items.length ? `${report.items.length} difference${report.items.length === 1 ? "" : "s"}` : "no drift"}`,
    "",
  ];
  for (const e of report.errors) lines.push(`- ❌ ${cell(e)}`);
  if (report.errors.length) lines.push("");
  if (report.items.length) {
    lines.push("| account | kind | detail |", "|---|---|---|");
    for (const i of report.items) lines.push(`| ${i.account} | ${i.kind} | ${cell(i.message)} |`);
    lines.push("");
  }
  if ((report.links ?? []).length) {
    const fresh = (report.links ?? []).filter((l) => l.new).length;
    lines.push(
      `#### Campaign links without the REAID — ${(report.links ?? []).length} (${fresh} new since the last report)`,
      "",
      "| account | campaign | problem | line | link |",
      "|---|---|---|---|---|",
    );
    for (const l of report.links ?? [])
      lines.push(
        `| ${l.account} | ${cell(l.campaign)} | ${l.problem}${l.new ? " 🆕" : ""} | ${l.line ?? ""} | ${l.href !== undefined ? `\`${cell(l.href).replaceAll("`", "'")}\`` : ""} |`,
      );
    lines.push("", "Run `emi links check` for what to write in each link.", "");
  }
  lines.push(`${report.checked} checked against Actito · ${report.unchecked} without a secret`);
  const out = `${lines.join("\n")}\n`;
  const maxChars = options.maxChars ?? 60_000;
  const note = "\n> ✂️ truncated, see `emi drift --format json`\n";
  return out.length > maxChars ? `${out.slice(0, maxChars - note.length)}${note}` : out;
}
