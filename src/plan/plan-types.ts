import type { ActitoAttribute } from "../actito/types.ts";
import type { CampaignCheck } from "../links/link-check-types.ts";
import type { LeftReason } from "../sync/classify-existing-values.ts";
import type { IntegrationStatus } from "../store/store.ts";
import type { Endpoint } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import type { KeyRevocation } from "./service-keys.ts";
import type { DiagnosticCode } from "../types/diagnostic-code.ts";
import type { RealtimeChange, WebhookFacts } from "./realtime-types.ts";

/** What apply will do to one integration. `replace` = endpoint, entity, table or REAID attribute changes. */
export type PlanAction = "create" | "update" | "replace" | "deactivate" | "sync" | "no-op";

/** How much the sync after activation reads: every profile, or those changed since the last sync. */
export type FollowUpSync = "full" | "incremental";

/** How a sensitive value appears in a plan: never the value, only whether it is set and changed. */
type SensitiveMask = "(sensitive)" | "(sensitive, changed)";

/** One side (before or after) of an integration as a plan shows it: the API key masked. */
export interface IntegrationView {
  account: number;
  provider: "actito";
  endpoint: Endpoint;
  entity: string;
  /** The table name, declared or resolved; null when not declared and not yet resolved. */
  profileTable: string | null;
  /**
   * Actito's id of the table when known. On `after`, the table the plan resolved: apply activates this
   * table (read by id, never chosen again); null only when the plan could not read Actito.
   */
  profileTableId: string | null;
  reaidAttribute: string;
  email: string;
  /** Null when no key is recorded (e.g. a registry entry written without one). */
  apiKey: SensitiveMask | null;
  sisterAccounts: number[];
  emailSync: boolean;
  status: IntegrationStatus;
  managedBy: string | null;
}

/** One field that differs between before and after. Sensitive fields carry only masks. */
export interface FieldDifference {
  field: keyof IntegrationView;
  before: unknown;
  after: unknown;
  sensitive?: true;
}

/** Facts read from Actito for one declared integration. `unknown` when there was no secret here. */
export interface LiveFacts {
  /** False when the API key's secret is not available here (a fork's pull request): facts below are unknown. */
  secretAvailable: boolean;
  key: "works" | "rejected" | "unknown";
  /** Whether the key differs from the one fingerprinted in the registry; null when unknown or none recorded. */
  keyChanged: boolean | null;
  entity: "found" | "missing" | "unknown";
  table: {
    status: "found" | "missing" | "ambiguous" | "unknown";
    id: string | null;
    name: string | null;
    /** Table names of the entity, when the declared one was not found or none was declared among several. */
    candidates?: string[];
  };
  attribute: {
    status: "present" | "missing" | "conflict" | "unknown";
    /** The existing attribute's definition when present or conflicting. */
    definition: ActitoAttribute | null;
  };
  /** Profiles without a REAID: exact when `complete`, else a lower bound from the first pages. */
  profilesWithoutReaid: { count: number; complete: boolean } | null;
  /**
   * What the last completed sync found (from the store, without reading Actito): profiles carrying
   * the REAID of another e-mail, values emi did not write. Absent before the first sync.
   */
  lastSync?: { mismatched: number; mismatchedExamples: number[]; foreign: number; foreignExamples: number[] };
  /** What the values already in the REAID attribute are (from the same pages); null when none or not read. */
  existingValues?: ExistingValues | null;
  /**
   * What the cost of a sync is estimated from (estimateSync); absent when the table was not read. Not
   * part of the plan's basis: it changes all day.
   */
  syncCost?: SyncCost;
  /** A network or API failure while reading: never read as "gone". */
  error: string | null;
  /** Webhook subscriptions, read only for integrations that are (or were) `realtime: true`. */
  webhooks?: WebhookFacts;
}

/**
 * What the table's size is known from: Actito's count (or a complete read of every page), the
 * number of e-mails emi's last full read found (the store's REAIDs), or only the first pages.
 */
type SyncCostBasis = "profile-count" | "last-full-read" | "first-pages";

/** The facts a sync's cost is estimated from. */
export interface SyncCost {
  /** Profiles in the table, as far as `basis` tells. */
  profiles: number;
  basis: SyncCostBasis;
  /** Mass imports emi recorded on this table today (other importers are not seen). */
  importsUsedToday: number;
  /** The calls a minute this emi allows itself on the licence (EMI_ACTITO_CALLS_PER_MINUTE). */
  callsPerMinute: number;
}

/** What a scheduled sync will cost (`sync.estimate` in the JSON plan). */
export interface SyncEstimate {
  /** Listing calls: pages of 1,000. */
  listCalls: number;
  /** PATCH calls, or one upload per import file. */
  writeCalls: number;
  imports: number;
  /** Of the table's daily mass imports, those left after this sync (emi counts only its own). */
  importsLeftToday: number;
  /** The calls at the licence's configured calls a minute (imports' processing not counted). */
  minutes: number;
  basis: SyncCostBasis;
}

