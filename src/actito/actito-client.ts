import { sameAttribute } from "./answer-facts.ts";
import { openAsBlob } from "node:fs";
import type { Readable } from "node:stream";
import { FormData } from "undici";
import type { Endpoint } from "../types/declared.ts";
import { type ActitoClientParts, ActitoTransport, type CallSpec } from "./actito-transport.ts";
import { gzipToTempFile } from "./gzip-to-temp-file.ts";
import {
  addAttributeBody,
  listProfilesQuery,
  MASS_IMPORT_PARTS,
  massImportDefinition,
  parseCreatedId,
  parseEmailCampaign,
  parseEntities,
  parseMassImportStarted,
  parseMassImportStatus,
  parseProfile,
  parseProfilePage,
  parseProfileTable,
  parseProfileTables,
  parseWebhookSubscriptions,
  patchProfileBody,
  ROUTES,
  type RouteTemplate,
} from "./routes.ts";
import type {
  ActitoApi,
  EmailCampaign,
  ActitoAttribute,
  ActitoEntity,
  ListProfilesOptions,
  MassImportDefinition,
  MassImportStatus,
  Profile,
  ProfilePage,
  ProfileTable,
  WebhookSubscriptionBody,
  WebhookSubscriptionInfo,
} from "./types.ts";

/**
 * Every call emi makes to one Actito licence (endpoint + API key): what each route sends and reads
 * (routes.ts has the wire shapes). How the calls travel (limiter, token, retries) is ActitoTransport.
 * See `createActitoClient`.
 */
export class ActitoClient implements ActitoApi {
  readonly endpoint: Endpoint;
  readonly #http: ActitoTransport;

  constructor(parts: ActitoClientParts) {
    this.endpoint = parts.endpoint;
    this.#http = new ActitoTransport(parts);
  }

  async checkAuth(): Promise<void> {
    await this.#http.token();
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
    const answer = await this.#http.call(spec);
    if (answer.status !== 409) return;
    if (answer.attempts > 1) {
      const table = await this.getProfileTable(entity, tableId);
      const existing = table.attributes.find((a) => a.name === attribute.name);
      if (existing !== undefined && sameAttribute(existing, attribute)) return;
    }
    throw this.#http.apiError(spec, answer);
  }

  async *listProfiles(
    entity: string,
    tableId: string,
    options: ListProfilesOptions = {},
  ): AsyncIterable<ProfilePage> {
    let cursor = options.cursor ?? null;
    for (;;) {
      const answer = await this.#http.call({
        method: "GET",
        route: ROUTES.profiles,
        params: { entity, tableId },
        query: listProfilesQuery(options, cursor),
        idempotent: true,
      });
      const page = this.#http.parse(answer, "GET", ROUTES.profiles, parseProfilePage);
      yield { profiles: page.profiles, nextCursor: page.nextCursor, cursor };
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  async getProfile(entity: string, tableId: string, key: string): Promise<Profile | null> {
    const answer = await this.#http.call({
      method: "GET",
      route: ROUTES.profile,
      params: { entity, tableId, key },
      idempotent: true,
      accept: [404],
    });
    if (answer.status === 404) return null;
    return this.#http.parse(answer, "GET", ROUTES.profile, parseProfile);
  }

  async patchProfile(
    entity: string,
    tableId: string,
    key: string,
    attributes: Record<string, string | null>,
  ): Promise<void> {
    await this.#http.call({
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
    await this.#http.token();
    const file = await gzipToTempFile(csv, { dir: this.#http.tempDir });
    try {
      const blob = await openAsBlob(file.path, { type: "application/gzip" });
      const definitionJson = JSON.stringify(massImportDefinition(definition));
      this.#http.log({ type: "import-upload", bytes: file.bytes });
      const answer = await this.#http.call({
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
      const started = this.#http.parse(answer, "POST", ROUTES.massImports, parseMassImportStarted);
      return { id: started.id, bytes: file.bytes };
    } finally {
      await file.remove();
    }
  }

  async getMassImport(entity: string, id: string): Promise<MassImportStatus> {
    return this.#get(ROUTES.massImport, { entity, id }, parseMassImportStatus);
  }

  actitoTime(): number | null {
    return this.#http.actitoTime();
  }

  actitoTimeNow(): number | null {
    return this.#http.actitoTimeNow();
  }

  async getEmailCampaign(entity: string, campaign: string): Promise<EmailCampaign | null> {
    const spec: CallSpec = {
      method: "GET",
      route: ROUTES.emailCampaign,
      params: { entity, campaign },
      idempotent: true,
      accept: [404],
    };
    const answer = await this.#http.call(spec);
    if (answer.status === 404) return null;
    return this.#http.parse(answer, "GET", ROUTES.emailCampaign, parseEmailCampaign);
  }

  /** The body is HTML, not JSON: returned as text. */
  async getEmailCampaignBody(entity: string, campaign: string): Promise<string> {
    const answer = await this.#http.call({
      method: "GET",
      route: ROUTES.emailCampaignBody,
      params: { entity, campaign },
      idempotent: true,
      acceptType: "text/html, application/json;q=0.5",
    });
    return answer.text;
  }

  // Webhook subscriptions ([model] shapes in routes.ts)

  listWebhookSubscriptions(entity: string): Promise<WebhookSubscriptionInfo[]> {
    return this.#http.request(
      { method: "GET", route: ROUTES.webhookSubscriptions, params: { entity }, idempotent: true },
      parseWebhookSubscriptions,
    );
  }

  /** Not retried once it may have reached Actito: a second POST would make a second subscription. */
  createWebhookSubscription(entity: string, body: WebhookSubscriptionBody): Promise<string> {
    return this.#http.request(
      {
        method: "POST",
        route: ROUTES.webhookSubscriptions,
        params: { entity },
        json: body,
        idempotent: false,
      },
      parseCreatedId,
    );
  }

  async changeWebhookSubscription(entity: string, id: string, body: WebhookSubscriptionBody): Promise<void> {
    await this.#http.request(
      {
        method: "PUT",
        route: ROUTES.webhookSubscription,
        params: { entity, id },
        json: body,
        idempotent: true,
      },
      () => undefined,
    );
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  async #get<T>(
    route: RouteTemplate,
    params: Record<string, string>,
    parse: (body: unknown) => T,
  ): Promise<T> {
    return this.#http.request({ method: "GET", route, params, idempotent: true }, parse);
  }
}
