import {
  ActitoApiError,
  ActitoUnavailableError,
  AuthError,
  ImportOutcomeUnknownError,
  RateLimitedError,
} from "./errors.ts";
import { redactBody, redactText } from "./redact-text.ts";
import { errorCode, parseRetryAfter, type RetryDecision } from "./retry-decision.ts";
import type { RouteTemplate } from "./routes.ts";

export type Method = "GET" | "POST" | "PATCH" | "PUT";

/** An HTTP answer as the client read it. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  attempts: number;
}

/** A call that will not be retried, and why (see retryDecision). */
export interface FailedCall {
  spec: { method: Method; route: RouteTemplate };
  answer: Answer | undefined;
  error: unknown;
  reason: Extract<RetryDecision, { retry: false }>["reason"];
  /** The key and tokens, scrubbed from every body and message. */
  secrets: readonly string[];
  now: number;
  /** Where the call went, named when the connection failed. */
  host: string;
  endpoint: string;
  /** The base URL came from `EMI_ACTITO_URL` (the sandbox, a proxy) rather than Actito itself. */
  throughEmiActitoUrl: boolean;
}

/** The error for an answer the caller did not accept: its body redacted. */
export function apiError(
  spec: FailedCall["spec"],
  answer: Answer,
  secrets: readonly string[],
): ActitoApiError {
  return new ActitoApiError({
    method: spec.method,
    route: spec.route,
    status: answer.status,
    body: redactBody(answer.text, secrets),
  });
}

/** The typed error for a call that will not be retried: never carrying the key or a token. */
export function callFailure(call: FailedCall): Error {
  const { spec, answer, error, reason, secrets, now } = call;
  const site = { method: spec.method, route: spec.route };
  if (answer !== undefined) {
    const body = redactBody(answer.text, secrets);
    if (reason === "outcome-unknown") {
      return new ImportOutcomeUnknownError({
        route: spec.route,
        status: answer.status,
        detail: `Actito answered ${answer.status}`,
      });
    }
    if (answer.status === 401 || answer.status === 403)
      return new AuthError({ ...site, status: answer.status, body });
    if (answer.status === 429) {
      const retryAfterMs = parseRetryAfter(answer.headers["retry-after"], now);
      return new RateLimitedError({ ...site, body, retryAfterMs });
    }
    if (answer.status >= 500) {
      return new ActitoUnavailableError({
        ...site,
        status: answer.status,
        detail: `${answer.status} after ${answer.attempts} attempts`,
      });
    }
    return apiError(spec, answer, secrets);
  }
  const cause = safeCause(error, secrets);
  const code = errorCode(error) ?? "request failed";
  const detail = `the connection to ${call.host} failed: ${code}`;
  if (reason === "outcome-unknown") {
    return new ImportOutcomeUnknownError({ route: spec.route, detail }, { cause });
  }
  // Without EMI_ACTITO_URL emi talks to Actito itself: a newcomer rehearsing meant the sandbox.
  const hint = call.throughEmiActitoUrl
    ? "; check that EMI_ACTITO_URL points at a running server"
    : `; this is Actito's ${call.endpoint} endpoint: check the network, or set EMI_ACTITO_URL to use the sandbox (npx emi sandbox)`;
  return new ActitoUnavailableError({ ...site, detail: `${detail}${hint}` }, { cause });
}

/** A copy of a library error fit to travel as `cause`: its message redacted, no stack, no properties. */
function safeCause(error: unknown, secrets: readonly string[]): Error {
  const message = error instanceof Error ? error.message : String(error);
  const safe = new Error(redactText(message, secrets));
  safe.name = error instanceof Error ? error.name : "Error";
  safe.stack = `${safe.name}: ${safe.message}`;
  const code = errorCode(error);
  if (code !== undefined) Object.assign(safe, { code });
  return safe;
}
