import { terminalSafe } from "./terminal-safe.ts";

/**
 * Text for running Markdown: one line (a newline could start a heading, a fence or a workflow
 * command), HTML made inert, control characters shown escaped. Inline backticks are left to
 * mean code: on one line they cannot open a block.
 */
export function markdownText(text: string): string {
  return terminalSafe(text.replace(/\r\n|\r|\n/g, " "))
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** A value in a table cell: as {@link markdownText}, with `|` and backticks escaped too. */
export function markdownCell(text: string): string {
  return markdownText(text).replace(/([\\`|])/g, "\\$1");
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A fenced code block whose fence is longer than any run of backticks inside it, so nothing closes it early. */
export function codeFence(info: string, lines: readonly string[]): string[] {
  const safe = lines.map((line) => terminalSafe(line.replace(/\r\n|\r|\n/g, " ")));
  const fence = "`".repeat(Math.max(3, longestBacktickRun(safe.join("\n")) + 1));
  return [`${fence}${info}`, ...safe, fence];
}

/** Inline code that a backtick inside cannot close (CommonMark: a longer delimiter run, padded). */
export function inlineCode(text: string): string {
  const safe = terminalSafe(text.replace(/\r\n|\r|\n/g, " ")).replaceAll("|", "\\|");
  const ticks = "`".repeat(longestBacktickRun(safe) + 1);
  const pad = safe.startsWith("`") || safe.endsWith("`") ? " " : "";
  return `${ticks}${pad}${safe}${pad}${ticks}`;
}

/** A long list of accounts shortened for people: `1, 2, 3, … and 9,997 more`. */
export function abbreviateList(items: readonly unknown[], shown = 20): string {
  if (items.length <= shown) return items.map(String).join(", ");
  const rest = new Intl.NumberFormat("en-US").format(items.length - shown);
  return `${items.slice(0, shown).map(String).join(", ")}, … and ${rest} more`;
}
