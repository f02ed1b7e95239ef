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
   * Other Raptor accounts that share this integration (and its REAID namespace), at most 1,000. An account belongs to at most one integration.
   *
   * @maxItems 1000
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
   * The Actito entity name (by default the licence name): letters, digits, '_', '-' and '.', starting with a letter or digit, as Actito names its entities.
   */
  entity: string;
  /**
   * Technical contact e-mail address that receives status notices.
   */
  email: string;
  apiKey: SecretRef;
  /**
   * The Actito profile table name: letters, digits, '_', '-' and '.', starting with a letter or digit. Optional when the entity has exactly one profile table.
   */
  profileTable?: string;
  /**
   * The technical name of the profile attribute that holds the REAID (at most 50 characters, Actito's limit).
   */
  reaidAttribute?: string;
  /**
   * Host names of the customer's site (exact, compared without case; a sub-domain is not implied). Every link of a declared campaign to one of them must carry the REAID: linkParameter=${reaidAttribute}.
   *
   * @minItems 1
   * @maxItems 100
   *
   * Items: A host name such as shop.example (no scheme, path or port).
   */
  linkDomains?: string[];
  /**
   * Actito e-mail campaigns (their ids or unique names) whose links emi links check and emi plan check for the REAID, at most 20.
   *
   * @minItems 1
   * @maxItems 20
   *
   * Items: A campaign id (a number) or its unique name.
   */
  campaigns?: (number | string)[];
  /**
   * The query parameter of a link that carries the REAID.
   */
  linkParameter?: string;
  /**
   * Keep the values already in the REAID attribute as the REAIDs of their e-mails (a migration from Raptor's web form, or a lost store). Values that are ambiguous (shared by two e-mails, two values on one e-mail, not URL-safe, or already another e-mail's REAID) are left for a person. Without it, emi never writes to a table whose REAID attribute holds values emi did not write.
   */
  adoptExistingReaids?: boolean;
}
/**
 * A reference to the Actito API key, never the key itself.
 */
export interface SecretRef {
  /**
   * env:NAME reads the environment variable NAME (only names allowed by secretEnvAllowList in emi.config.yaml, default ACTITO_*); file:PATH reads the file at PATH; age:PATH decrypts the ASCII-armored age file at PATH with the identities in EMI_AGE_IDENTITY. Paths are relative to the repository root and must stay inside it.
   */
  secretRef: string;
}
