import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import type { Limits, SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { normaliseEmail } from "../../src/store/normalise-email.ts";
import { openStore } from "../../src/store/open-store.ts";

/** A fleet of `licences` Actito licences (`fleet1`…), one `customers` table each, and their declarations. */
export interface FleetWorld {
  dir: string;
  sandbox: RunningSandbox;
  env: Record<string, string>;
  accounts: number[];
  /** Adds profiles through Actito's upsert route, as a sign-up form would. */
  signUp(licence: number, emails: string[]): Promise<void>;
  /** Profiles of a licence's table without the REAID the store holds for their e-mail (0 when exact). */
  wrongReaids(licence: number): Promise<number>;
  close(): Promise<void>;
}

const fleetAccount = (i: number) => 3000 + i;
const key = (i: number) => `fleet-key-${i}-7c1e`;

export async function createFleetWorld(options: {
  licences: number;
  profiles: number;
  storeUrl?: string;
  limits?: Partial<Limits>;
}): Promise<FleetWorld> {
  const seq = Array.from({ length: options.licences }, (_, i) => i + 1);
  const seed: SandboxSeed = {
    licences: seq.map((i) => ({
      name: `fleet${i}`,
      endpoint: "api3",
      apiKeys: [key(i)],
      entities: [
        { name: `fleet${i}`, profileTables: [{ id: "1", name: "customers", generate: options.profiles }] },
      ],
    })),
    limits: { callsPerMinute: 600, ...options.limits },
  };
  const sandbox = await startSandbox({ seed, port: 0 });
  const dir = await mkdtemp(join(tmpdir(), "emi-fleet-"));
  await mkdir(join(dir, "integrations"));
  for (const i of seq) {
    await writeFile(
      join(dir, "integrations", `${fleetAccount(i)}.yaml`),
      `account: ${fleetAccount(i)}
provider: actito
actito:
  endpoint: api3
  entity: fleet${i}
  email: crm@fleet${i}.example
  apiKey: { secretRef: env:ACTITO_KEY_FLEET${i} }
  profileTable: customers
emailSync: true
`,
    );
  }
  const storeUrl = options.storeUrl ?? `sqlite:${join(dir, ".emi/state.db")}`;
  const env: Record<string, string> = {
    EMI_ACTITO_URL: sandbox.url,
    EMI_STORE: storeUrl,
    GITHUB_REPOSITORY: "acme/fleet",
    ...Object.fromEntries(seq.map((i) => [`ACTITO_KEY_FLEET${i}`, key(i)])),
  };
  const tokens = new Map<number, string>();
  const headers = { "x-emi-endpoint": "api3" };
  return {
    dir,
    sandbox,
    env,
    accounts: seq.map(fleetAccount),
    async signUp(i, emails) {
      let token = tokens.get(i);
      if (!token) {
        const auth = await request(`${sandbox.url}/auth/token`, {
          headers: { ...headers, authorization: key(i) },
        });
        token = ((await auth.body.json()) as { accessToken: string }).accessToken;
        tokens.set(i, token);
      }
      for (const email of emails) {
        const res = await request(`${sandbox.url}/profiles/v5/entities/fleet${i}/profile-tables/1/profiles`, {
          method: "PUT",
          headers: { ...headers, authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ key: { emailAddress: email }, attributes: { emailAddress: email } }),
        });
        await res.body.dump();
        if (res.statusCode >= 300) throw new Error(`upsert answered ${res.statusCode}`);
      }
    },
    async wrongReaids(i) {
      const store = await openStore(storeUrl, { cwd: dir });
      try {
        const byEmail = new Map<string, string>();
        const owners = new Set<string>();
        for await (const { email, reaid } of store.exportReaids(String(fleetAccount(i)))) {
          if (owners.has(reaid)) throw new Error(`REAID ${reaid} shared by two e-mails`);
          owners.add(reaid);
          byEmail.set(email, reaid);
        }
        let wrong = 0;
        const seen = new Set<unknown>();
        for (const p of sandbox.profiles(`fleet${i}`, `fleet${i}`, "1")) {
          const email = p.attributes.emailAddress;
          const actual = p.attributes.reaid ?? null;
          if (actual !== null && seen.has(actual)) throw new Error(`REAID ${String(actual)} on two profiles`);
          seen.add(actual);
          if (typeof email !== "string" || byEmail.get(normaliseEmail(email)) !== actual) wrong++;
        }
        return wrong;
      } finally {
        await store.close();
      }
    },
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
