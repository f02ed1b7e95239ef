import type { GitHubClient } from "./create-github-client.ts";
import { clientFromEnv, type GitHubClientOverrides } from "./client-from-env.ts";
import { closeLabelledIssue } from "./close-labelled-issue.ts";
import { EMI_LABELS } from "./ensure-label.ts";
import { findMergedPullRequest } from "./find-merged-pull-request.ts";
import { findPullRequestsMergedBetween } from "./find-pull-requests-merged-between.ts";
import { GitHubError } from "./github-error.ts";
import { reportFooter } from "./report-footer.ts";
import { resolveGitHubContext } from "./resolve-github-context.ts";
import { scrubSecrets } from "./scrub-secrets.ts";
import { type LabelledIssueResult, upsertLabelledIssue } from "./upsert-labelled-issue.ts";
import { planCommentMarker, type StickyCommentResult, upsertStickyComment } from "./upsert-sticky-comment.ts";
import { type StepSummaryResult, writeStepSummary } from "./write-step-summary.ts";

/** Title of the one issue emi keeps open while apply fails. */
export const APPLY_FAILED_TITLE = "emi apply failed";

/** What `emi apply --comment` hands over. */
export interface ReportApplyOptions {
  env: Record<string, string | undefined>;
  /** The apply result as Markdown: "applied" with the outcome per integration. */
  markdown: string;
  /** Whether every integration was applied. */
  ok: boolean;
  repo?: string;
  /** The merged pull request; found from the pushed commit when absent. */
  pr?: number | string;
  /** The commit applied; GITHUB_SHA when absent. */
  sha?: string;
  /**
   * The last commit applied before this one: every pull request merged after it is reported to as
   * well (their own apply runs were cancelled while waiting, and this apply carried their changes).
   */
  since?: string;
  client?: GitHubClient;
  clientOptions?: GitHubClientOverrides;
}

/** What was reported. */
export interface ApplyReport {
  /** The merged pull request's plan comment, updated to the apply result. */
  comment?: StickyCommentResult;
  /** The pull request it went to; absent for a direct push. */
  pr?: number;
  /** Earlier pull requests merged since `since`, whose changes this apply carried, reported to too. */
  earlierPrs: number[];
  /** More commits were merged since `since` than were read: older pull requests were not reported to. */
  earlierPrsCut?: boolean;
  /** The `emi-apply-failed` issue, when apply failed. */
  issue?: LabelledIssueResult;
  /** `emi-apply-failed` issues closed because apply succeeded again. */
  closedIssues: number[];
  summary: StepSummaryResult;
}

/**
 * Reports an apply: step summary; the merged pull request's emi comment replaced by the result;
 * on failure one open `emi-apply-failed` issue (opened, or updated with a comment), on success
 * that issue closed. Every part is attempted; if any fails, a GitHubError naming them is thrown
 * at the end, so a failed report fails the job.
 */
export async function reportApply(options: ReportApplyOptions): Promise<ApplyReport> {
  const { env } = options;
  const markdown = scrubSecrets(options.markdown, env);
  const context = await resolveGitHubContext(env, {
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.pr !== undefined ? { pr: options.pr } : {}),
  });
  if (options.sha) context.sha = options.sha;
  const { owner, repo } = context;
  const summary = await writeStepSummary(
    env,
    markdown,
    context.runUrl ? { artifactUrl: context.runUrl } : {},
  );
  const client = options.client ?? clientFromEnv(env, options.clientOptions);
  const report: ApplyReport = { closedIssues: [], summary, earlierPrs: [] };
  const failures: GitHubError[] = [];
  const attempt = async (step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof GitHubError)) throw error;
      failures.push(error);
    }
  };

  await attempt(async () => {
    const pr =
      context.pr ??
      (context.sha ? await findMergedPullRequest(client, { owner, repo, sha: context.sha }) : undefined);
    if (pr === undefined) return;
    report.pr = pr;
    report.comment = await upsertStickyComment(client, {
      owner,
      repo,
      issueNumber: pr,
      marker: planCommentMarker(owner, repo),
      body: markdown,
      footer: reportFooter(options.ok ? "emi apply: applied" : "emi apply: failed", context),
      ...(context.runUrl ? { artifactUrl: context.runUrl } : {}),
    });
  });

  await attempt(async () => {
    if (!options.since || !context.sha || options.since === context.sha) return;
    const { pulls, cut } = await findPullRequestsMergedBetween(client, {
      owner,
      repo,
      base: options.since,
      head: context.sha,
    });
    const title = options.ok ? "emi apply: applied" : "emi apply: failed";
    const later = `with the changes merged up to commit \`${context.sha.slice(0, 7)}\`${report.pr !== undefined ? ` (pull request #${report.pr})` : ""}`;
    for (const pr of pulls.filter((n) => n !== report.pr)) {
      await upsertStickyComment(client, {
        owner,
        repo,
        issueNumber: pr,
        marker: planCommentMarker(owner, repo),
        body: `${markdown}\n\nThis pull request's own apply run was replaced by a later one: it was applied ${later}.`,
        footer: reportFooter(title, context),
        ...(context.runUrl ? { artifactUrl: context.runUrl } : {}),
      });
      report.earlierPrs.push(pr);
    }
    if (cut) report.earlierPrsCut = true;
  });

  const where = [
    context.sha ? `commit \`${context.sha.slice(0, 7)}\`` : undefined,
    report.pr !== undefined ? `pull request #${report.pr}` : undefined,
    context.runUrl ? `[workflow run](${context.runUrl})` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  await attempt(async () => {
    if (!options.ok) {
      report.issue = await upsertLabelledIssue(client, {
        owner,
        repo,
        label: EMI_LABELS.applyFailed,
        title: APPLY_FAILED_TITLE,
        body:
          `\`emi apply\` failed on the default branch${where ? ` (${where})` : ""}. ` +
          `The next apply retries what failed; this issue closes itself when an apply succeeds.\n\n${markdown}`,
        comment: `\`emi apply\` failed again${where ? `: ${where}` : ""}.`,
        commentWhen: "always",
        ...(context.runUrl ? { artifactUrl: context.runUrl } : {}),
      });
    } else {
      report.closedIssues = await closeLabelledIssue(client, {
        owner,
        repo,
        label: EMI_LABELS.applyFailed.name,
        comment: `\`emi apply\` succeeded${where ? ` (${where})` : ""}: closing.`,
      });
    }
  });

  if (failures.length > 0) {
    throw new GitHubError(`reporting the apply to GitHub: ${failures.map((f) => f.message).join("; ")}`, {
      cause: failures[0],
      ...(failures[0]?.status !== undefined ? { status: failures[0].status } : {}),
    });
  }
  return report;
}
