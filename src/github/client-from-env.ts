import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from "./create-github-client.ts";
import { GitHubError } from "./github-error.ts";

/** Client settings a caller may override; the token and API root come from the environment. */
export type GitHubClientOverrides = Partial<Omit<GitHubClientOptions, "token">>;

/** Builds the client from GITHUB_TOKEN and GITHUB_API_URL, or throws a GitHubError saying what is missing. */
export function clientFromEnv(
  env: Record<string, string | undefined>,
  overrides: GitHubClientOverrides = {},
): GitHubClient {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new GitHubError(
      "GITHUB_TOKEN is not set: reporting to GitHub needs a token (in a workflow, pass the github.token to it; see docs/ci.md)",
    );
  }
  return createGitHubClient({
    token,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
    ...overrides,
  });
}
