/**
 * Every code emi reports, one closed vocabulary: diagnostics of declaration files (`emi validate`,
 * `emi links check`, the plan's diagnostics) and problems the plan finds on a change. Codes are
 * stable: tools and people match on them, so one is never renamed or reused for another meaning.
 */
export const VALIDATION_CODES = [
  "file-too-large",
  "not-utf8",
  "duplicate-declaration-file",
  "symlinked-declaration",
  "unreadable-file",
  "unreadable-folder",
  "yaml-syntax",
  "yaml-warning",
  "duplicate-key",
  "tab-indent",
  "bad-indent",
  "too-many-aliases",
  "multiple-documents",
  "empty-file",
  "not-a-map",
  "unknown-key",
  "missing-field",
  "wrong-type",
  "invalid-value",
  "duplicate-item",
  "config-unreadable",
  "account-declared-twice",
  "account-mismatch-filename",
  "entity-table-shared",
  "literal-secret",
  "own-sister",
  "secret-env-not-allowed",
  "secret-outside-repository",
  "age-file-missing",
  "age-file-not-armored",
  "age-file-too-large",
  "sister-claimed-twice",
  "sister-has-own-declaration",
] as const;

/** Codes of the problems the plan finds on a change (Actito, the registry, secrets, webhooks, links). */
export const PLAN_PROBLEM_CODES = [
  "actito-unavailable",
  "key-rejected",
  "entity-missing",
  "table-missing",
  "table-ambiguous",
  "reaid-attribute-conflict",
  "reaid-values-not-emi",
  "unmanaged-conflict",
  "account-held",
  "claim-order",
  "secret-unavailable",
  "secret-unusable",
  "realtime-needs-public-url",
  "link-without-reaid",
  "campaign-unreadable",
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];
export type PlanProblemCode = (typeof PLAN_PROBLEM_CODES)[number];
export type DiagnosticCode = ValidationCode | PlanProblemCode;

/**
 * An account this repository declares is held in the registry by an integration another repository
 * (or no repository) manages. A problem of its change, also listed among the plan's diagnostics so
 * that it is annotated on the file; it is not an error of the declarations themselves.
 */
export const UNMANAGED_CONFLICT = "unmanaged-conflict" satisfies DiagnosticCode;
