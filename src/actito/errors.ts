import { EmiError } from "../types/errors.ts";

/** What identifies a failed call without revealing data: the method and the route template. */
export interface CallSite {
  method: string;
  /** The route template, e.g. `/profiles/v5/entities/{entity}/profile-tables/{tableId}/profiles/{key}`. */
  route: string;
}

/**
 * Actito answered with a status the call does not accept. Carries the route template, never the
 * URL (profile keys are e-mail addresses), and a short body with secrets and e-mails redacted.
 */
export class ActitoApiError extends EmiError {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  /** At most a couple of hundred characters, already redacted. */
  readonly body: string;

  constructor(
    site: CallSite & { status: number; body: string },
    options?: { cause?: unknown; message?: string },
  ) {
    super(
      options?.message ??
        `Actito answered ${site.status} to ${site.method} ${site.route}${site.body ? `: ${site.body}` : ""}`,
      options,
    );
    this.method = site.method;
    this.route = site.route;
    this.status = site.status;
    this.body = site.body;
  }
}

/** The API key was refused (401 on `/auth/token`, or 401 again after a fresh token) or lacks a right (403). */
export class AuthError extends ActitoApiError {
  constructor(site: CallSite & { status: number; body: string }, options?: { cause?: unknown }) {
    super(site, {
      ...options,
      message:
        site.status === 403
          ? `Actito refused ${site.method} ${site.route} (403): the API key has no right for this operation`
          : `Actito refused the API key (401 on ${site.method} ${site.route}): check the key and that it is not revoked`,
    });
  }
}

/** Still `429` after the retries allowed (too many concurrent calls, or the daily import quota is spent). */
export class RateLimitedError extends ActitoApiError {
  /** How long Actito asked to wait, when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(site: CallSite & { body: string; retryAfterMs?: number }, options?: { cause?: unknown }) {
    const after =
      site.retryAfterMs === undefined ? "" : ` (it asks to wait ${Math.ceil(site.retryAfterMs / 1000)} s)`;
    super(
      { ...site, status: 429 },
      { ...options, message: `Actito rate-limited ${site.method} ${site.route} with 429${after}` },
    );
    this.retryAfterMs = site.retryAfterMs;
  }
}

/** Actito could not be reached or kept answering 5xx after the retries allowed. */
export class ActitoUnavailableError extends EmiError {
  readonly method: string;
  readonly route: string;
  /** The last status seen, absent when the connection itself failed. */
  readonly status: number | undefined;

  constructor(site: CallSite & { status?: number; detail: string }, options?: { cause?: unknown }) {
    super(`Actito is unavailable for ${site.method} ${site.route}: ${site.detail}`, options);
    this.method = site.method;
    this.route = site.route;
    this.status = site.status;
  }
}

/**
 * A mass import was sent and then the connection failed or Actito answered 5xx: it may or may not
 * have started. It is not re-sent, because each import spends one of the table's 12 a day and a
 * duplicate import may apply twice. The caller decides (retry, or check the data first).
 */
export class ImportOutcomeUnknownError extends EmiError {
  readonly route: string;
  readonly status: number | undefined;

  constructor(site: { route: string; status?: number; detail: string }, options?: { cause?: unknown }) {
    super(
      `the mass import may or may not have started (${site.detail}); it was not re-sent automatically`,
      options,
    );
    this.route = site.route;
    this.status = site.status;
  }
}

/** A mass import was still running when `waitForMassImport` gave up waiting. */
export class MassImportTimeoutError extends EmiError {
  readonly importId: string;

  constructor(importId: string, waitedMs: number) {
    super(`mass import ${importId} was still running after ${Math.round(waitedMs / 1000)} s`);
    this.importId = importId;
  }
}

/** Actito answered 2xx with a body that does not have the shape the route promises. */
export class UnexpectedResponseError extends EmiError {
  readonly method: string;
  readonly route: string;

  constructor(site: CallSite & { detail: string }) {
    super(`unexpected answer from Actito to ${site.method} ${site.route}: ${site.detail}`);
    this.method = site.method;
    this.route = site.route;
  }
}

/** `EMI_ACTITO_URL` (or an explicit base URL) is not an http(s) URL. */
export class ActitoUrlError extends EmiError {}

/** `EMI_ACTITO_CALLS_PER_MINUTE` or `EMI_ACTITO_MAX_CONCURRENT` is not a positive whole number. */
export class ActitoQuotaError extends EmiError {}
