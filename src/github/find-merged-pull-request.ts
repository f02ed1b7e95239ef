import type { GitHubClient } from "./create-github-client.ts";
import { wrapGitHubError } from "./github-error.ts";

/**
 * Finds the pull request whose merge produced `sha` (a push to main after a merge), or undefined
 * for a direct push. Prefers the pull request whose merge commit is exactly `sha`.
 */
export async function findMergedPullRequest(
  client: GitHubClient,
  target: { owner: string; repo: string; sha: string },
): Promise<number | undefined> {
  let pulls: { number: number; merged_at: string | null; merge_commit_sha: string | null }[];
  try {
    const response = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: target.owner,
      repo: target.repo,
      commit_sha: target.sha,
    });
    pulls = response.data;
  } catch (error) {
    throw wrapGitHubError(`finding the pull request merged as ${target.sha.slice(0, 12)}`, error);
  }
  const merged = pulls.filter((pull) => pull.merged_at !== null);
  const exact = merged.find((pull) => pull.merge_commit_sha === target.sha);
  return (exact ?? merged[0])?.number;
}
