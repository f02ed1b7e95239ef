import { appendFile, stat } from "node:fs/promises";
import { GitHubError } from "./github-error.ts";
import { fitMarkdown } from "./fit-markdown.ts";

/**
 * GitHub drops a step summary over 1 MiB (and shows an error instead of it). emi stays a little
 * below, counting what earlier steps of the same step already appended.
 */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024;

/** What {@link writeStepSummary} did. */
export interface StepSummaryResult {
  written: boolean;
  /** Bytes appended. */
  bytes: number;
  truncated: boolean;
}

/**
 * Appends Markdown to `$GITHUB_STEP_SUMMARY`, cut so the file stays under 1 MiB with a note saying
 * so. Does nothing (written: false) outside GitHub Actions.
 */
export async function writeStepSummary(
  env: Record<string, string | undefined>,
  markdown: string,
  options: { limitBytes?: number; artifactUrl?: string } = {},
): Promise<StepSummaryResult> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return { written: false, bytes: 0, truncated: false };
  const limit = options.limitBytes ?? STEP_SUMMARY_LIMIT_BYTES;
  let existing = 0;
  try {
    existing = (await stat(path)).size;
  } catch {
    // Not created yet: the runner creates it lazily.
  }
  const text = markdown.endsWith("\n") ? markdown : `${markdown}\n`;
  const link = options.artifactUrl ? ` ([workflow run](${options.artifactUrl}))` : "";
  const room = limit - existing;
  const note = `\n> **Truncated** — the step summary is limited to 1 MiB. See the JSON plan in the run's artifacts${link}.\n`;
  if (room < Buffer.byteLength(note)) return { written: false, bytes: 0, truncated: true };
  const fitted = fitMarkdown(text, { limit: room, measure: (s) => Buffer.byteLength(s), note: () => note });
  try {
    await appendFile(path, fitted, "utf8");
  } catch (error) {
    throw new GitHubError(`cannot write the step summary GITHUB_STEP_SUMMARY=${path}`, { cause: error });
  }
  return { written: true, bytes: Buffer.byteLength(fitted), truncated: fitted !== text };
}
