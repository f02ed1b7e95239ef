import { largerOffset, laterDate } from "./answer-facts.ts";
import type { Dispatcher, FormData } from "undici";
import type { Endpoint } from "../types/declared.ts";
import { type Answer, apiError, callFailure, type Method } from "./call-failure.ts";
import type { ClientLogEvent } from "./client-log-event.ts";
import type { Clock } from "./clock.ts";
import { type ActitoApiError, UnexpectedResponseError } from "./errors.ts";
import type { LicenceLimiter } from "./licence-limiter.ts";
import { errorCode, retryDecision, type RetryPolicy } from "./retry-decision.ts";
import { fillRoute, parseToken, ROUTES, type RouteTemplate, ShapeError } from "./routes.ts";
import { TokenCache } from "./token-cache.ts";

/** Everything an ActitoClient is built from; `createActitoClient` fills it from friendlier options. */
export interface ActitoClientParts {
  endpoint: Endpoint;
  apiKey: string;
  baseUrl: string;
  sendEndpointHeader: boolean;
  dispatcher: Dispatcher;
  /** Whether `close()` closes the dispatcher (false when it was lent by the caller). */
  ownsDispatcher: boolean;
  limiter: LicenceLimiter;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  logger: (event: ClientLogEvent) => void;
  retryPolicy?: RetryPolicy;
  /** Folder for the temporary gzip file of a mass import (default: the OS temp folder). */
  tempDir?: string;
}

export interface CallSpec {
  method: Method;
  route: RouteTemplate;
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  /** Builds a multipart body afresh for each attempt. */
  form?: () => FormData;
  idempotent: boolean;
  /** Non-2xx statuses handed back to the caller instead of thrown. */
  accept?: readonly number[];
  /** The `Accept` header, when the answer is not JSON (a campaign's HTML body). */
  acceptType?: string;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;

/**
 * How every call to one Actito licence travels, whatever its route: a slot of the licence's
 * limiter, the token (fetched, cached, refreshed once on a 401), the retry policy, the log events,
 * and the failure that names the host and hides the key. ActitoClient says what each route sends
 * and reads; this says how.
 */
export class ActitoTransport {
  readonly endpoint: Endpoint;
  readonly #parts: ActitoClientParts;
  readonly #origin: string;
  readonly #pathPrefix: string;
  readonly #tokens: TokenCache;
  /** The latest `Date` header Actito sent, in ms (see actitoTime). */
  #latestDate: number | null = null;
  /** Actito's clock less this machine's, at least (see actitoTimeNow). */
  #offsetAtLeast: number | null = null;

