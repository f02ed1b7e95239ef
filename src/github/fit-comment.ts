import { fitMarkdown } from "./fit-markdown.ts";

/** GitHub refuses a comment, issue or pull request body longer than this many characters. */
export const GITHUB_BODY_LIMIT = 65_536;

/** Options of {@link fitComment}. */
export interface FitCommentOptions {
  /** Default {@link GITHUB_BODY_LIMIT}. */
  limit?: number;
  /** Link to the run whose artifacts hold the full JSON plan. */
  artifactUrl?: string;
  /** What the reader should look at instead of the cut part. Default: "the JSON plan in the run's artifacts". */
  seeInstead?: string;
}

/**
 * Makes a comment body fit GitHub's limit: unchanged when it fits, otherwise the summary and as
 * many details as fit, followed by an explicit "truncated — see the JSON plan in the run's
 * artifacts" note with the link. Measured in UTF-16 units, which is never less than GitHub's count.
 */
export function fitComment(body: string, options: FitCommentOptions = {}): string {
  const see = options.seeInstead ?? "the JSON plan in the run's artifacts";
  const link = options.artifactUrl ? ` ([workflow run](${options.artifactUrl}))` : "";
  return fitMarkdown(body, {
    limit: options.limit ?? GITHUB_BODY_LIMIT,
    note: (dropped) =>
      `\n> [!WARNING]\n> **Truncated** — this report is longer than GitHub allows in a comment` +
      (dropped > 0 ? `; ${dropped} more folded section${dropped === 1 ? "" : "s"} not shown` : "") +
      `. See ${see}${link}.\n`,
  });
}