/** The values found in the REAID attribute, as the plan's sync preview counts them. */
export interface ExistingValues {
  /** Every page was read: the counts are exact, else lower bounds. */
  complete: boolean;
  values: number;
  /** REAIDs of this integration's namespace (emi wrote them). */
  ours: number;
  /** Of `ours`, on a profile whose e-mail is not theirs. */
  mismatched: number;
  /** REAIDs of other namespaces (e.g. the table's previous owner), by namespace. */
  otherNamespaces: Record<string, { count: number; examples: number[] }>;
  /** Values the store does not know (not adopting). */
  foreign: number;
  foreignExamples: number[];
  /** Values the sync would adopt (adopting). */
  adoptable: number;
  /** Values left for a person (adopting), by reason. */
  left: Partial<Record<LeftReason, number>>;
  leftExamples: number[];
}

/** A problem attached to one change: errors stop that change, warnings need a person but do not. */
export interface ChangeProblem {
  severity: "error" | "warning";
  code: DiagnosticCode;
  message: string;
  /** What to do, when emi found out (e.g. `the key works on api3 (ENV-3, Paris): set endpoint: api3`); also in `message`. */
  hint?: string;
}

/** The plan for one integration. */
export interface Change {
  account: number;
  /** What apply does to this integration; `sync` when only a sync is due. */
  action: PlanAction;
  /** A person-readable why. */
  reason: string;
  /** The declaration file, or where it used to be for a deactivation. */
  file: string;
  before: IntegrationView | null;
  after: IntegrationView | null;
  differences: FieldDifference[];
  /** Sister accounts this change releases and claims (apply releases before it claims). */
  sisters: { released: number[]; claimed: number[] };
  /** Null for deactivations (Actito is not read for them). */
  live: LiveFacts | null;
  /** Deactivation without `--allow-deactivate`: shown, not applied. */
  blocked: boolean;
  /**
   * The REAID sync apply runs for this integration after activation, or null for none. `full` reads
   * every profile (a new table, or a REAID attribute added since the last sync: the incremental
   * watermark says nothing about those profiles); `incremental` reads those changed since the last sync.
   * Apply still skips it when activation meets a conflicting REAID attribute.
   */
  syncAfter: FollowUpSync | null;
  /** What the scheduled sync will cost; absent without a sync or when the table was not read. */
  sync?: { estimate: SyncEstimate };
  /**
   * The table passes to this integration from `from` in this plan: its REAIDs are kept (apply moves
   * them to this namespace before the sync; nothing changes in Actito).
   */
  takeover?: { from: number };
  problems: ChangeProblem[];
  /**
   * Service keys this change makes stop working, for good (accounts leaving the integration, or all
   * of its accounts when it is deactivated); absent when none work now. Apply revokes them first.
   */
  serviceKeys?: KeyRevocation[];
  /** The webhook subscriptions of `realtime: true` (absent when realtime is neither wanted nor set up). */
  realtime?: RealtimeChange;
  /**
   * The declared campaigns' link check (absent when none is declared or the key is not here): facts
   * of the moment, outside the plan's basis, so they never make a saved plan stale.
   */
  links?: CampaignCheck[];
}

/** What a saved plan was computed from: if any of it changes, the plan is stale. */
export interface PlanBasis {
  /** `sha256:<hex>` over everything below. */
  fingerprint: string;
  registryRevision: number;
  /** Declaration file → content hash. */
  declarations: Record<string, string>;
  /** Account → hash of the live facts (and key fingerprint) relied on; `unknown` when not checked. */
  live: Record<string, string>;
}

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  deactivate: number;
  blocked: number;
  sync: number;
  unchanged: number;
  errors: number;
  warnings: number;
  /** Integrations planned without a secret (live facts unknown). */
  unchecked: number;
  total: number;
}

/**
 * The saved plan's shape. Raised on every incompatible change; apply refuses a plan of another
 * version (plans are short-lived: run emi plan again). See docs/json-outputs.md.
 */
export const PLAN_FORMAT_VERSION = 2;

/** The plan: versioned data that every renderer and apply read. */
export interface Plan {
  /** PLAN_FORMAT_VERSION: raised when the shape changes incompatibly (docs/json-outputs.md). */
  formatVersion: typeof PLAN_FORMAT_VERSION;
  createdAt: string;
  /** The repository that manages these integrations (registry `managedBy`). */
  repo: string;
  /** The declarations folder, relative to the working directory. */
  dir: string;
  options: { allowDeactivate: boolean };
  basis: PlanBasis;
  /** Deactivations first, then by account. */
  changes: Change[];
  summary: PlanSummary;
  /** Validation diagnostics and live conflicts (e.g. `unmanaged-conflict`). */
  diagnostics: Diagnostic[];
  /**
   * `hmac-sha256:<hex>` of everything above, keyed by a secret only the store knows: apply refuses a
   * saved plan whose digest does not match (the file was edited). Absent only in plans built in memory.
   */
  digest?: string;
}

/** Sentinel for a live-facts hash when there was no secret to check with. */
export const UNKNOWN_LIVE = "unknown";
