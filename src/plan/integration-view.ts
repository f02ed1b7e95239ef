import type { RegistryEntry } from "../store/store.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import type { FieldDifference, IntegrationView, LiveFacts } from "./plan-types.ts";

/** The registry's side of a change, the key reduced to a mask. */
export function viewFromEntry(entry: RegistryEntry): IntegrationView {
  return {
    account: entry.account,
    provider: entry.provider,
    endpoint: entry.endpoint,
    entity: entry.entity,
    profileTable: entry.profileTable,
    profileTableId: entry.profileTableId,
    reaidAttribute: entry.reaidAttribute,
    email: entry.email,
    apiKey: entry.keyFingerprint ? "(sensitive)" : null,
    sisterAccounts: [...entry.sisterAccounts].sort((a, b) => a - b),
    emailSync: entry.emailSync,
    status: entry.status,
    managedBy: entry.managedBy,
  };
}

/** The declaration's side of a change, completed with what refresh resolved (table name and id). */
export function viewFromDesired(
  desired: DesiredIntegration,
  facts: LiveFacts,
  repo: string,
): IntegrationView {
  return {
    account: desired.account,
    provider: desired.provider,
    endpoint: desired.actito.endpoint,
    entity: desired.actito.entity,
    profileTable: desired.actito.profileTable ?? facts.table.name ?? null,
    profileTableId: facts.table.id,
    reaidAttribute: desired.actito.reaidAttribute,
    email: desired.actito.email,
    apiKey: facts.keyChanged === true ? "(sensitive, changed)" : "(sensitive)",
    sisterAccounts: [...desired.sisterAccounts],
    emailSync: desired.emailSync,
    status: "active",
    managedBy: repo,
  };
}

/** Fields whose change points the integration at another table: a replace, not an update. */
export const replaceFields: readonly (keyof IntegrationView)[] = [
  "endpoint",
  "entity",
  "profileTable",
  "profileTableId",
  "reaidAttribute",
];

const comparedFields: readonly (keyof IntegrationView)[] = [
  ...replaceFields,
  "email",
  "sisterAccounts",
  "emailSync",
  "status",
];

/**
 * Field-by-field differences. A value the after side does not know (a table not declared and not
 * resolved without a secret) is not a difference: it is unknown, and the plan says so elsewhere.
 */
export function diffViews(before: IntegrationView, after: IntegrationView): FieldDifference[] {
  const differences: FieldDifference[] = [];
  for (const field of comparedFields) {
    const b = before[field];
    const a = after[field];
    if (a === null && (field === "profileTable" || field === "profileTableId")) continue;
    if (JSON.stringify(a) !== JSON.stringify(b)) differences.push({ field, before: b, after: a });
  }
  if (before.apiKey === null || after.apiKey === "(sensitive, changed)") {
    differences.push({ field: "apiKey", before: before.apiKey, after: after.apiKey, sensitive: true });
  }
  return differences;
}
