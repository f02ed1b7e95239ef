import pLimit from "p-limit";
import type { ConnectActito } from "../actito/connect-actito.ts";
import { AuthError } from "../actito/errors.ts";
import { pickProfileTable } from "../actito/pick-profile-table.ts";
import type { ActitoApi } from "../actito/types.ts";
import { type SecretResolver, type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import type { RegistryEntry } from "../store/store-records.ts";
import type { Declared, DesiredIntegration } from "../types/declared.ts";
import { EmiError } from "../types/errors.ts";
import type { LiveFacts } from "./plan-types.ts";
import type { PlanStore } from "./registry-reader.ts";
import { isCompatibleReaidAttribute } from "./reaid-attribute.ts";

/** What refresh learned about one declared integration. */
export interface AccountLive {
  facts: LiveFacts;
  /** Keyed fingerprint of the key that was read, never the key; null without a secret. */
  keyFingerprint: string | null;
}

/** The live state a plan is built against. */
export interface LiveState {
  registry: RegistryEntry[];
  registryRevision: number;
  /** Per declared account. */
  accounts: Map<number, AccountLive>;
}

export interface RefreshOptions {
  declared: readonly Declared[];
  store: PlanStore;
  secrets: Secrets;
  connect: ConnectActito;
  /** Integrations read from Actito at once (each licence has its own limits; this bounds our sockets). */
  concurrency?: number;
  /**
   * Pages of profiles (1000 each) read to estimate how many lack a REAID; the rest is a lower bound.
   * Not read for an integration whose sync is in sync and whose attribute is present.
   */
  estimatePages?: number;
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
  const [registry, registryRevision] = await Promise.all([
    options.store.listIntegrations(),
    options.store.registryRevision(),
  ]);
  const limit = pLimit(options.concurrency ?? 4);
  const secret = secretResolver(options.secrets);
  const accounts = new Map<number, AccountLive>();
  await Promise.all(
    options.declared.map(({ integration }) =>
      limit(async () => {
        const entry = registry.find((e) => e.account === integration.account) ?? null;
        accounts.set(integration.account, await refreshOne(integration, entry, secret, options));
      }),
    ),
  );
  return { registry, registryRevision, accounts };
}

async function refreshOne(
  integration: DesiredIntegration,
  entry: RegistryEntry | null,
  secret: SecretResolver,
  options: RefreshOptions,
): Promise<AccountLive> {
  const apiKey = await secret(integration.actito.apiKey.secretRef);
  if (apiKey === null) return { facts: unknownFacts(false), keyFingerprint: null };
  const keyFingerprint = await options.store.fingerprintKey(apiKey);
  const facts = unknownFacts(true);
  facts.keyChanged = entry?.keyFingerprint ? entry.keyFingerprint !== keyFingerprint : null;
  const client = options.connect({ endpoint: integration.actito.endpoint, apiKey });
  try {
    // An integration in sync needs no estimate: skipping it keeps a steady-state plan at three
    // calls per licence, which matters at Actito's 100 calls a minute.
    const inSync = entry?.status === "active" && entry.sync.health === "in sync";
    await readActito(client, integration, facts, inSync ? 0 : (options.estimatePages ?? 5));
  } catch (error) {
    if (error instanceof AuthError && facts.key === "unknown") {
      facts.key = "rejected";
    } else {
      facts.error = error instanceof EmiError ? error.message : "unexpected failure while reading Actito";
    }
  } finally {
    await client.close();
  }
  return { facts, keyFingerprint };
}

async function readActito(
  client: ActitoApi,
  integration: DesiredIntegration,
  facts: LiveFacts,
  estimatePages: number,
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
  const attribute = table.attributes.find((a) => a.name === reaidAttribute) ?? null;
  facts.attribute = {
    status: attribute === null ? "missing" : isCompatibleReaidAttribute(attribute) ? "present" : "conflict",
    definition: attribute,
  };
  if (facts.attribute.status === "conflict" || (estimatePages === 0 && attribute !== null)) return;
  let count = 0;
  let pages = 0;
  let complete = true;
  for await (const page of client.listProfiles(entity, table.id, {
    pageSize: 1000,
    ...(attribute ? { attributes: [reaidAttribute] } : {}),
  })) {
    for (const profile of page.profiles) {
      const value = attribute ? profile.attributes[reaidAttribute] : null;
      if (value === null || value === undefined || value === "") count++;
    }
    pages++;
    if (page.nextCursor !== null && pages >= estimatePages) {
      complete = false;
      break;
    }
  }
  facts.profilesWithoutReaid = { count, complete };
}
