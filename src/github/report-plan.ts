import type { GitHubClient } from "./create-github-client.ts";
import { clientFromEnv, type GitHubClientOverrides } from "./client-from-env.ts";
import { GitHubError } from "./github-error.ts";
import { reportFooter } from "./report-footer.ts";
import { resolveGitHubContext } from "./resolve-github-context.ts";
import { scrubSecrets } from "./scrub-secrets.ts";
import { planCommentMarker, type StickyCommentResult, upsertStickyComment } from "./upsert-sticky-comment.ts";
import { type StepSummaryResult, writeStepSummary } from "./write-step-summary.ts";

/** What `emi plan --comment` hands over. */
export interface ReportPlanOptions {
  env: Record<string, string | undefined>;
  /** The plan rendered as Markdown. */
  markdown: string;
  /** `--repo owner/name` and `--pr N`, which win over the Actions environment. */
  repo?: string;
  pr?: number | string;
  /** A ready client (tests); otherwise built from GITHUB_TOKEN and GITHUB_API_URL. */
  client?: GitHubClient;
  clientOptions?: GitHubClientOverrides;
}

/** What was reported, for the command to tell the user. */
export interface PlanReport {
  comment?: StickyCommentResult;
  /** Why no comment was posted although nothing failed (a fork's read-only token). */
  skipped?: string;
  summary: StepSummaryResult;
}

/**
 * Posts the plan as the one sticky comment of the pull request and appends it to the step summary.
 * Throws a GitHubError when the comment cannot be posted, except on a fork's pull request, whose
 * token GitHub makes read-only: then the plan is in the step summary and `skipped` says so.
 */
export async function reportPlan(options: ReportPlanOptions): Promise<PlanReport> {
  const { env } = options;
  const markdown = scrubSecrets(options.markdown, env);
  const context = await resolveGitHubContext(env, {
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.pr !== undefined ? { pr: options.pr } : {}),
  });
  const summary = await writeStepSummary(
    env,
    markdown,
    context.runUrl ? { artifactUrl: context.runUrl } : {},
  );
  if (context.pr === undefined) {
    throw new GitHubError(
      "--comment needs a pull request: run it in a pull_request workflow or pass --repo owner/name --pr N",
    );
  }
  const client = options.client ?? clientFromEnv(env, options.clientOptions);
  try {
    const comment = await upsertStickyComment(client, {
      owner: context.owner,
      repo: context.repo,
      issueNumber: context.pr,
      marker: planCommentMarker(context.owner, context.repo),
      body: markdown,
      footer: reportFooter("emi plan", context),
      ...(context.runUrl ? { artifactUrl: context.runUrl } : {}),
    });
    return { comment, summary };
  } catch (error) {
    if (context.isFork && error instanceof GitHubError && (error.status === 403 || error.status === 404)) {
      return {
        skipped:
          "this pull request comes from a fork, whose GitHub token is read-only: the plan is in the step summary",
        summary,
      };
    }
    throw error;
  }
}
