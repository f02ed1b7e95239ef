import type { Readable } from "node:stream";
import type { Endpoint } from "../types/declared.ts";

export interface ActitoEntity {
  id: number;
  name: string;
  comment: string | null;
}

export interface ActitoAttribute {
  name: string;
  /** Predefined kind such as `EMAIL_ADDRESS` or `CUSTOM`. */
  type: string;
  /** `STRING`, `INTEGER`, `TIMESTAMP`, … */
  valueType: string;
  unique: boolean;
  mandatory?: boolean;
  valueRestriction?: { maxLength?: number };
}

export interface ProfileTable {
  id: string;
  name: string;
  attributes: ActitoAttribute[];
  /**
   * How many profiles the table holds, when Actito says ([model]: see routes.ts): what a full
   * read must reach to be complete (docs/sync-completeness.md).
   */
  profileCount?: number;
}

export interface Profile {
  profileId: number;
  attributes: Record<string, string | number | boolean | null>;
}

export interface ProfilePage {
  profiles: Profile[];
  /** Cursor of the next page, null after the last one. */
  nextCursor: string | null;
  /** The cursor this page was read with (null for the first page), so a caller can checkpoint. */
  cursor: string | null;
}

export interface ListProfilesOptions {
  pageSize?: number;
  /** ISO timestamp: only profiles updated at or after it. */
  updatedSince?: string;
  /** Only these attributes (profileId always comes). */
  attributes?: string[];
  /** Resume after a checkpoint. */
  cursor?: string | null;
}

type ImportMode = "UPDATE_ONLY" | "CREATE_UPDATE" | "CREATE_ONLY";

export interface MassImportDefinition {
  mode: ImportMode;
  keyColumn: string;
  format: { separator: string; encoding: "UTF-8"; compression: "NONE" | "GZIP" };
  tableId: string;
}

export type MassImportState = "RUNNING" | "SUCCESS" | "WITH_ERROR" | "FAILED";

export interface MassImportStatus {
  id: string;
  status: MassImportState;
  processed: number;
  updated: number;
  rejected: number;
  errors: { line: number; key: string; message: string }[];
}

/** An e-mail campaign: its id and unique name (the fields `emi links check` reads). */
export interface EmailCampaign {
  id: number;
  name: string;
}

/** A webhook subscription as emi writes it (docs/actito-model.md, "Webhooks"; the shape is [model]). */
export interface WebhookSubscriptionBody {
  on: "PROFILE_TABLE";
  eventType: string;
  onElementId: string;
  onFields: string[];
  targetUrl: string;
  /** Carries the shared secret: never logged, never shown. */
  headers: Record<string, string>;
  isActive: boolean;
  pushMode: "ONE_BY_ONE" | "BULK";
  maxBlockSize: number;
}

/** A subscription as Actito lists it. */
export interface WebhookSubscriptionInfo extends WebhookSubscriptionBody {
  id: string;
}

/** Every call emi makes to one Actito licence (ActitoClient over HTTP; the sandbox serves the same routes). */
export interface ActitoApi {
  readonly endpoint: Endpoint;
  /** Fetches a token: resolves if the key works, throws AuthError if not. */
  checkAuth(): Promise<void>;
  listEntities(): Promise<ActitoEntity[]>;
  listProfileTables(entity: string): Promise<ProfileTable[]>;
  getProfileTable(entity: string, tableId: string): Promise<ProfileTable>;
  /** Adds an attribute; throws ActitoApiError with status 409 if one of that name exists. */
  addAttribute(entity: string, tableId: string, attribute: ActitoAttribute): Promise<void>;
  /** Pages through a table. */
  listProfiles(entity: string, tableId: string, options?: ListProfilesOptions): AsyncIterable<ProfilePage>;
  /** `key` is a profileId or `attr=value`. Null when there is no such profile. */
  getProfile(entity: string, tableId: string, key: string): Promise<Profile | null>;
  /** Updates attributes of an existing profile; throws ActitoApiError 404 if it does not exist. */
  patchProfile(
    entity: string,
    tableId: string,
    key: string,
    attributes: Record<string, string | null>,
  ): Promise<void>;
  /**
   * Streams a CSV (header line first) through gzip into a mass import. Never retried once the
   * request may have reached Actito: the caller decides (see src/sync).
   */
  startMassImport(
    entity: string,
    definition: Omit<MassImportDefinition, "format"> & { separator?: string },
    csv: Readable | AsyncIterable<string | Buffer>,
  ): Promise<{ id: string; bytes: number }>;
  getMassImport(entity: string, id: string): Promise<MassImportStatus>;
  /**
   * Actito's clock as of its latest answer (the `Date` header, to the second, in ms), or null before
   * any answer. Sync watermarks come from here, never from this machine's clock.
   */
  actitoTime?(): number | null;
  /**
   * A moment Actito's clock has surely reached by now, or null before any answer: this machine's
   * clock plus the largest (`Date` header less arrival time) of Actito's answers. Each header is
   * truncated to the second and stamped before its answer arrived, so this is never ahead of Actito;
   * it lets a wait for Actito's clock end when that clock gets there, not a whole second later.
   */
  actitoTimeNow?(): number | null;
  /** One e-mail campaign by id or unique name; null when the entity has no such campaign. */
  getEmailCampaign(entity: string, campaign: string): Promise<EmailCampaign | null>;
  /** The HTML body of an e-mail campaign, by id or unique name. */
  getEmailCampaignBody(entity: string, campaign: string): Promise<string>;
  listWebhookSubscriptions(entity: string): Promise<WebhookSubscriptionInfo[]>;
  /** Creates a subscription and returns its id. */
  createWebhookSubscription(entity: string, body: WebhookSubscriptionBody): Promise<string>;
  /** Replaces a subscription (e.g. to deactivate it or rotate its secret header). */
  changeWebhookSubscription(entity: string, id: string, body: WebhookSubscriptionBody): Promise<void>;
  close(): Promise<void>;
}
