import type { GitHubClient } from "./create-github-client.ts";
import { statusOf, wrapGitHubError } from "./github-error.ts";

/** Who writes with the `GITHUB_TOKEN` of a GitHub Actions run. */
const actionsBotLogin = "github-actions[bot]";

const logins = new WeakMap<GitHubClient, Promise<string>>();

/**
 * The login that comments and issues written with this client's token carry, so that emi edits,
 * deletes or closes only what it wrote itself. `GET /user` answers for personal and OAuth tokens;
 * the Actions `GITHUB_TOKEN` (an installation token) gets 403 "Resource not accessible by
 * integration" there (404 on some GitHub Enterprise versions): what it writes is authored by
 * `github-actions[bot]`. Asked once per client.
 */
export function resolveOwnLogin(client: GitHubClient): Promise<string> {
  let login = logins.get(client);
  if (!login) {
    login = client.rest.users.getAuthenticated().then(
      (response) => response.data.login,
      (error: unknown) => {
        const status = statusOf(error);
        if (status === 403 || status === 404) return actionsBotLogin;
        throw wrapGitHubError("finding which GitHub user the token belongs to (GET /user)", error);
      },
    );
    logins.set(client, login);
  }
  return login;
}

/** Whether a comment or issue was written by `login` (GitHub compares logins without case). */
export function writtenBy(item: { user?: { login?: string } | null }, login: string): boolean {
  return item.user?.login?.toLowerCase() === login.toLowerCase();
}
