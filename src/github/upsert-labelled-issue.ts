import type { GitHubClient } from "./create-github-client.ts";
import { ensureLabel, type LabelSpec } from "./ensure-label.ts";
import { fitComment } from "./fit-comment.ts";
import { findOpenLabelledIssues } from "./find-open-labelled-issues.ts";
import { wrapGitHubError } from "./github-error.ts";

/** What {@link upsertLabelledIssue} files. */
export interface LabelledIssue {
  owner: string;
  repo: string;
  /** The label that identifies the issue; created when missing. A string gets a neutral colour. */
  label: LabelSpec | string;
  title: string;
  /** The current state of affairs, replacing the previous body. Cut to fit GitHub's limit. */
  body: string;
  /**
   * A comment added when the issue already existed, so watchers are notified of a new event
   * (e.g. "failed again in run …"). With `commentWhen: "changed"` only when the body changed.
   */
  comment?: string;
  commentWhen?: "always" | "changed";
  /** Link to the run, shown when the body had to be cut. */
  artifactUrl?: string;
}

/** What happened to the issue. */
export interface LabelledIssueResult {
  action: "created" | "updated" | "unchanged";
  number: number;
  url: string;
  /** Extra open issues with the same label that were closed as duplicates. */
  closedDuplicates: number;
  commented: boolean;
}

/**
 * Keeps one open issue per label: creates it (and the label) when there is none, otherwise
 * replaces its body with the current one and optionally comments. Extra open issues with the
 * label are closed as duplicates. Throws a GitHubError on failure.
 */
export async function upsertLabelledIssue(
  client: GitHubClient,
  issue: LabelledIssue,
): Promise<LabelledIssueResult> {
  const { owner, repo } = issue;
  const label: LabelSpec =
    typeof issue.label === "string"
      ? { name: issue.label, color: "ededed", description: "filed by emi" }
      : issue.label;
  const body = fitComment(issue.body, {
    seeInstead: "the workflow run",
    ...(issue.artifactUrl ? { artifactUrl: issue.artifactUrl } : {}),
  });
  const open = await findOpenLabelledIssues(client, { owner, repo, label: label.name });
  const [first, ...duplicates] = open;

  let result: LabelledIssueResult;
  if (!first) {
    await ensureLabel(client, { owner, repo, label });
    try {
      const response = await client.rest.issues.create({
        owner,
        repo,
        title: issue.title,
        body,
        labels: [label.name],
      });
      result = {
        action: "created",
        number: response.data.number,
        url: response.data.html_url,
        closedDuplicates: 0,
        commented: false,
      };
    } catch (error) {
      throw wrapGitHubError(`opening the ${label.name} issue in ${owner}/${repo}`, error);
    }
  } else {
    const changed = first.body !== body;
    try {
      if (changed) await client.rest.issues.update({ owner, repo, issue_number: first.number, body });
    } catch (error) {
      throw wrapGitHubError(`updating the ${label.name} issue ${owner}/${repo}#${first.number}`, error);
    }
    const wantComment = issue.comment !== undefined && (issue.commentWhen !== "changed" || changed);
    if (wantComment && issue.comment !== undefined) {
      try {
        await client.rest.issues.createComment({
          owner,
          repo,
          issue_number: first.number,
          body: fitComment(issue.comment, { seeInstead: "the workflow run" }),
        });
      } catch (error) {
        throw wrapGitHubError(
          `commenting on the ${label.name} issue ${owner}/${repo}#${first.number}`,
          error,
        );
      }
    }
    result = {
      action: changed ? "updated" : "unchanged",
      number: first.number,
      url: first.url,
      closedDuplicates: 0,
      commented: wantComment,
    };
  }

  for (const duplicate of duplicates) {
    try {
      await client.rest.issues.createComment({
        owner,
        repo,
        issue_number: duplicate.number,
        body: `Closed by emi as a duplicate of #${result.number}: emi keeps one open \`${label.name}\` issue.`,
      });
      await client.rest.issues.update({
        owner,
        repo,
        issue_number: duplicate.number,
        state: "closed",
        state_reason: "not_planned",
      });
      result.closedDuplicates += 1;
    } catch (error) {
      throw wrapGitHubError(
        `closing the duplicate ${label.name} issue ${owner}/${repo}#${duplicate.number}`,
        error,
      );
    }
  }
  return result;
}
