import { readFile } from "node:fs/promises";
import { GitHubError } from "./github-error.ts";

/** Where emi reports: the repository, and the pull request when there is one. */
export interface GitHubContext {
  owner: string;
  repo: string;
  /** The pull request being planned (pull_request event or `--pr`). */
  pr?: number;
  /** The commit the run is for (GITHUB_SHA, or the pull request's head). */
  sha?: string;
  /** Link to the workflow run, where the plan artifact is. */
  runUrl?: string;
  /** The pull request comes from a fork: no secrets, and usually a read-only token. */
  isFork: boolean;
  /** GITHUB_EVENT_NAME, e.g. `pull_request`, `push`, `schedule`. */
  eventName?: string;
}

/** Explicit choices from the command line, which win over the environment. */
export interface GitHubContextOverrides {
  /** `--repo owner/name`. */
  repo?: string;
  /** `--pr N`. */
  pr?: number | string;
}

/**
 * Works out the repository and pull request from the GitHub Actions environment
 * (GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_RUN_ID) or from
 * `--repo owner/name --pr N`. Throws a GitHubError when the repository cannot be known.
 */
export async function resolveGitHubContext(
  env: Record<string, string | undefined>,
  overrides: GitHubContextOverrides = {},
): Promise<GitHubContext> {
  const repository = overrides.repo ?? env.GITHUB_REPOSITORY;
  if (!repository) {
    throw new GitHubError(
      "cannot tell which GitHub repository to report to: run in GitHub Actions or pass --repo owner/name",
    );
  }
  const [owner, repo, ...rest] = repository.split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new GitHubError(`"${repository}" is not a repository: expected owner/name`);
  }

  const event = await readEvent(env.GITHUB_EVENT_PATH);
  const pullRequest = pullRequestOf(event);
  const context: GitHubContext = { owner, repo, isFork: false };
  if (env.GITHUB_EVENT_NAME) context.eventName = env.GITHUB_EVENT_NAME;

  if (overrides.pr !== undefined) {
    context.pr = parsePullNumber(overrides.pr);
  } else if (pullRequest && (!overrides.repo || overrides.repo === env.GITHUB_REPOSITORY)) {
    context.pr = pullRequest.number;
  }
  if (pullRequest && context.pr === pullRequest.number) {
    context.isFork = pullRequest.isFork;
    if (pullRequest.headSha) context.sha = pullRequest.headSha;
  }
  if (!context.sha && env.GITHUB_SHA) context.sha = env.GITHUB_SHA;

  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
    context.runUrl = `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  return context;
}

function parsePullNumber(value: number | string): number {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new GitHubError(`"${value}" is not a pull request number`);
  }
  return n;
}

async function readEvent(path: string | undefined): Promise<unknown> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new GitHubError(`cannot read the GitHub event file GITHUB_EVENT_PATH=${path}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GitHubError(`the GitHub event file ${path} is not JSON`, { cause: error });
  }
}

interface EventPullRequest {
  number: number;
  isFork: boolean;
  headSha?: string;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Reads the few fields emi needs from a pull_request (or pull_request_target) event payload. */
function pullRequestOf(event: unknown): EventPullRequest | undefined {
  const pr = record(record(event)?.pull_request);
  if (!pr || typeof pr.number !== "number") return undefined;
  const head = record(pr.head);
  const base = record(pr.base);
  const headRepo = record(head?.repo);
  const baseRepo = record(base?.repo);
  // A deleted fork has head.repo = null: treat it as a fork (it certainly has no secrets).
  const isFork =
    !headRepo ||
    headRepo.fork === true ||
    (typeof headRepo.full_name === "string" &&
      typeof baseRepo?.full_name === "string" &&
      headRepo.full_name !== baseRepo.full_name);
  const result: EventPullRequest = { number: pr.number, isFork };
  if (typeof head?.sha === "string") result.headSha = head.sha;
  return result;
}
