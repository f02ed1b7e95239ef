import type { GitHubClient } from "./create-github-client.ts";
import { clientFromEnv, type GitHubClientOverrides } from "./client-from-env.ts";
import { closeLabelledIssue } from "./close-labelled-issue.ts";
import { EMI_LABELS } from "./ensure-label.ts";
import { resolveGitHubContext } from "./resolve-github-context.ts";
import { scrubSecrets } from "./scrub-secrets.ts";
import { type LabelledIssueResult, upsertLabelledIssue } from "./upsert-labelled-issue.ts";
import { type StepSummaryResult, writeStepSummary } from "./write-step-summary.ts";

/** Title of the one issue emi keeps open while there is drift. */
export const DRIFT_TITLE = "emi drift detected";

/** What `emi drift --report` hands over. */
export interface ReportDriftOptions {
  env: Record<string, string | undefined>;
  /** The drift report as Markdown. */
  markdown: string;
  hasDrift: boolean;
  repo?: string;
  client?: GitHubClient;
  clientOptions?: GitHubClientOverrides;
}

/** What was reported. */
export interface DriftReport {
  /** The `emi-drift` issue, when there is drift. */
  issue?: LabelledIssueResult;
  /** `emi-drift` issues closed because the drift is gone. */
  closedIssues: number[];
  summary: StepSummaryResult;
}

/**
 * Reports a drift check: step summary, and one open `emi-drift` issue whose body is the current
 * drift (a comment notifies watchers only when the drift changed, so a daily schedule does not
 * spam), closed when drift is gone. Throws a GitHubError when GitHub refuses.
 */
export async function reportDrift(options: ReportDriftOptions): Promise<DriftReport> {
  const { env } = options;
  const markdown = scrubSecrets(options.markdown, env);
  const context = await resolveGitHubContext(env, options.repo !== undefined ? { repo: options.repo } : {});
  const { owner, repo } = context;
  const summary = await writeStepSummary(
    env,
    markdown,
    context.runUrl ? { artifactUrl: context.runUrl } : {},
  );
  const client = options.client ?? clientFromEnv(env, options.clientOptions);
  const run = context.runUrl ? ` in [this run](${context.runUrl})` : "";
  if (options.hasDrift) {
    const issue = await upsertLabelledIssue(client, {
      owner,
      repo,
      label: EMI_LABELS.drift,
      title: DRIFT_TITLE,
      body:
        "The live state (registry or Actito) differs from the declarations. Fix the declarations or the " +
        "live side; this issue closes itself when `emi drift` finds none.\n\n" +
        markdown,
      comment: `The drift changed${run}.`,
      commentWhen: "changed",
      ...(context.runUrl ? { artifactUrl: context.runUrl } : {}),
    });
    return { issue, closedIssues: [], summary };
  }
  const closedIssues = await closeLabelledIssue(client, {
    owner,
    repo,
    label: EMI_LABELS.drift.name,
    comment: `No drift found${run}: closing.`,
  });
  return { closedIssues, summary };
}
