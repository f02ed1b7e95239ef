import { EmiError } from "../types/errors.ts";

/**
 * GitHub could not be reached or refused what emi asked (posting the plan, opening an issue).
 * The message names the repository and the action; it never carries the token. The octokit
 * error is kept as `cause` (octokit redacts the authorization header in it).
 */
export class GitHubError extends EmiError {
  /** The HTTP status GitHub answered, when it answered. */
  readonly status: number | undefined;

  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.status = options?.status;
  }
}

/** Reads the HTTP status out of an octokit RequestError (or anything shaped like one). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

/**
 * Wraps a failed GitHub call once, at the edge, with what emi was doing. GitHub's own message
 * (e.g. "Resource not accessible by integration") is kept because it tells people what to fix.
 */
export function wrapGitHubError(doing: string, error: unknown): GitHubError {
  if (error instanceof GitHubError) return error;
  const status = statusOf(error);
  const detail = githubMessageOf(error);
  const answer =
    status === undefined
      ? `GitHub could not be reached${detail ? ` (${detail})` : ""}`
      : `GitHub answered ${status}${detail ? `: ${detail}` : ""}`;
  return new GitHubError(`${doing} failed: ${answer}${hintFor(status)}`, { cause: error, status });
}

function githubMessageOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const response = (error as { response?: { data?: unknown } }).response;
  const data = response?.data;
  if (typeof data === "object" && data !== null && "message" in data) {
    const message = (data as { message: unknown }).message;
    if (typeof message === "string") return oneLine(message);
  }
  if (error instanceof Error && !("status" in error)) return oneLine(error.message);
  return "";
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function hintFor(status: number | undefined): string {
  switch (status) {
    case 401:
      return " (is GITHUB_TOKEN set and valid?)";
    case 403:
      return " (does the workflow grant the permission? see docs/ci.md)";
    case 404:
      return " (wrong repository or pull request number, or the token cannot see it)";
    default:
      return "";
  }
}
