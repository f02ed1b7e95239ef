import type { GitHubClient } from "./create-github-client.ts";
import { findMergedPullRequest } from "./find-merged-pull-request.ts";
import { wrapGitHubError } from "./github-error.ts";

/** At most this many commits are looked at (one request each): a longer gap is reported as cut. */
const MAX_COMMITS = 100;

/**
 * The pull requests merged after `base` up to and including `head`, oldest first: the pull
 * requests whose apply runs GitHub cancelled while this one waited (a concurrency group keeps one
 * waiting run; a third merge cancels it). `cut` says the gap held more commits than were read.
 */
export async function findPullRequestsMergedBetween(
  client: GitHubClient,
  target: { owner: string; repo: string; base: string; head: string },
): Promise<{ pulls: number[]; cut: boolean }> {
  let commits: { sha: string }[];
  let total: number;
  try {
    const response = await client.rest.repos.compareCommitsWithBasehead({
      owner: target.owner,
      repo: target.repo,
      basehead: `${target.base}...${target.head}`,
      per_page: MAX_COMMITS,
    });
    commits = response.data.commits;
    total = response.data.total_commits;
  } catch (error) {
    throw wrapGitHubError(
      `listing the commits from ${target.base.slice(0, 12)} to ${target.head.slice(0, 12)}`,
      error,
    );
  }
  const pulls: number[] = [];
  for (const { sha } of commits.slice(-MAX_COMMITS)) {
    const pull = await findMergedPullRequest(client, { owner: target.owner, repo: target.repo, sha });
    if (pull !== undefined && !pulls.includes(pull)) pulls.push(pull);
  }
  return { pulls, cut: total > commits.length || commits.length > MAX_COMMITS };
}
