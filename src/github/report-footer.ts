import type { GitHubContext } from "./resolve-github-context.ts";

/** A one-line footer naming the commit and the run, so a reader knows what a report is about. */
export function reportFooter(what: string, context: GitHubContext): string {
  const parts = [what];
  if (context.sha) parts.push(`commit \`${context.sha.slice(0, 7)}\``);
  if (context.runUrl) parts.push(`[workflow run](${context.runUrl})`);
  return `<sub>${parts.join(" · ")}</sub>`;
}
