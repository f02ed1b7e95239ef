import type { DesiredIntegration, Endpoint } from "../types/declared.ts";

const isAccount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0;

/**
 * The parts of a declaration that failed the schema which the cross-file rules still need
 * (account, sisters, endpoint, entity, table), or undefined when those parts are broken too.
 * This lets `emi validate` report a sister claimed twice even when one of the two files also
 * has a typo elsewhere: every problem at once, not one round trip per problem.
 */
export function salvageIntegration(value: Record<string, unknown>): DesiredIntegration | undefined {
  const { account, sisterAccounts, actito } = value;
  if (!isAccount(account)) return undefined;
  if (sisterAccounts !== undefined && !(Array.isArray(sisterAccounts) && sisterAccounts.every(isAccount)))
    return undefined;
  if (typeof actito !== "object" || actito === null || Array.isArray(actito)) return undefined;
  const { endpoint, entity, profileTable } = actito as Record<string, unknown>;
  // An unreadable entity becomes "", which the entity-table rule skips: it cannot clash.
  const readable = typeof endpoint === "string" && typeof entity === "string";
  const table = readable && typeof profileTable === "string" ? profileTable : undefined;
  return {
    account,
    provider: "actito",
    actito: {
      endpoint: (readable ? endpoint : "") as Endpoint,
      entity: readable ? entity : "",
      email: "",
      apiKey: { secretRef: "" },
      ...(table === undefined ? {} : { profileTable: table }),
      reaidAttribute: "reaid",
    },
    sisterAccounts: [...new Set(sisterAccounts ?? [])].sort((a, b) => a - b),
    emailSync: true,
  };
}
