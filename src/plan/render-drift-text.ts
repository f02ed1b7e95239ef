import type { DriftReport } from "./detect-drift.ts";
import { terminalSafe } from "./terminal-safe.ts";

/** The drift report for a terminal. */
export function renderDriftText(report: DriftReport): string {
  const lines: string[] = [];
  for (const e of report.errors) lines.push(`error  ${e}`);
  for (const i of report.items)
    lines.push(`drift  ${String(i.account).padEnd(5)} ${i.kind.padEnd(18)} ${i.message}`);
  lines.push(
    report.items.length
      ? `${report.items.length} drift item(s) in ${new Set(report.items.map((i) => i.account)).size} integration(s). Run emi plan to see how apply would converge.`
      : report.errors.length
        ? "Drift could not be fully checked."
        : "No drift.",
  );
  if ((report.links ?? []).length > 0) {
    const fresh = (report.links ?? []).filter((l) => l.new).length;
    lines.push(
      `Campaign links: ${(report.links ?? []).length} without the REAID (${fresh} new since the last report).`,
    );
    for (const l of report.links ?? [])
      lines.push(
        `links  ${String(l.account).padEnd(5)} campaign ${l.campaign} ${l.problem}${l.line !== undefined ? ` (line ${l.line})` : ""}${l.href !== undefined ? ` ${l.href}` : ""}${l.new ? "  NEW" : ""}`,
      );
  }
  lines.push(`${report.checked} checked against Actito, ${report.unchecked} without a secret (unknown).`);
  return terminalSafe(`${lines.join("\n")}\n`);
}
