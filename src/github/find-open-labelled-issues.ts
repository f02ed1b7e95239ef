import type { GitHubClient } from "./create-github-client.ts";
import { wrapGitHubError } from "./github-error.ts";
import { resolveOwnLogin, writtenBy } from "./resolve-own-login.ts";

/** An open issue as emi needs it. */
export interface OpenIssue {
  number: number;
  body: string;
  url: string;
}

/**
 * Every open issue (not pull request) carrying `label` that emi opened itself, oldest first, across
 * all pages. Anyone with triage rights can label an issue: a person's issue is never edited or closed.
 */
export async function findOpenLabelledIssues(
  client: GitHubClient,
  target: { owner: string; repo: string; label: string },
): Promise<OpenIssue[]> {
  const { owner, repo, label } = target;
  const login = await resolveOwnLogin(client);
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
      .filter((issue) => !issue.pull_request && writtenBy(issue, login))
      .map((issue) => ({ number: issue.number, body: issue.body ?? "", url: issue.html_url }))
      .sort((a, b) => a.number - b.number);
  } catch (error) {
    throw wrapGitHubError(`listing the open ${label} issues of ${owner}/${repo}`, error);
  }
}
