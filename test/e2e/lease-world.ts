import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { normaliseEmail } from "../../src/store/normalise-email.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { apiKey } from "../sync/sync-fixture.ts";
import { type EmiProcess, spawnEmi } from "../watch/emi-process.ts";

/** A table of licence `acme` (api3): `customers` is table 16, `members` table 17. */
export interface LeaseTable {
  id: string;
  name: string;
  account: number;
  profiles: number;
  emailUnique?: boolean;
}

/**
 * Real processes over one licence: a sandbox over HTTP, a repository with one declaration per table
 * (all on licence api3/acme), a SQLite store in it with those integrations active.
 */
export interface LeaseWorld {
  dir: string;
  sandbox: RunningSandbox;
  env: Record<string, string>;
  emi(args: string[], env?: Record<string, string>): EmiProcess;
  /** Changes a profile's e-mail through Actito's API, as a person in Actito would. */
  setEmail(tableId: string, profileId: number, email: string): Promise<void>;
  /** Profiles of a table not carrying the store's REAID of their current e-mail. */
  wrongReaids(tableId: string, account: number): Promise<string[]>;
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Resolves once the named lease is free or expired (the paused holder's life is over). */
  leaseExpired(name: string): Promise<void>;
  close(): Promise<void>;
}

const children: EmiProcess[] = [];

/** Kills what a test left running (SIGCONT first: a stopped process ignores SIGKILL's cleanup). */
function killChildren(): void {
  for (const p of children.splice(0)) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    p.child.kill("SIGCONT");
    p.child.kill("SIGKILL");
  }
}

/** `registered: false` leaves the registry empty (for `emi apply` to fill). */
export async function createLeaseWorld(
  tables: LeaseTable[],
  options: { storeUrl?: string; registered?: boolean } = {},
): Promise<LeaseWorld> {
  const seed: SandboxSeed = {
    licences: [
      {
        name: "acme",
        endpoint: "api3",
        apiKeys: [apiKey],
        entities: [
          {
            name: "acme",
            profileTables: tables.map((t) => ({
              id: t.id,
              name: t.name,
              attributes: [
                {
                  name: "emailAddress",
                  type: "EMAIL_ADDRESS",
                  valueType: "STRING",
                  unique: t.emailUnique ?? true,
                },
                {
                  name: "reaid",
                  type: "CUSTOM",
                  valueType: "STRING",
                  unique: true,
                  valueRestriction: { maxLength: 64 },
                },
              ],
              generate: t.profiles,
            })),
          },
        ],
      },
    ],
    limits: { callsPerMinute: 1_000_000, concurrentRequests: 50 },
  };
  const sandbox = await startSandbox({ seed, port: 0 });
  const dir = await mkdtemp(join(tmpdir(), "emi-lease-"));
  await mkdir(join(dir, "integrations"));
  const storeUrl = options.storeUrl ?? `sqlite:${join(dir, ".emi/state.db")}`;
  const env: Record<string, string> = {
    EMI_ACTITO_URL: sandbox.url,
    EMI_STORE: storeUrl,
    ACTITO_KEY_ACME: apiKey,
    GITHUB_REPOSITORY: "acme/integrations",
    // The processes use the store key this test process uses (test/requirements.ts, PostgreSQL).
    ...(process.env.EMI_STORE_KEY_FILE ? { EMI_STORE_KEY_FILE: process.env.EMI_STORE_KEY_FILE } : {}),
  };
  const withStore = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore(storeUrl, { cwd: dir });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  for (const t of tables) {
    await writeFile(
      join(dir, "integrations", `${t.account}.yaml`),
      `account: ${t.account}
provider: actito
actito:
  endpoint: api3
  entity: acme
  email: crm@acme.example
  apiKey: { secretRef: env:ACTITO_KEY_ACME }
  profileTable: ${t.name}
  reaidAttribute: reaid
emailSync: true
`,
    );
    if (options.registered === false) continue;
    await withStore((store) =>
      store.putIntegration({
        account: t.account,
        sisterAccounts: [],
        provider: "actito",
        endpoint: "api3",
        entity: "acme",
        profileTable: t.name,
        profileTableId: t.id,
        reaidAttribute: "reaid",
        email: "crm@acme.example",
        keyFingerprint: null,
        emailSync: true,
        status: "active",
        managedBy: "acme/integrations",
      }),
    );
  }
  let token: string | null = null;
  const headers = { "x-emi-endpoint": "api3" };
  const world: LeaseWorld = {
    dir,
    sandbox,
    env,
    emi(args, extra = {}) {
      const p = spawnEmi(args, { cwd: dir, env: { ...env, ...extra } });
      children.push(p);
      return p;
    },
    async setEmail(tableId, profileId, email) {
      if (token === null) {
        const auth = await request(`${sandbox.url}/auth/token`, {
          headers: { ...headers, authorization: apiKey },
        });
        token = ((await auth.body.json()) as { accessToken: string }).accessToken;
      }
      const res = await request(
        `${sandbox.url}/profiles/v5/entities/acme/profile-tables/${tableId}/profiles/${profileId}`,
        {
          method: "PATCH",
          headers: { ...headers, authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ attributes: { emailAddress: email } }),
        },
      );
      await res.body.dump();
      if (res.statusCode >= 300) throw new Error(`PATCH answered ${res.statusCode}`);
    },
    wrongReaids: (tableId, account) =>
      withStore(async (store) => {
        const wrong: string[] = [];
        for (const profile of sandbox.profiles("acme", "acme", tableId)) {
          const email = String(profile.attributes.emailAddress);
          const expected = await store.getReaid(String(account), normaliseEmail(email));
          if (expected === null || profile.attributes.reaid !== expected)
            wrong.push(String(profile.profileId));
        }
        return wrong;
      }),
    withStore,
    leaseExpired: async (name) => {
      for (;;) {
        const held = await withStore(async (store) => (await store.listLocks()).find((l) => l.name === name));
        if (!held || Date.parse(held.expiresAt) < Date.now() - 50) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      killChildren();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Resolves with the first stderr line of `p` matching `pattern` (polled: stderr is not line-split). */
/**
 * Waits until `p` says it paused at `stage` (EMI_TEST_PAUSE_AT) and has really stopped: it writes
 * the line just before it stops itself, and a SIGCONT sent in between would be lost, leaving it
 * stopped for good (seen under load).
 */
export async function pausedAt(p: EmiProcess, stage: string, timeoutMs = 60_000): Promise<void> {
  await errLine(p, new RegExp(`paused at ${stage} `), timeoutMs);
  const started = Date.now();
  while (!isStopped(p.child.pid)) {
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode} at ${stage}:\n${p.err()}`);
    if (Date.now() - started > 10_000) throw new Error(`said it paused at ${stage} but did not stop`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Whether process `pid` is stopped by a signal (Linux: the state in /proc/PID/stat). */
function isStopped(pid: number | undefined): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "T" || state === "t";
}

export async function errLine(p: EmiProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const hit = p
      .err()
      .split("\n")
      .find((l) => pattern.test(l));
    if (hit !== undefined) return hit;
    if (p.child.exitCode !== null)
      throw new Error(`exited ${p.child.exitCode} before ${pattern}:\n${p.out()}\n${p.err()}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`no stderr line ${pattern}:\n${p.out()}\n${p.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
