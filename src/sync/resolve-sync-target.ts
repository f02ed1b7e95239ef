import { noTableMessage, pickProfileTable } from "../actito/pick-profile-table.ts";
import type { ActitoApi } from "../actito/types.ts";
import type { RegistryEntry } from "../store/store.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import { describeAttribute, isCompatibleReaidAttribute } from "./reaid-attribute.ts";
import { SyncTargetError } from "./sync-errors.ts";

/** Where and how one integration's REAIDs are written. */
export interface SyncTarget {
  entity: string;
  tableId: string;
  tableName: string;
  emailAttribute: string;
  reaidAttribute: string;
  /**
   * `emailAddress`-style key when the e-mail attribute is unique: a write keyed on the e-mail always
   * lands on the profile that has that e-mail now, so it can never give a profile another e-mail's
   * REAID. When it is not unique, the only key is `profileId`.
   */
  keyColumn: string;
  /** Key of the daily import quota: one per table (`<endpoint>/<entity>/<tableId>`). */
  quotaKey: string;
  /** The table's profile count as Actito gave it when the run began, if it did ([model]). */
  profileCount?: number;
}

/** Finds the table (registry first, then by name), its e-mail attribute and the REAID attribute. */
export async function resolveSyncTarget(
  api: ActitoApi,
  integration: DesiredIntegration,
  entry: RegistryEntry | null,
): Promise<SyncTarget> {
  const entity = integration.actito.entity;
  let tableId = entry?.profileTableId ?? null;
  if (tableId === null) {
    const wanted = integration.actito.profileTable;
    const choice = pickProfileTable(await api.listProfileTables(entity), wanted);
    if (choice.status !== "found") throw new SyncTargetError(noTableMessage(entity, wanted, choice));
    tableId = choice.table.id;
  }
  const table = await api.getProfileTable(entity, tableId);
  const email = table.attributes.find((a) => a.type === "EMAIL_ADDRESS");
  if (!email) {
    throw new SyncTargetError(`profile table "${table.name}" has no EMAIL_ADDRESS attribute`);
  }
  const reaidAttribute = integration.actito.reaidAttribute;
  const attribute = table.attributes.find((a) => a.name === reaidAttribute);
  if (!attribute) {
    throw new SyncTargetError(
      `profile table "${table.name}" has no "${reaidAttribute}" attribute yet: run emi apply to activate it`,
    );
  }
  // An attribute that cannot hold REAIDs holds something else: emi never writes to it.
  if (!isCompatibleReaidAttribute(attribute)) {
    throw new SyncTargetError(
      `reaid-attribute-conflict: attribute ${reaidAttribute} of table "${table.name}" is ${describeAttribute(attribute)}, ` +
        "not CUSTOM STRING unique: emi never writes to it. Declare another actito.reaidAttribute, or have a person fix it in Actito",
    );
  }
  return {
    entity,
    tableId: table.id,
    tableName: table.name,
    emailAttribute: email.name,
    reaidAttribute,
    keyColumn: email.unique ? email.name : "profileId",
    quotaKey: `${integration.actito.endpoint}/${entity}/${table.id}`,
    ...(table.profileCount !== undefined ? { profileCount: table.profileCount } : {}),
  };
}
