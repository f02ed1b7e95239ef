/** Why a link to the customer's site fails the check. */
export type LinkProblemKind = "missing" | "misspelled" | "wrong-value";

/** One link that does not carry the REAID as Actito would personalise it. */
export interface LinkProblem {
  /** The link as written in the HTML (entities decoded). */
  href: string;
  problem: LinkProblemKind;
  /** 1-based line of the `href` attribute in the campaign's HTML. */
  line: number;
  /** What to write instead, when emi can tell (e.g. a percent-encoded personalisation). */
  hint?: string;
}

/** What one campaign's check found. */
export interface CampaignCheck {
  /** The account whose declaration names the campaign. */
  account: number;
  /** Actito's campaign id; null when the campaign could not be read. */
  id: number | null;
  /** The campaign's name, or the declared reference when it could not be read. */
  name: string;
  /** Links to one of `linkDomains` that were checked. */
  linksChecked: number;
  problems: LinkProblem[];
  /** Why the campaign could not be read (Actito's answer), when it could not. */
  error?: string;
}

/** What `emi links check` reports: versioned data every renderer reads. */
export interface LinkReport {
  formatVersion: 1;
  campaigns: CampaignCheck[];
}

/** The rule a link is held to: the integration's declaration. */
export interface LinkRule {
  /** Host names of the customer's site, lower case. */
  domains: readonly string[];
  /** The query parameter that carries the REAID (`reaid` by default). */
  parameter: string;
  /** The REAID attribute whose personalisation `${…}` the parameter's value must be. */
  reaidAttribute: string;
}
