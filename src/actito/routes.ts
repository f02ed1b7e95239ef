/**
 * Every detail of docs/actito-model.md tagged [model] lives in this module: route paths, query
 * parameters, request bodies and response envelopes. Correcting them against Actito's OpenAPI
 * files should touch this file only.
 */
import type {
  ActitoAttribute,
  ActitoEntity,
  EmailCampaign,
  ListProfilesOptions,
  MassImportDefinition,
  MassImportState,
  MassImportStatus,
  Profile,
  ProfileTable,
  WebhookSubscriptionBody,
  WebhookSubscriptionInfo,
} from "./types.ts";

/** Route templates: what errors and logs show instead of URLs, which may carry e-mail addresses. */
export const ROUTES = {
  token: "/auth/token",
  entities: "/entities/v5/entities",
  profileTables: "/profile-table-structure/v5/entities/{entity}/profile-tables",
  profileTable: "/profile-table-structure/v5/entities/{entity}/profile-tables/{tableId}",
  changeRequests: "/profile-table-structure/v5/entities/{entity}/profile-tables/{tableId}/change-requests",
  profiles: "/profiles/v5/entities/{entity}/profile-tables/{tableId}/profiles",
  profile: "/profiles/v5/entities/{entity}/profile-tables/{tableId}/profiles/{key}",
  massImports: "/mass-imports/v5/entities/{entity}/etl-executions",
  massImport: "/mass-imports/v5/entities/{entity}/etl-executions/{id}",
  webhookSubscriptions: "/webhooks/v4/entity/{entity}/webhookSubscription",
  webhookSubscription: "/webhooks/v4/entity/{entity}/webhookSubscription/{id}",
  emailCampaign: "/email-campaigns/v4/entity/{entity}/mail/{campaign}",
  emailCampaignBody: "/email-campaigns/v4/entity/{entity}/mail/{campaign}/content/body",
} as const;

export type RouteTemplate = (typeof ROUTES)[keyof typeof ROUTES];

/** The largest page Actito serves. */
const MAX_PAGE_SIZE = 1000;

/** Names of the multipart parts of a mass import. */
export const MASS_IMPORT_PARTS = { definition: "definition", file: "file" } as const;

/** Fills a template; each value is percent-encoded (a profile key `attr=value` keeps its `=`). */
export function fillRoute(template: RouteTemplate, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new RangeError(`missing route parameter ${name}`);
    if (name === "key") return value.split("=").map(encodeURIComponent).join("=");
    return encodeURIComponent(value);
  });
}

/** Query parameters of the profile listing. */
export function listProfilesQuery(
  options: ListProfilesOptions,
  cursor: string | null,
): Record<string, string> {
  const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(options.pageSize ?? MAX_PAGE_SIZE)));
  const query: Record<string, string> = { pageSize: String(pageSize) };
  if (cursor !== null) query.cursor = cursor;
  if (options.updatedSince !== undefined) query.updatedSince = options.updatedSince;
  if (options.attributes !== undefined && options.attributes.length > 0) {
    query.attributes = options.attributes.join(",");
  }
  return query;
}

export const addAttributeBody = (attribute: ActitoAttribute) => ({ addAttributes: [attribute] });

export const patchProfileBody = (attributes: Record<string, string | null>) => ({ attributes });

/** The full definition part of a mass import whose file is gzip-compressed. */
export function massImportDefinition(
  definition: Omit<MassImportDefinition, "format"> & { separator?: string },
): MassImportDefinition {
  return {
    mode: definition.mode,
    keyColumn: definition.keyColumn,
    format: { separator: definition.separator ?? ";", encoding: "UTF-8", compression: "GZIP" },
    tableId: definition.tableId,
  };
}

/**
 * The subscription `realtime: true` needs for one event type: BULK pushes of up to 500 events to
 * emi serve, with the shared secret in `X-Authorization`; UPDATE only when the e-mail changes.
 */
export function realtimeSubscriptionBody(options: {
  eventType: "CREATE" | "UPDATE";
  tableId: string;
  emailAttribute: string;
  targetUrl: string;
  secret: string;
  isActive: boolean;
}): WebhookSubscriptionBody {
  return {
    on: "PROFILE_TABLE",
    eventType: options.eventType,
    onElementId: options.tableId,
    onFields: options.eventType === "UPDATE" ? [options.emailAttribute] : [],
    targetUrl: options.targetUrl,
    headers: { "X-Authorization": options.secret },
    isActive: options.isActive,
    pushMode: "BULK",
    maxBlockSize: 500,
  };
}

/** `{"subscriptions":[…]}`; entries without the fields emi reads are skipped. */
export function parseWebhookSubscriptions(body: unknown): WebhookSubscriptionInfo[] {
  const list = array(object(body, "body").subscriptions, "subscriptions");
  const result: WebhookSubscriptionInfo[] = [];
  for (const item of list) {
    if (item === null || typeof item !== "object") continue;
    const o = item as Record<string, unknown>;
    if ((typeof o.id !== "string" && typeof o.id !== "number") || typeof o.eventType !== "string") continue;
    const headers: Record<string, string> = {};
    if (o.headers !== null && typeof o.headers === "object") {
      for (const [k, v] of Object.entries(o.headers)) if (typeof v === "string") headers[k] = v;
    }
    result.push({
      id: String(o.id),
      on: "PROFILE_TABLE",
      eventType: o.eventType,
      onElementId: String(o.onElementId ?? ""),
      onFields: Array.isArray(o.onFields) ? o.onFields.filter((f): f is string => typeof f === "string") : [],
      targetUrl: typeof o.targetUrl === "string" ? o.targetUrl : "",
      headers,
      isActive: o.isActive === true,
      pushMode: o.pushMode === "BULK" ? "BULK" : "ONE_BY_ONE",
      maxBlockSize: typeof o.maxBlockSize === "number" ? o.maxBlockSize : 0,
    });
  }
  return result;
}

