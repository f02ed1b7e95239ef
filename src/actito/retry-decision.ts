/** Everything the retry policy looks at after one failed attempt. */
export interface RetryInput {
  /** 1 for the first attempt, 2 for the first retry, … — the attempt that just failed. */
  attempt: number;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** The error, when no answer came (connection refused, dropped, timed out). */
  error?: unknown;
  headers: Record<string, string | string[] | undefined>;
  method: string;
  /** Whether sending the request twice does no harm (a mass-import POST is not). */
  idempotent: boolean;
  /** Current time in ms, to read a `Retry-After` HTTP date. */
  now: number;
  /** A number in [0, 1) for the jitter. */
  random: number;
}

export type RetryDecision =
  | { retry: true; waitMs: number }
  | {
      retry: false;
      /**
       * `outcome-unknown`: a request that must not be repeated may have reached Actito.
       * `wait-too-long`: Actito asked to wait longer than the policy allows (e.g. import quota).
       */
      reason: "not-retryable" | "attempts-exhausted" | "outcome-unknown" | "wait-too-long";
    };

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  maxRetryAfterMs: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseMs: 500,
  capMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** The request never left: the connection was not made. Safe to repeat any request. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  // Not ENOTFOUND: the name does not exist (a typo, no network, a sandbox URL not set), which
  // three more tries over fourteen seconds do not change. EAI_AGAIN is the transient DNS failure.
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** The connection failed after the request may have been sent. Safe to repeat only idempotent requests. */
const MAYBE_SENT_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Decides whether to retry after a failed attempt, and how long to wait. Pure.
 *
 * `429` and `503` mean the request was refused, so any request may be repeated; other `5xx` and
 * dropped connections leave the outcome unknown, so only idempotent requests are. `400`, `401`,
 * `403`, `404`, `409`, `422` and every other `4xx` are final (`401` is handled by the token refresh).
 * Waits follow `Retry-After` (seconds or an HTTP date) when given, else capped exponential backoff
 * with equal jitter.
 */
export function retryDecision(input: RetryInput, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  const repeatable = classify(input);
  if (repeatable !== "yes") return { retry: false, reason: repeatable };
  if (input.attempt >= policy.maxAttempts) return { retry: false, reason: "attempts-exhausted" };

  const retryAfterMs = parseRetryAfter(input.headers["retry-after"], input.now);
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return { retry: false, reason: "wait-too-long" };
    return { retry: true, waitMs: retryAfterMs };
  }
  const backoff = Math.min(policy.capMs, policy.baseMs * 2 ** (input.attempt - 1));
  return { retry: true, waitMs: Math.round(backoff / 2 + input.random * (backoff / 2)) };
}

function classify(input: RetryInput): "yes" | "not-retryable" | "outcome-unknown" {
  if (input.status !== undefined) {
    if (input.status === 429 || input.status === 503) return "yes";
    if (input.status >= 500 || input.status === 408) return input.idempotent ? "yes" : "outcome-unknown";
    return "not-retryable";
  }
  const code = errorCode(input.error);
  if (code === undefined) return "not-retryable";
  if (NOT_SENT_CODES.has(code)) return "yes";
  if (MAYBE_SENT_CODES.has(code)) return input.idempotent ? "yes" : "outcome-unknown";
  return "not-retryable";
}

/** The system or undici error code of an error or of its cause. */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
