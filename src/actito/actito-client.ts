import { openAsBlob } from "node:fs";
import type { Readable } from "node:stream";
import { type Dispatcher, FormData } from "undici";
import type { Endpoint } from "../types/declared.ts";
import type { ClientLogEvent } from "./client-log-event.ts";
import type { Clock } from "./clock.ts";
import { type Answer, apiError, callFailure, type Method } from "./call-failure.ts";
import { type ActitoApiError, UnexpectedResponseError } from "./errors.ts";
import { gzipToTempFile } from "./gzip-to-temp-file.ts";
import type { LicenceLimiter } from "./licence-limiter.ts";
import { errorCode, retryDecision, type RetryPolicy } from "./retry-decision.ts";
import {
  addAttributeBody,
  fillRoute,
  listProfilesQuery,
  MASS_IMPORT_PARTS,
  massImportDefinition,
  parseEntities,
  parseMassImportStarted,
  parseMassImportStatus,
  parseEmailCampaign,
  parseProfile,
  parseProfilePage,
  parseProfileTable,
  parseProfileTables,
  parseToken,
  patchProfileBody,
  ROUTES,
  type RouteTemplate,
  ShapeError,
} from "./routes.ts";
import { TokenCache } from "./token-cache.ts";
import type {
  EmailCampaign,
  ActitoCoreApi,
  ActitoAttribute,
  ActitoEntity,
  ListProfilesOptions,
  MassImportDefinition,
  MassImportStatus,
  Profile,
  ProfilePage,
  ProfileTable,
} from "./types.ts";

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

/** One licence connection to Actito (endpoint + API key), over undici. See `createActitoClient`. */
export class ActitoClient implements ActitoCoreApi {
  readonly endpoint: Endpoint;
  readonly #parts: ActitoClientParts;
  readonly #origin: string;
  readonly #pathPrefix: string;
  readonly #tokens: TokenCache;