export function parseCreatedId(body: unknown): string {
  const id = object(body, "body").id;
  if (typeof id !== "string" && typeof id !== "number") throw new ShapeError("no id");
  return String(id);
}

/** A 2xx body without the promised shape. */
export class ShapeError extends Error {}

/** One e-mail campaign, as `GET …/mail/{campaign}` answers it ([model]: only the fields emi reads). */
export function parseEmailCampaign(body: unknown): EmailCampaign {
  const { campaignId, name } = object(body, "the campaign");
  const id = typeof campaignId === "string" && /^\d+$/.test(campaignId) ? Number(campaignId) : campaignId;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) throw new ShapeError("no campaignId");
  if (typeof name !== "string") throw new ShapeError("no campaign name");
  return { id, name };
}

export interface TokenGrant {
  accessToken: string;
  expiresInMs: number;
}

export function parseToken(body: unknown): TokenGrant {
  const o = object(body, "token");
  const accessToken = o.accessToken;
  if (typeof accessToken !== "string" || accessToken === "") throw new ShapeError("no accessToken");
  return { accessToken, expiresInMs: parseExpiresIn(o.expiresIn) };
}

/** `"900s"` (Actito sends a string with an `s` suffix); a bare number of seconds is accepted too. */
function parseExpiresIn(value: unknown): number {
  const match =
    typeof value === "number" ? [String(value), String(value)] : /^(\d+)s?$/.exec(String(value).trim());
  if (!match) throw new ShapeError("unreadable expiresIn");
  return Number(match[1]) * 1000;
}

export function parseEntities(body: unknown): ActitoEntity[] {
  return array(object(body, "body").entities, "entities").map((item) => {
    const o = object(item, "entity");
    return {
      id: number(o.id, "entity id"),
      name: string(o.name, "entity name"),
      comment: typeof o.comment === "string" ? o.comment : null,
    };
  });
}

export function parseProfileTables(body: unknown): ProfileTable[] {
  return array(object(body, "body").profileTables, "profileTables").map(parseProfileTable);
}

export function parseProfileTable(body: unknown): ProfileTable {
  const o = object(body, "profile table");
  const table: ProfileTable = {
    id: String(o.id ?? ""),
    name: string(o.name, "table name"),
    attributes: array(o.attributes, "attributes").map(parseAttribute),
  };
  // [model] The table's profile count: Actito shows it in its interface; no public page names the
  // field of the v5 table body. Read when present, else a full read is checked another way.
  const count = o.profileCount;
  if (typeof count === "number" && Number.isSafeInteger(count) && count >= 0) table.profileCount = count;
  return table;
}

function parseAttribute(item: unknown): ActitoAttribute {
  const o = object(item, "attribute");
  const attribute: ActitoAttribute = {
    name: string(o.name, "attribute name"),
    type: string(o.type, "attribute type"),
    valueType: string(o.valueType, "attribute valueType"),
    unique: o.unique === true,
  };
  if (typeof o.mandatory === "boolean") attribute.mandatory = o.mandatory;
  if (o.valueRestriction !== null && typeof o.valueRestriction === "object") {
    const maxLength = (o.valueRestriction as Record<string, unknown>).maxLength;
    attribute.valueRestriction = typeof maxLength === "number" ? { maxLength } : {};
  }
  return attribute;
}

export function parseProfilePage(body: unknown): { profiles: Profile[]; nextCursor: string | null } {
  const o = object(body, "body");
  const next = o.nextCursor;
  if (next !== null && next !== undefined && typeof next !== "string") throw new ShapeError("bad nextCursor");
  return { profiles: array(o.profiles, "profiles").map(parseProfile), nextCursor: next ?? null };
}

export function parseProfile(body: unknown): Profile {
  const o = object(body, "profile");
  return {
    profileId: number(o.profileId, "profileId"),
    attributes: object(o.attributes, "attributes") as Profile["attributes"],
  };
}

export function parseMassImportStarted(body: unknown): { id: string } {
  const id = object(body, "body").id;
  if (typeof id !== "string" && typeof id !== "number") throw new ShapeError("no import id");
  return { id: String(id) };
}

const IMPORT_STATES = new Set<string>(["RUNNING", "SUCCESS", "WITH_ERROR", "FAILED"]);

export function parseMassImportStatus(body: unknown): MassImportStatus {
  const o = object(body, "body");
  const status = string(o.status, "status");
  if (!IMPORT_STATES.has(status)) throw new ShapeError(`unknown import status ${JSON.stringify(status)}`);
  return {
    id: String(o.id ?? ""),
    status: status as MassImportState,
    processed: count(o.processed),
    updated: count(o.updated),
    rejected: count(o.rejected),
    errors: (Array.isArray(o.errors) ? o.errors : []).map((item) => {
      const e = object(item, "import error");
      return {
        line: count(e.line),
        key: e.key === undefined || e.key === null ? "" : String(e.key),
        message: String(e.message ?? ""),
      };
    }),
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ShapeError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${what} is not a list`);
  return value;
}

function string(value: unknown, what: string): string {
  if (typeof value !== "string") throw new ShapeError(`${what} is not a string`);
  return value;
}

function number(value: unknown, what: string): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new ShapeError(`${what} is not a number`);
  return n;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
