import type { GitHubClient } from "./create-github-client.ts";
import { fitComment, GITHUB_BODY_LIMIT } from "./fit-comment.ts";
import { wrapGitHubError } from "./github-error.ts";
import { resolveOwnLogin, writtenBy } from "./resolve-own-login.ts";

/** The hidden marker that finds emi's plan comment again: one per repository of declarations. */
export function planCommentMarker(owner: string, repo: string): string {
  return `<!-- emi:plan repo=${owner}/${repo} -->`;
}

/** What {@link upsertStickyComment} posts. */
export interface StickyComment {
  owner: string;
  repo: string;
  /** The pull request (or issue) number. */
  issueNumber: number;
  /** A hidden HTML comment that identifies our comment, e.g. {@link planCommentMarker}. */
  marker: string;
  /** Markdown; cut to fit GitHub's limit (see {@link fitComment}) when too long. */
  body: string;
  /** Link to the run's artifacts, shown when the body had to be cut. */
  artifactUrl?: string;
  /** A short line kept after the body even when the body is cut (which commit, which run). */
  footer?: string;
}

/** What happened to the sticky comment. */
export interface StickyCommentResult {
  action: "created" | "updated";
  id: number;
  url: string;
  /** Duplicates of our comment that were deleted. */
  deleted: number;
  /** The body had to be cut to fit. */
  truncated: boolean;
}

/**
 * Keeps exactly one comment of ours on the pull request: finds every comment carrying the marker
 * (all pages) and written by emi's own identity ({@link resolveOwnLogin}: anyone can paste the
 * marker into a comment, and emi must never edit or delete someone else's), edits the oldest in
 * place, deletes the others, or creates it when there is none.
 * Throws a GitHubError when any of it fails: a silently missing plan is dangerous.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  comment: StickyComment,
): Promise<StickyCommentResult> {
  const { owner, repo, issueNumber, marker } = comment;
  const where = `${owner}/${repo}#${issueNumber}`;
  const footer = comment.footer ? `\n\n${comment.footer}` : "";
  const fitted = fitComment(comment.body, {
    limit: GITHUB_BODY_LIMIT - marker.length - 1 - footer.length,
    ...(comment.artifactUrl ? { artifactUrl: comment.artifactUrl } : {}),
  });
  const body = `${marker}\n${fitted}${footer}`;
  const truncated = fitted !== comment.body;

  const login = await resolveOwnLogin(client);
  let ours: { id: number; html_url: string; body?: string | undefined }[];
  try {
    const all = await client.paginate(client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    ours = all.filter((c) => c.body?.startsWith(marker) && writtenBy(c, login)).sort((a, b) => a.id - b.id);
  } catch (error) {
    throw wrapGitHubError(`reading the comments of ${where}`, error);
  }

  const [first, ...duplicates] = ours;
  let result: StickyCommentResult;
  try {
    if (first) {
      const response =
        first.body === body
          ? { data: first }
          : await client.rest.issues.updateComment({ owner, repo, comment_id: first.id, body });
      result = { action: "updated", id: first.id, url: response.data.html_url, deleted: 0, truncated };
    } else {
      const response = await client.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body,
      });
      result = {
        action: "created",
        id: response.data.id,
        url: response.data.html_url,
        deleted: 0,
        truncated,
      };
    }
  } catch (error) {
    throw wrapGitHubError(`posting the emi comment on ${where}`, error);
  }

  for (const duplicate of duplicates) {
    try {
      await client.rest.issues.deleteComment({ owner, repo, comment_id: duplicate.id });
      result.deleted += 1;
    } catch (error) {
      throw wrapGitHubError(`deleting a duplicate emi comment (${duplicate.id}) on ${where}`, error);
    }
  }
  return result;
}
