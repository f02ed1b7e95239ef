import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";

const EmiOctokit = Octokit.plugin(retry, throttling);

/** The GitHub REST client emi uses: octokit with the retry and throttling plugins. */
export type GitHubClient = InstanceType<typeof EmiOctokit>;

/** How to reach GitHub. */
export interface GitHubClientOptions {
  /** A token (GITHUB_TOKEN in Actions). Sent only in the authorization header. */
  token: string;
  /** API root: `GITHUB_API_URL` (GitHub Enterprise, tests); default https://api.github.com. */
  baseUrl?: string;
  /** Retries of 5xx and network failures (never 400/401/403/404/422). Default 3. */
  retries?: number;
  /** Base of the retry backoff in milliseconds (wait = base × attempt²). Default 1000; tests use 1. */
  retryBaseMs?: number;
  /**
   * Honour GitHub's rate limits and space writes (≥ 1 s apart, as GitHub asks of integrations).
   * Default true; tests turn it off so they run instantly.
   */
  throttle?: boolean;
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** Builds the octokit client. Core code never prints: octokit's own log is silenced. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const retries = options.retries ?? 3;
  const retryAfterBaseValue = options.retryBaseMs ?? 1000;
  return new EmiOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? "https://api.github.com").replace(/\/+$/, ""),
    userAgent: "emi",
    log: silentLog,
    // `retry.retries`, not `request.retries`: the latter also makes octokit retry 404s.
    retry: { retries, retryAfterBaseValue },
    throttle:
      options.throttle === false
        ? { enabled: false }
        : {
            retryAfterBaseValue,
            // Primary and secondary rate limits: wait as GitHub says, a bounded number of times.
            onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
              retryCount < retries,
            onSecondaryRateLimit: (
              _after: number,
              _options: unknown,
              _octokit: unknown,
              retryCount: number,
            ) => retryCount < retries,
          },
  });
}
