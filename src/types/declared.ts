/** The Actito environments a declaration may name. */
export type Endpoint = "api" | "api1" | "api3" | "apitest";

/** A declaration after validation: typed, with every default filled in. */
export interface DesiredIntegration {
  account: number;
  provider: "actito";
  actito: {
    endpoint: Endpoint;
    entity: string;
    email: string;
    /** `env:NAME` or `file:PATH`; the key itself is never held here. */
    apiKey: { secretRef: string };
    /** Absent when the entity is expected to have exactly one profile table. */
    profileTable?: string;
    reaidAttribute: string;
    /** Present (true) when values already in the REAID attribute are adopted as REAIDs. */
    adoptExistingReaids?: true;
    /** The campaign link check, present when `linkDomains` is declared. */
    links?: DeclaredLinks;
  };
  /** Sorted ascending, unique. */
  sisterAccounts: number[];
  emailSync: boolean;
  /** `realtime: true` in the declaration; absent when false (the default). */
  realtime?: true;
}

/** What the campaign link check holds an integration's campaigns to. */
interface DeclaredLinks {
  /** Host names of the customer's site, lower case, unique. */
  domains: string[];
  /** Campaign ids or unique names, as text; empty when none is declared. */
  campaigns: string[];
  /** The query parameter that carries the REAID (default `reaid`). */
  parameter: string;
}

/** A valid declaration together with where it came from. */
export interface Declared {
  /** Path relative to the working directory, forward slashes (e.g. `integrations/1042.yaml`). */
  file: string;
  /** `sha256:<hex>` of the file's bytes, part of a plan's basis. */
  contentHash: string;
  integration: DesiredIntegration;
}
