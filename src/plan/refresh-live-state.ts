import pLimit from "p-limit";
import type { ConnectActito } from "../actito/connect-actito.ts";
import { AuthError } from "../actito/errors.ts";
import { pickProfileTable } from "../actito/pick-profile-table.ts";
import type { ActitoApi } from "../actito/types.ts";
import type { SecretMissReason } from "../config/resolve-secret.ts";
import { type SecretResolver, type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import { readActitoQuota } from "../actito/actito-quota.ts";
import { utcDay } from "../sync/write-strategy.ts";
import type { RegistryEntry } from "../store/store-records.ts";
import type { SyncSchedule } from "../store/sync-schedule.ts";
import type { Declared, DesiredIntegration, Endpoint } from "../types/declared.ts";
import { EmiError } from "../types/errors.ts";
import { findKeyEndpoint } from "./find-key-endpoint.ts";
import type { LiveFacts } from "./plan-types.ts";
import type { PlanStore } from "./plan-store.ts";
import { isCompatibleReaidAttribute } from "../sync/reaid-attribute.ts";
import { lastRunFactsOf } from "../sync/last-run-facts.ts";
import { readExistingValues } from "./read-existing-values.ts";
import { classifyWebhooks, realtimeTargetUrl } from "./realtime-plan.ts";

/** What refresh learned about one declared integration. */
export interface AccountLive {
  facts: LiveFacts;
  /** Keyed fingerprint of the key that was read, never the key; null without a secret. */
  keyFingerprint: string | null;
  /** Why the secret is not here (names the variable or file, never a value); absent when it was read. */
  secretMissing?: { reason: SecretMissReason; message: string };
  /** Another environment that accepts a key this one refused (the declared endpoint is likely wrong). */
  keyWorksOn?: Endpoint;
}

/** The live state a plan is built against. */
export interface LiveState {
  registry: RegistryEntry[];
  registryRevision: number;
  /** Per declared account. */
  accounts: Map<number, AccountLive>;
  /** Accounts apply set realtime webhooks up for (the store keeps their secret's hash). */
  realtimeAccounts?: ReadonlyMap<number, { secretRef: string; secretHash: string }>;
  /** Accounts whose last syncs failed, with how many in a row (the sync schedule; none without one). */
  failedSyncs?: ReadonlyMap<number, number>;
}

/** Accounts whose last sync runs failed (failures in a row since the last success), from the schedule. */
async function readFailedSyncs(store: Pick<SyncSchedule, "listSchedule">): Promise<Map<number, number>> {
  try {
    const entries = await store.listSchedule();
    return new Map(entries.filter((e) => e.failures > 0).map((e) => [e.account, e.failures]));
  } catch {
    return new Map();
  }
}

export interface RefreshOptions {
  declared: readonly Declared[];
  store: PlanStore;
  secrets: Secrets;
  connect: ConnectActito;
  /** Integrations read from Actito at once (each licence has its own limits; this bounds our sockets). */
  concurrency?: number;
  /** `EMI_PUBLIC_URL` (publicUrlFrom), where realtime webhooks should point; null or absent when unset. */
  publicUrl?: string | null;
  /**
   * Pages of profiles (1000 each) read to estimate how many lack a REAID; the rest is a lower bound.
   * Not read for an integration whose sync is in sync and whose attribute is present.
   */
  estimatePages?: number;
  /** Today, for the day's import count (default: this machine's clock). */
  now?: () => Date;
}

/** Facts when nothing could be checked. */
export function unknownFacts(secretAvailable: boolean, error: string | null = null): LiveFacts {
  return {
    secretAvailable,
    key: "unknown",
    keyChanged: null,
    entity: "unknown",
    table: { status: "unknown", id: null, name: null },
    attribute: { status: "unknown", definition: null },
    profilesWithoutReaid: null,
    error,
  };
}

/**
 * Reads the registry and, for every declaration whose secret is available, what Actito says: the key
 * works, the entity and table exist, the REAID attribute's state, and how many profiles lack a REAID.
 * Never writes. A failure to reach Actito becomes an `error` fact for that integration, never "gone".
 */
export async function refreshLiveState(options: RefreshOptions): Promise<LiveState> {
  const [registry, registryRevision, realtimeAccounts, failedSyncs] = await Promise.all([
    options.store.listIntegrations(),
    options.store.registryRevision(),
    options.store.realtimeAccounts(),
    readFailedSyncs(options.store),
  ]);
  const limit = pLimit(options.concurrency ?? 4);
  const secret = secretResolver(options.secrets);
  const accounts = new Map<number, AccountLive>();
  await Promise.all(
    options.declared.map(({ integration }) =>
      limit(async () => {
        const entry = registry.find((e) => e.account === integration.account) ?? null;
        const registered = realtimeAccounts.get(integration.account)?.secretHash ?? null;
        const live = await refreshOne(integration, entry, secret, options, registered);
        const last = entry ? lastRunFactsOf(await options.store.getCheckpoint(entry.account)) : null;
        if (last) {
          const { mismatched, mismatchedExamples, foreign, foreignExamples } = last;
          live.facts.lastSync = { mismatched, mismatchedExamples, foreign, foreignExamples };
        }
        accounts.set(integration.account, live);
      }),
    ),
  );
  return { registry, registryRevision, accounts, realtimeAccounts, failedSyncs };
}

async function refreshOne(
  integration: DesiredIntegration,
  entry: RegistryEntry | null,
  secret: SecretResolver,
  options: RefreshOptions,
  /** Hash of the webhook secret apply stored for this account; null when realtime was never set up. */
  realtimeSecretHash: string | null,
): Promise<AccountLive> {
  const reading = await secret(integration.actito.apiKey.secretRef);
  if (!reading.ok) {
    return {
      facts: unknownFacts(false),
      keyFingerprint: null,
      secretMissing: { reason: reading.reason, message: reading.message },
    };
  }
  const apiKey = reading.value;
  const keyFingerprint = await options.store.fingerprintKey(apiKey);
  const facts = unknownFacts(true);
  facts.keyChanged = entry?.keyFingerprint ? entry.keyFingerprint !== keyFingerprint : null;
  const client = options.connect({ endpoint: integration.actito.endpoint, apiKey });
  let keyWorksOn: Endpoint | null = null;
  try {
    // An integration in sync needs no estimate: skipping it keeps a steady-state plan at three
    // calls per licence, which matters at Actito's 100 calls a minute.
    const inSync = entry?.status === "active" && entry.sync.health === "in sync";
    const publicUrl = options.publicUrl ?? null;
    const webhooks =
      integration.realtime || realtimeSecretHash !== null
        ? {
            secretHash: realtimeSecretHash,
            targetUrl: publicUrl === null ? null : realtimeTargetUrl(publicUrl, integration.account),
          }
        : null;
    await readActito(
      client,
      integration,
      facts,
      inSync ? 0 : (options.estimatePages ?? 5),
      options.store,
      webhooks,
    );
    if (facts.table.id !== null && facts.error === null) {
      facts.syncCost = await syncCostOf(integration, facts, options);
    }
  } catch (error) {
    if (error instanceof AuthError && facts.key === "unknown") {
      facts.key = "rejected";
      keyWorksOn = await findKeyEndpoint(options.connect, apiKey, integration.actito.endpoint);
    } else {
      facts.error = error instanceof EmiError ? error.message : "unexpected failure while reading Actito";
    }
  } finally {
    await client.close();
  }
  return { facts, keyFingerprint, ...(keyWorksOn ? { keyWorksOn } : {}) };
}

/**
 * What a sync's cost is estimated from: the table's size (a complete read counts it; else the
 * e-mails emi's last full read found, the store's REAIDs; else the first pages), emi's imports today
 * on the table, and the calls a minute this emi allows itself.
 */
async function syncCostOf(
  integration: DesiredIntegration,
  facts: LiveFacts,
  options: RefreshOptions,
): Promise<LiveFacts["syncCost"]> {
  const read = facts.profilesWithoutReaid;
  const listed = read ? read.count + (facts.existingValues?.values ?? 0) : 0;
  const reaids = await options.store.countReaids(String(integration.account));
  const [profiles, basis] =
    read?.complete === true
      ? [listed, "profile-count" as const]
      : reaids > 0
        ? [Math.max(reaids, listed), "last-full-read" as const]
        : [listed, "first-pages" as const];
  const quotaKey = `${integration.actito.endpoint}/${integration.actito.entity}/${facts.table.id}`;
  const importsUsedToday = await options.store.countImports(quotaKey, utcDay(options.now?.() ?? new Date()));
  const { callsPerMinute } = readActitoQuota(secretResolver(options.secrets).source.env);
  return { profiles, basis, importsUsedToday, callsPerMinute };
}

async function readActito(
  client: ActitoApi,
  integration: DesiredIntegration,
  facts: LiveFacts,
  estimatePages: number,
  store: PlanStore,
  webhooks: { secretHash: string | null; targetUrl: string | null } | null,
): Promise<void> {
  const { entity, profileTable, reaidAttribute } = integration.actito;
  await client.checkAuth();
  facts.key = "works";
  const entities = await client.listEntities();
  if (!entities.some((e) => e.name === entity)) {
    facts.entity = "missing";
    return;
  }
  facts.entity = "found";
  const choice = pickProfileTable(await client.listProfileTables(entity), profileTable);
  if (choice.status !== "found") {
    facts.table = {
      status: choice.status,
      id: null,
      name: profileTable ?? null,
      candidates: choice.candidates,
    };
    return;
  }
  const { table } = choice;
  facts.table = { status: "found", id: table.id, name: table.name };
  if (webhooks !== null) {
    const emailAttribute = table.attributes.find((a) => a.type === "EMAIL_ADDRESS")?.name ?? "emailAddress";
    facts.webhooks = {
      registered: webhooks.secretHash !== null,
      ...classifyWebhooks(await client.listWebhookSubscriptions(entity), {
        account: integration.account,
        tableId: table.id,
        emailAttribute,
        targetUrl: webhooks.targetUrl,
        secretHash: webhooks.secretHash,
      }),
    };
  }
  const attribute = table.attributes.find((a) => a.name === reaidAttribute) ?? null;
  facts.attribute = {
    status: attribute === null ? "missing" : isCompatibleReaidAttribute(attribute) ? "present" : "conflict",
    definition: attribute,
  };
  if (facts.attribute.status === "conflict" || (estimatePages === 0 && attribute !== null)) return;
  const read = await readExistingValues(client, {
    entity,
    table,
    reaidAttribute,
    store,
    namespace: String(integration.account),
    adopt: integration.actito.adoptExistingReaids === true,
    pages: estimatePages,
  });
  facts.profilesWithoutReaid = read.profilesWithoutReaid;
  facts.existingValues = read.existingValues ?? null;
}
