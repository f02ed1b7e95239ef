import type { GitHubClient } from "./create-github-client.ts";
import { wrapGitHubError } from "./github-error.ts";

/** An open issue as emi needs it. */
export interface OpenIssue {
  number: number;
  body: string;
  url: string;
}

/** Every open issue (not pull request) carrying `label`, oldest first, across all pages. */
export async function findOpenLabelledIssues(
  client: GitHubClient,
  target: { owner: string; repo: string; label: string },
): Promise<OpenIssue[]> {
  const { owner, repo, label } = target;
  try {
    const all = await client.paginate(client.rest.issues.listForRepo, {
      owner,
      repo,
      labels: label,
      state: "open",
      per_page: 100,
    });
    // GitHub's issue list includes pull requests; an emi issue never is one.
    return all
      .filter((issue) => !issue.pull_request)
      .map((issue) => ({ number: issue.number, body: issue.body ?? "", url: issue.html_url }))
      .sort((a, b) => a.number - b.number);
  } catch (error) {
    throw wrapGitHubError(`listing the open ${label} issues of ${owner}/${repo}`, error);
  }
}
