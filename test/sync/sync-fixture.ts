import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import type { ConnectActito } from "../../src/actito/connect-actito.ts";
import { createActitoClient } from "../../src/actito/create-actito-client.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import type { DesiredIntegration } from "../../src/types/declared.ts";

export const apiKey = "sync-test-key-4f1d9c";

/** One licence `acme` with table 16 (`customers`): unique e-mail and an empty unique `reaid` attribute. */
export function syncSeed(options: {
  generate: number;
  emailUnique?: boolean;
  profiles?: Record<string, string | null>[];
  limits?: SandboxSeed["limits"];
  faults?: SandboxSeed["faults"];
}): SandboxSeed {
  return {
    licences: [
      {
        name: "acme",
        endpoint: "api3",
        apiKeys: [apiKey],
        entities: [
          {
            name: "acme",
            profileTables: [
              {
                id: "16",
                name: "customers",
                attributes: [
                  {
                    name: "emailAddress",
                    type: "EMAIL_ADDRESS",
                    valueType: "STRING",
                    unique: options.emailUnique ?? true,
                  },
                  { name: "firstName", type: "FIRSTNAME", valueType: "STRING" },
                  {
                    name: "reaid",
                    type: "CUSTOM",
                    valueType: "STRING",
                    unique: true,
                    valueRestriction: { maxLength: 64 },
                  },
                ],
                generate: options.generate,
                ...(options.profiles ? { profiles: options.profiles } : {}),
              },
            ],
          },
        ],
      },
    ],
    limits: { callsPerMinute: 1_000_000, concurrentRequests: 50, ...options.limits },
    faults: options.faults ?? {},
  };
}

export const integration = (overrides: Partial<DesiredIntegration> = {}): DesiredIntegration => ({
  account: 1042,
  provider: "actito",
  actito: {
    endpoint: "api3",
    entity: "acme",
    email: "crm@acme.example",
    apiKey: { secretRef: "env:ACTITO_KEY_ACME" },
    profileTable: "customers",
    reaidAttribute: "reaid",
  },
  sisterAccounts: [],
  emailSync: true,
  ...overrides,
});

export interface SyncWorld {
  sandbox: RunningSandbox;
  store: Store;
  storeUrl: string;
  dir: string;
  env: Record<string, string>;
  /** Clients to the world's sandbox, as runSync's `connect` builds them. */
  connect: ConnectActito;
  close(): Promise<void>;
}

/** A sandbox on port 0, a SQLite store in a temp folder, and the integration in the registry. */
export async function syncWorld(
  seed: SandboxSeed,
  desired = integration(),
  options: { now?: () => number; storeUrl?: string } = {},
): Promise<SyncWorld> {
  const sandbox = await startSandbox({ seed, port: 0, ...(options.now ? { now: options.now } : {}) });
  const dir = await mkdtemp(join(tmpdir(), "emi-sync-test-"));
  const storeUrl = options.storeUrl ?? `sqlite:${join(dir, "state.db")}`;
  const store = await openStore(storeUrl);
  await store.putIntegration({
    account: desired.account,
    sisterAccounts: desired.sisterAccounts,
    provider: "actito",
    endpoint: desired.actito.endpoint,
    entity: desired.actito.entity,
    profileTable: desired.actito.profileTable ?? null,
    profileTableId: "16",
    reaidAttribute: desired.actito.reaidAttribute,
    email: desired.actito.email,
    keyFingerprint: null,
    emailSync: desired.emailSync,
    status: "active",
    managedBy: null,
  });
  const env = { EMI_ACTITO_URL: sandbox.url, ACTITO_KEY_ACME: apiKey };
  return {
    sandbox,
    store,
    storeUrl,
    dir,
    env,
    connect: ({ endpoint, apiKey: key }) =>
      createActitoClient({
        endpoint,
        apiKey: key,
        env,
        callsPerMinute: 1_000_000,
        // Fast retries: the faults are many and the test should take seconds.
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
      }),
    async close() {
      await store.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Checks the whole table against the store: every profile with an e-mail carries the store's REAID
 * for that e-mail, no profile without one carries any, and no REAID belongs to two e-mails.
 */
export async function assertExact(world: SyncWorld, namespace = "1042"): Promise<{ checked: number }> {
  const byEmail = new Map<string, string>();
  // Keyed by the address hash: the store keeps no address.
  for await (const { emailHash, reaid } of world.store.exportReaids(namespace)) byEmail.set(emailHash, reaid);
  const owners = new Map<string, string>();
  for (const [email, reaid] of byEmail) {
    const other = owners.get(reaid);
    if (other !== undefined) throw new Error(`REAID shared by two e-mails`);
    owners.set(reaid, email);
  }
  let checked = 0;
  for (const profile of world.sandbox.profiles("acme", "acme", "16")) {
    const email = profile.attributes.emailAddress;
    const actual = profile.attributes.reaid ?? null;
    if (typeof email !== "string" || email.trim() === "") {
      if (actual !== null) throw new Error(`profile ${profile.profileId} has no e-mail but a REAID`);
      continue;
    }
    const expected = byEmail.get(world.store.addressHash(email)!);
    if (expected === undefined || actual !== expected) {
      throw new Error(`profile ${profile.profileId} carries ${String(actual)}, expected ${String(expected)}`);
    }
    checked++;
  }
  return { checked };
}

/** Adds profiles through Actito's upsert route (as another tool would), bypassing emi's client. */
export async function addProfiles(world: SyncWorld, emails: string[]): Promise<void> {
  const headers = { "x-emi-endpoint": "api3" };
  const auth = await request(`${world.sandbox.url}/auth/token`, {
    headers: { ...headers, authorization: apiKey },
  });
  const { accessToken } = (await auth.body.json()) as { accessToken: string };
  for (const email of emails) {
    const res = await request(`${world.sandbox.url}/profiles/v5/entities/acme/profile-tables/16/profiles`, {
      method: "PUT",
      headers: { ...headers, authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ key: { emailAddress: email }, attributes: { emailAddress: email } }),
    });
    await res.body.dump();
    if (res.statusCode >= 300) throw new Error(`upsert answered ${res.statusCode}`);
  }
}
