import type { ConnectActito } from "../actito/connect-actito.ts";
import { ActitoApiError } from "../actito/errors.ts";
import { noTableMessage, pickProfileTable } from "../actito/pick-profile-table.ts";
import type { ActitoApi, ProfileTable } from "../actito/types.ts";
import type { SecretResolver } from "../config/resolve-secrets-once.ts";
import type { Change } from "../plan/plan-types.ts";
import {
  describeAttribute,
  isCompatibleReaidAttribute,
  reaidAttributeDefinition,
} from "../sync/reaid-attribute.ts";
import type { KeyFingerprints } from "../plan/registry-reader.ts";
import type { RealtimeAccounts } from "../store/realtime-accounts.ts";
import type { SyncHealthRecorder } from "../sync/sync-store.ts";
import type { DesiredIntegration } from "../types/declared.ts";
import { EmiError } from "../types/errors.ts";
import { ensureRealtimeStep } from "./ensure-realtime-step.ts";
import { journalStep, type StepContext } from "./journal-step.ts";
import type { RegistryWriter } from "./registry-writer.ts";

export interface ActivateInput {
  ctx: StepContext;
  store: KeyFingerprints & RegistryWriter & SyncHealthRecorder & RealtimeAccounts;
  connect: ConnectActito;
  /** The run's secrets (resolved once per integration for the whole apply). */
  secret: SecretResolver;
  repo: string;
  change: Change;
  desired: DesiredIntegration;
}

export interface Activation {
  /** What was done, e.g. `attribute reaid added`. */
  notes: string[];
  warnings: string[];
  /** An existing REAID attribute with another definition: the sync must not run. */
  attributeConflict: boolean;
}

/**
 * Activation of one integration: verify the key, read the table the plan resolved, add the REAID attribute
 * if it is missing (never change an existing one), then write the registry. Every step is
 * journalled; every read is fresh, so a step an earlier crash left half-done is not redone blindly.
 */
export async function activateIntegration(input: ActivateInput): Promise<Activation> {
  const { ctx, desired, change } = input;
  const { account } = desired;
  const { endpoint, entity, profileTable, reaidAttribute, apiKey: ref } = desired.actito;
  const secret = await input.secret(ref.secretRef);
  if (!secret.ok) {
    throw new EmiError(
      `the API key ${ref.secretRef} is not available here (${secret.message}), and activation needs it`,
    );
  }
  const apiKey = secret.value;
  const result: Activation = { notes: [], warnings: [], attributeConflict: false };
  const client = input.connect({ endpoint, apiKey });
  try {
    await journalStep(ctx, account, "verify-key", { endpoint }, () => client.checkAuth());
    // The plan resolved the table; apply reads that one by id (fresh: its attributes may have moved).
    const tableId = change.after?.profileTableId ?? null;
    const table = await journalStep(
      ctx,
      account,
      "resolve-table",
      { endpoint, entity, profileTable, tableId },
      () =>
        tableId !== null
          ? readPlannedTable(client, entity, tableId)
          : resolveTable(client, entity, profileTable),
    );
    const existing = table.attributes.find((a) => a.name === reaidAttribute);
    if (!existing) {
      const detail = {
        endpoint,
        entity,
        tableId: table.id,
        attribute: reaidAttribute,
        secretRef: ref.secretRef,
      };
      const added = await journalStep(ctx, account, "add-attribute", detail, () =>
        addReaidAttribute(client, entity, table.id, reaidAttribute),
      );
      result.notes.push(added ? `attribute ${reaidAttribute} added` : `attribute ${reaidAttribute} found`);
    } else if (!isCompatibleReaidAttribute(existing)) {
      if (desired.emailSync) {
        // The plan showed this as an error; met here, it appeared since: refuse all the same.
        throw new EmiError(
          `reaid-attribute-conflict: attribute ${reaidAttribute} exists as ${describeAttribute(existing)}; emi never writes to it: declare another actito.reaidAttribute`,
        );
      }
      result.attributeConflict = true;
      result.warnings.push(
        `attribute ${reaidAttribute} exists as ${describeAttribute(existing)}: left unchanged; a person must resolve it before REAIDs can sync`,
      );
    }
    const keyFingerprint = await input.store.fingerprintKey(apiKey);
    const write = {
      account,
      sisterAccounts: desired.sisterAccounts,
      provider: desired.provider,
      endpoint,
      entity,
      profileTable: table.name,
      profileTableId: table.id,
      reaidAttribute,
      email: desired.actito.email,
      keyFingerprint,
      emailSync: desired.emailSync,
      status: "active" as const,
      managedBy: input.repo,
    };
    await journalStep(ctx, account, "write-registry", { ...write, keyFingerprint: undefined }, () =>
      input.store.putIntegration(write),
    );
    const realtime = await ensureRealtimeStep({ ctx, store: input.store, client, change, desired, table });
    if (realtime) result.notes.push(realtime);
    for (const a of change.sisters.claimed) if (change.before) result.notes.push(`sister ${a} claimed`);
    if (change.differences.some((d) => d.field === "apiKey") && change.before)
      result.notes.push("API key changed");
    if (change.syncAfter !== null && !result.attributeConflict) {
      await journalStep(ctx, account, "sync-due", {}, () =>
        input.store.setSyncStatus(account, { health: "due" }),
      );
    }
    return result;
  } finally {
    await client.close();
  }
}

/** The table the plan resolved, read again by id; gone means the plan is out of date. */
async function readPlannedTable(client: ActitoApi, entity: string, tableId: string): Promise<ProfileTable> {
  try {
    return await client.getProfileTable(entity, tableId);
  } catch (error) {
    if (error instanceof ActitoApiError && error.status === 404) {
      throw new EmiError(
        `the profile table ${tableId} the plan resolved in entity ${entity} is gone: run emi plan again`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Picks the table by name: only for a plan that could not read Actito (no API key where it was made). */
async function resolveTable(
  client: ActitoApi,
  entity: string,
  name: string | undefined,
): Promise<ProfileTable> {
  const entities = await client.listEntities();
  if (!entities.some((e) => e.name === entity)) {
    throw new EmiError(`the licence behind this key has no entity "${entity}"`);
  }
  const choice = pickProfileTable(await client.listProfileTables(entity), name);
  if (choice.status !== "found") throw new EmiError(noTableMessage(entity, name, choice));
  return choice.table;
}

/**
 * Adds the attribute; true if this call added it. A 409 means it exists already (an earlier run
 * whose answer was lost, or a person): fine if compatible, a conflict otherwise.
 */
async function addReaidAttribute(
  client: ActitoApi,
  entity: string,
  tableId: string,
  name: string,
): Promise<boolean> {
  try {
    await client.addAttribute(entity, tableId, reaidAttributeDefinition(name));
    return true;
  } catch (error) {
    if (!(error instanceof ActitoApiError) || error.status !== 409) throw error;
    const table = await client.getProfileTable(entity, tableId);
    const existing = table.attributes.find((a) => a.name === name);
    if (existing && isCompatibleReaidAttribute(existing)) return false;
    throw new EmiError(
      `attribute ${name} appeared in ${entity} while activating, ${existing ? `as ${describeAttribute(existing)}` : "and vanished"}: a person must check it`,
      { cause: error },
    );
  }
}