  constructor(parts: ActitoClientParts) {
    this.endpoint = parts.endpoint;
    this.#parts = parts;
    const url = new URL(parts.baseUrl);
    this.#origin = url.origin;
    this.#pathPrefix = url.pathname.replace(/\/+$/, "");
    this.#tokens = new TokenCache(async (reason) => {
      const grant = await this.request({ method: "GET", route: ROUTES.token, idempotent: true }, parseToken);
      this.#parts.logger({ type: "token", reason, expiresInMs: grant.expiresInMs });
      return grant;
    }, parts.clock);
  }

  /** Actito's clock as of its latest answer (ActitoCoreApi.actitoTime). */
  actitoTime(): number | null {
    return this.#latestDate;
  }

  /** A moment Actito's clock has reached by now (ActitoCoreApi.actitoTimeNow). */
  actitoTimeNow(): number | null {
    return this.#offsetAtLeast === null ? null : this.#parts.clock.now() + this.#offsetAtLeast;
  }

  /** A valid token: fetched if none is cached (AuthError when the key is refused). */
  async token(): Promise<void> {
    await this.#tokens.get();
  }

  log(event: ClientLogEvent): void {
    this.#parts.logger(event);
  }

  get tempDir(): string | undefined {
    return this.#parts.tempDir;
  }

  /** One call, its answer parsed. */
  async request<T>(spec: CallSpec, parse: (body: unknown) => T): Promise<T> {
    return this.parse(await this.call(spec), spec.method, spec.route, parse);
  }

  async close(): Promise<void> {
    if (this.#parts.ownsDispatcher) await this.#parts.dispatcher.close();
  }

  /** Runs one call with the limiter, the token, the 401 refresh and the retry policy. */
  async call(spec: CallSpec): Promise<Answer> {
    const { clock, sleep, random, logger } = this.#parts;
    const usesToken = spec.route !== ROUTES.token;
    let attempt = 1;
    let refreshed = false;
    for (;;) {
      const token = usesToken ? await this.#tokens.get() : undefined;
      let answer: Answer | undefined;
      let error: unknown;
      try {
        answer = await this.#send(spec, token, attempt);
      } catch (caught) {
        error = caught;
      }
      if (answer !== undefined) {
        if ((answer.status >= 200 && answer.status < 300) || spec.accept?.includes(answer.status))
          return answer;
        if (answer.status === 401 && token !== undefined && !refreshed) {
          // An expired token: fetch a new one once and repeat the call once (not counted as a retry).
          refreshed = true;
          this.#tokens.invalidate(token);
          continue;
        }
      }
      const decision = retryDecision(
        {
          attempt,
          status: answer?.status,
          error,
          headers: answer?.headers ?? {},
          method: spec.method,
          idempotent: spec.idempotent,
          now: clock.now(),
          random: random(),
        },
        this.#parts.retryPolicy,
      );
      if (!decision.retry) {
        throw callFailure({
          spec,
          answer,
          error,
          reason: decision.reason,
          secrets: this.#secrets(),
          now: clock.now(),
          host: new URL(this.#origin).host,
          endpoint: this.endpoint,
          throughEmiActitoUrl: this.#parts.sendEndpointHeader,
        });
      }
      logger({
        type: "retry",
        method: spec.method,
        route: spec.route,
        attempt,
        waitMs: decision.waitMs,
        ...(answer !== undefined ? { status: answer.status } : { errorCode: errorCode(error) ?? "unknown" }),
      });
      await sleep(decision.waitMs);
      attempt++;
    }
  }

  /** One HTTP exchange inside a limiter slot; the slot is held until the body has been read. */
  async #send(spec: CallSpec, token: string | undefined, attempt: number): Promise<Answer> {
    const { clock, logger, limiter } = this.#parts;
    const headers: Record<string, string> = {
      accept: spec.acceptType ?? "application/json",
      authorization: token === undefined ? this.#parts.apiKey : `Bearer ${token}`,
    };
    if (this.#parts.sendEndpointHeader) headers["x-emi-endpoint"] = this.endpoint;
    let body: string | FormData | undefined;
    if (spec.json !== undefined) {
      Object.assign(headers, JSON_HEADERS);
      body = JSON.stringify(spec.json);
    } else if (spec.form !== undefined) {
      body = spec.form();
    }
    let path = this.#pathPrefix + fillRoute(spec.route, spec.params);
    if (spec.query !== undefined) path += `?${new URLSearchParams(spec.query).toString()}`;

    const release = await limiter.acquire();
    const startedAt = clock.now();
    try {
      const response = await this.#parts.dispatcher.request({
        origin: this.#origin,
        path,
        method: spec.method,
        headers,
        body,
      });
      const text = await response.body.text();
      this.#latestDate = laterDate(this.#latestDate, response.headers.date);
      this.#offsetAtLeast = largerOffset(this.#offsetAtLeast, response.headers.date, clock.now());
      logger({
        type: "request",
        method: spec.method,
        route: spec.route,
        attempt,
        status: response.statusCode,
        durationMs: clock.now() - startedAt,
      });
      return { status: response.statusCode, headers: response.headers, text, attempts: attempt };
    } catch (error) {
      logger({
        type: "request",
        method: spec.method,
        route: spec.route,
        attempt,
        errorCode: errorCode(error) ?? "unknown",
        durationMs: clock.now() - startedAt,
      });
      throw error;
    } finally {
      release();
    }
  }

  parse<T>(answer: Answer, method: Method, route: RouteTemplate, parse: (body: unknown) => T): T {
    try {
      return parse(answer.text === "" ? undefined : JSON.parse(answer.text));
    } catch (error) {
      const detail = error instanceof ShapeError ? error.message : "the body is not JSON";
      throw new UnexpectedResponseError({ method, route, detail });
    }
  }

  #secrets(): string[] {
    return [this.#parts.apiKey, ...this.#tokens.secrets()];
  }

  apiError(spec: CallSpec, answer: Answer): ActitoApiError {
    return apiError(spec, answer, this.#secrets());
  }
}
