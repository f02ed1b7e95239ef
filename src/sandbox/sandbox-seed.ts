/** Environments a licence can live in; `api-pre1` is Actito's pre-production host. */
export type SandboxEndpoint = "api" | "api1" | "api3" | "apitest" | "api-pre1";

export const sandboxEndpoints: readonly SandboxEndpoint[] = ["api", "api1", "api3", "apitest", "api-pre1"];

/** Scalar value of a profile attribute. */
export type AttributeValue = string | number | boolean | null;

/** One attribute of a profile table, as Actito describes it. */
export interface SeedAttribute {
  name: string;
  /** Predefined kind such as `EMAIL_ADDRESS` or `CUSTOM`. */
  type: string;
  /** `STRING`, `INTEGER`, `BOOLEAN`, `TIMESTAMP`, … */
  valueType: string;
  unique?: boolean;
  mandatory?: boolean;
  valueRestriction?: { maxLength?: number };
}

export interface SeedProfileTable {
  id: string;
  name: string;
  /** Default: emailAddress (EMAIL_ADDRESS, unique), firstName, lastName. */
  attributes?: SeedAttribute[];
  /** Generates profiles `user-<i>@<entity>.example`, i from 1 to N (ids 1..N, before explicit profiles). */
  generate?: number;
  /** Explicit profiles: attribute name → value. */
  profiles?: Record<string, AttributeValue>[];
}

/** An e-mail campaign: `emi links check` reads it by id or by its unique name. */
export interface SeedCampaign {
  id: number;
  name: string;
  html: string;
}

interface SeedEntity {
  name: string;
  profileTables: SeedProfileTable[];
  campaigns?: SeedCampaign[];
}

export interface SeedLicence {
  name: string;
  endpoint: SandboxEndpoint;
  apiKeys: string[];
  entities: SeedEntity[];
}

/** Actito's limits per licence; every one is a knob so tests can scale it. */
export interface Limits {
  /** In-flight requests per licence; one more gets `429`. */
  concurrentRequests: number;
  /** Calls per licence in any 60-second window; more are answered later, not rejected. */
  callsPerMinute: number;
  /** Accepted mass imports per table per UTC day; one more gets `429`. */
  importsPerTablePerDay: number;
  /** Mass import file size in bytes (as uploaded); more gets `400`. */
  maxImportBytes: number;
  /** Life of an access token; `expiresIn` reports it as `"<n>s"`. */
  tokenLifetimeSeconds: number;
  /** Largest `pageSize` accepted when listing profiles. */
  maxPageSize: number;
}

/** Fault injection; draws come from a PRNG seeded with `seed`, so a run is reproducible. */
export interface Faults {
  /** Probability that a request is answered `500` or `503` instead of being handled. */
  errorRate: number;
  /** Added to every Actito request before it is handled. */
  latencyMs: number;
  /** Probability that the connection is destroyed without an answer. */
  dropRate: number;
  seed: number;
  /** Delay before an accepted mass import starts, so tests can observe `RUNNING` (sandbox only). */
  importStartDelayMs: number;
  /**
   * A listing page that starts after this many profiles (in profileId order) is answered empty,
   * with no next cursor, as if the table ended there; 0 turns it off.
   */
  emptyPageAt: number;
  /**
   * A listing page that would go past this many profiles is cut there (a short page) with no next
   * cursor; 0 turns it off.
   */
  truncateListingAfter: number;
  /** How many listing pages the two faults above spoil before they stop (0: every time). */
  listingFaultTimes: number;
  /** 1: a profile table is described without its `profileCount` (as Actito may); 0: with it. */
  noProfileCount: number;
}

/** The seed file's shape (schemas/sandbox-seed.schema.json). */
export interface SandboxSeed {
  licences: SeedLicence[];
  limits?: Partial<Limits>;
  faults?: Partial<Faults>;
}

/** Actito's documented values. */
export const defaultLimits: Readonly<Limits> = {
  concurrentRequests: 5,
  callsPerMinute: 100,
  importsPerTablePerDay: 12,
  maxImportBytes: 104_857_600,
  tokenLifetimeSeconds: 900,
  maxPageSize: 1000,
};

export const defaultFaults: Readonly<Faults> = {
  errorRate: 0,
  latencyMs: 0,
  dropRate: 0,
  seed: 1,
  importStartDelayMs: 0,
  emptyPageAt: 0,
  truncateListingAfter: 0,
  listingFaultTimes: 0,
  noProfileCount: 0,
};

/** Attributes of a table declared without any. */
export const defaultAttributes: readonly SeedAttribute[] = [
  {
    name: "emailAddress",
    type: "EMAIL_ADDRESS",
    valueType: "STRING",
    unique: true,
    valueRestriction: { maxLength: 255 },
  },
  { name: "firstName", type: "FIRSTNAME", valueType: "STRING", unique: false },
  { name: "lastName", type: "LASTNAME", valueType: "STRING", unique: false },
];
