import type { GitHubClient } from "./create-github-client.ts";
import { fitComment } from "./fit-comment.ts";
import { findOpenLabelledIssues } from "./find-open-labelled-issues.ts";
import { wrapGitHubError } from "./github-error.ts";

/**
 * Closes every open issue carrying `label` as completed (drift gone, apply fixed), with a comment
 * saying why when one is given. Returns the numbers closed; none open is not an error.
 */
export async function closeLabelledIssue(
  client: GitHubClient,
  target: { owner: string; repo: string; label: string; comment?: string },
): Promise<number[]> {
  const { owner, repo, label } = target;
  const open = await findOpenLabelledIssues(client, { owner, repo, label });
  const closed: number[] = [];
  for (const issue of open) {
    try {
      if (target.comment !== undefined) {
        await client.rest.issues.createComment({
          owner,
          repo,
          issue_number: issue.number,
          body: fitComment(target.comment, { seeInstead: "the workflow run" }),
        });
      }
      await client.rest.issues.update({
        owner,
        repo,
        issue_number: issue.number,
        state: "closed",
        state_reason: "completed",
      });
      closed.push(issue.number);
    } catch (error) {
      throw wrapGitHubError(`closing the ${label} issue ${owner}/${repo}#${issue.number}`, error);
    }
  }
  return closed;
}
