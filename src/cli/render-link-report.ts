import { explainProblem } from "../links/check-href.ts";
import type { LinkReport, LinkRule } from "../links/link-check-types.ts";
import { terminalSafe } from "../plan/terminal-safe.ts";

/**
 * `emi links check`'s text: per campaign the links checked and each problem with its line, kind,
 * href and what to write instead; then one summary line.
 */
export function renderLinkReportText(report: LinkReport, rules: ReadonlyMap<number, LinkRule>): string {
  const lines: string[] = [];
  let clean = 0;
  let withProblems = 0;
  let unreadable = 0;
  for (const check of report.campaigns) {
    const label = check.id === null ? `Campaign ${check.name}` : `Campaign ${check.id} "${check.name}"`;
    if (check.error !== undefined) {
      unreadable++;
      lines.push(`${label} (account ${check.account}): could not be read: ${check.error}`);
      continue;
    }
    const count = check.problems.length;
    if (count === 0) clean++;
    else withProblems++;
    lines.push(
      `${label} (account ${check.account}): ${plural(check.linksChecked, "link")} checked, ` +
        (count === 0 ? "every one carries the REAID" : plural(count, "problem")),
    );
    const rule = rules.get(check.account);
    for (const problem of check.problems) {
      lines.push(`  line ${String(problem.line).padEnd(5)} ${problem.problem.padEnd(12)} ${problem.href}`);
      if (rule !== undefined) lines.push(`  ${" ".repeat(24)}${explainProblem(problem, rule)}`);
    }
  }
  const total = report.campaigns.length;
  lines.push(
    "",
    total === 0
      ? "No campaigns to check: declare actito.linkDomains and actito.campaigns."
      : `${plural(total, "campaign")} checked: ${clean} clean, ${withProblems} with problems, ${unreadable} unreadable.`,
  );
  return terminalSafe(`${lines.join("\n")}\n`);
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}
