// Generated from schemas/integration.schema.json by `npm run types:generate`. Do not edit.

/**
 * One Raptor account's e-mail marketing integration, declared in integrations/<account>.yaml.
 */
export interface Integration {
  /**
   * The Raptor account that owns this integration. Must equal the file name (integrations/<account>.yaml).
   */
  account: number;
  /**
   * The e-mail marketing platform. Only Actito is supported today.
   */
  provider: "actito";
  actito: ActitoSettings;
  /**
   * Other Raptor accounts that share this integration (and its REAID namespace). An account belongs to at most one integration.
   *
   * Items: A sister Raptor account id.
   */
  sisterAccounts?: number[];
  /**
   * REAID synchronisation: when true, every profile in the Actito table gets the REAID of its e-mail address.
   */
  emailSync?: boolean;
  /**
   * Real-time REAIDs: apply subscribes emi serve (at EMI_PUBLIC_URL) to Actito's CREATE and e-mail UPDATE webhooks of the profile table, so a new profile gets its REAID within seconds instead of at the next sync. Needs EMI_PUBLIC_URL where plan and apply run.
   */
  realtime?: boolean;
}
/**
 * How Raptor reaches the customer's Actito licence.
 */
export interface ActitoSettings {
  /**
   * The Actito API environment: api (ENV-0, Brussels), api1 (ENV-1, North America), api3 (ENV-3, Paris) or apitest (test server).
   */
  endpoint: "api" | "api1" | "api3" | "apitest";
  /**
   * The Actito entity name (by default the licence name).
   */
  entity: string;
  /**
   * Technical contact e-mail address that receives status notices.
   */
  email: string;
  apiKey: SecretRef;
  /**
   * The Actito profile table name. Optional when the entity has exactly one profile table.
   */
  profileTable?: string;
  /**
   * The technical name of the profile attribute that holds the REAID (at most 50 characters, Actito's limit).
   */
  reaidAttribute?: string;
}
/**
 * A reference to the Actito API key, never the key itself.
 */
export interface SecretRef {
  /**
   * env:NAME reads the environment variable NAME; file:PATH reads the file at PATH (relative to the repository root).
   */
  secretRef: string;
}