  constructor(parts: ActitoClientParts) {
    this.endpoint = parts.endpoint;
    this.#parts = parts;
    const url = new URL(parts.baseUrl);
    this.#origin = url.origin;
    this.#pathPrefix = url.pathname.replace(/\/+$/, "");
    this.#tokens = new TokenCache(async (reason) => {
      const answer = await this.#call({ method: "GET", route: ROUTES.token, idempotent: true });
      const grant = this.#parse(answer, "GET", ROUTES.token, parseToken);
      this.#parts.logger({ type: "token", reason, expiresInMs: grant.expiresInMs });
      return grant;
    }, parts.clock);
  }

  async checkAuth(): Promise<void> {
    await this.#tokens.get();
  }

  async listEntities(): Promise<ActitoEntity[]> {
    return this.#get(ROUTES.entities, {}, parseEntities);
  }

  async listProfileTables(entity: string): Promise<ProfileTable[]> {
    return this.#get(ROUTES.profileTables, { entity }, parseProfileTables);
  }

  async getProfileTable(entity: string, tableId: string): Promise<ProfileTable> {
    return this.#get(ROUTES.profileTable, { entity, tableId }, parseProfileTable);
  }

  /**
   * Adds an attribute. Retried like an idempotent call: Actito refuses a second attribute of the
   * same name with 409, so a repeat cannot add twice. A 409 that follows a retry is checked against
   * the table: if our own earlier attempt added the same definition, that is success.
   */
  async addAttribute(entity: string, tableId: string, attribute: ActitoAttribute): Promise<void> {
    const spec: CallSpec = {
      method: "POST",
      route: ROUTES.changeRequests,
      params: { entity, tableId },
      json: addAttributeBody(attribute),
      idempotent: true,
      accept: [409],
    };
    const answer = await this.#call(spec);
    if (answer.status !== 409) return;
    if (answer.attempts > 1) {
      const table = await this.getProfileTable(entity, tableId);
      const existing = table.attributes.find((a) => a.name === attribute.name);
      if (existing !== undefined && sameAttribute(existing, attribute)) return;
    }
    throw this.#apiError(spec, answer);
  }

  async *listProfiles(
    entity: string,
    tableId: string,
    options: ListProfilesOptions = {},
  ): AsyncIterable<ProfilePage> {
    let cursor = options.cursor ?? null;
    for (;;) {
      const answer = await this.#call({
        method: "GET",
        route: ROUTES.profiles,
        params: { entity, tableId },
        query: listProfilesQuery(options, cursor),
        idempotent: true,
      });
      const page = this.#parse(answer, "GET", ROUTES.profiles, parseProfilePage);
      yield { profiles: page.profiles, nextCursor: page.nextCursor, cursor };
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  async getProfile(entity: string, tableId: string, key: string): Promise<Profile | null> {
    const answer = await this.#call({
      method: "GET",
      route: ROUTES.profile,
      params: { entity, tableId, key },
      idempotent: true,
      accept: [404],
    });
    if (answer.status === 404) return null;
    return this.#parse(answer, "GET", ROUTES.profile, parseProfile);
  }

  async patchProfile(
    entity: string,
    tableId: string,
    key: string,
    attributes: Record<string, string | null>,
  ): Promise<void> {
    await this.#call({
      method: "PATCH",
      route: ROUTES.profile,
      params: { entity, tableId, key },
      json: patchProfileBody(attributes),
      idempotent: true,
    });
  }

  /**
   * Gzips the CSV into a temporary file, then uploads it as multipart (`definition` + `file`).
   * Retried only when Actito refused it (`429`, `503`) or the connection was never made; if it may
   * have reached Actito, throws ImportOutcomeUnknownError. `bytes` is the compressed size sent.
   */
  async startMassImport(
    entity: string,
    definition: Omit<MassImportDefinition, "format"> & { separator?: string },
    csv: Readable | AsyncIterable<string | Buffer>,
  ): Promise<{ id: string; bytes: number }> {
    // A refused key should fail before minutes spent compressing a large file.
    await this.#tokens.get();
    const file = await gzipToTempFile(csv, { dir: this.#parts.tempDir });
    try {
      const blob = await openAsBlob(file.path, { type: "application/gzip" });
      const definitionJson = JSON.stringify(massImportDefinition(definition));
      this.#parts.logger({ type: "import-upload", bytes: file.bytes });
      const answer = await this.#call({
        method: "POST",
        route: ROUTES.massImports,
        params: { entity },
        idempotent: false,
        form: () => {
          const form = new FormData();
          form.append(
            MASS_IMPORT_PARTS.definition,
            new Blob([definitionJson], { type: "application/json" }),
            "definition.json",
          );
          form.append(MASS_IMPORT_PARTS.file, blob, "import.csv.gz");
          return form;
        },
      });
      const started = this.#parse(answer, "POST", ROUTES.massImports, parseMassImportStarted);
      return { id: started.id, bytes: file.bytes };
    } finally {
      await file.remove();
    }
  }

  async getMassImport(entity: string, id: string): Promise<MassImportStatus> {
    return this.#get(ROUTES.massImport, { entity, id }, parseMassImportStatus);
  }

  async getEmailCampaign(entity: string, campaign: string): Promise<EmailCampaign | null> {
    const answer = await this.#call({
      method: "GET",
      route: ROUTES.emailCampaign,
      params: { entity, campaign },
      idempotent: true,
      accept: [404],
    });
    if (answer.status === 404) return null;
    return this.#parse(answer, "GET", ROUTES.emailCampaign, parseEmailCampaign);
  }

  /** The body is HTML, not JSON: returned as text. */
  async getEmailCampaignBody(entity: string, campaign: string): Promise<string> {
    const answer = await this.#call({
      method: "GET",
      route: ROUTES.emailCampaignBody,
      params: { entity, campaign },
      idempotent: true,
      acceptType: "text/html, application/json;q=0.5",
    });
    return answer.text;
  }

  /** One call with everything #call does, its answer parsed (for ActitoWebhookClient). */
  protected async request<T>(spec: CallSpec, parse: (body: unknown) => T): Promise<T> {
    return this.#parse(await this.#call(spec), spec.method, spec.route, parse);
  }

  async close(): Promise<void> {
    if (this.#parts.ownsDispatcher) await this.#parts.dispatcher.close();
  }

  async #get<T>(
    route: RouteTemplate,
    params: Record<string, string>,
    parse: (body: unknown) => T,
  ): Promise<T> {
    const answer = await this.#call({ method: "GET", route, params, idempotent: true });
    return this.#parse(answer, "GET", route, parse);
  }

  /** Runs one call with the limiter, the token, the 401 refresh and the retry policy. */
  async #call(spec: CallSpec): Promise<Answer> {
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

  #parse<T>(answer: Answer, method: Method, route: RouteTemplate, parse: (body: unknown) => T): T {
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

  #apiError(spec: CallSpec, answer: Answer): ActitoApiError {
    return apiError(spec, answer, this.#secrets());
  }
}

function sameAttribute(a: ActitoAttribute, b: ActitoAttribute): boolean {
  return (
    a.type === b.type &&
    a.valueType === b.valueType &&
    a.unique === b.unique &&
    (b.valueRestriction?.maxLength === undefined ||
      a.valueRestriction?.maxLength === b.valueRestriction.maxLength)
  );
}
