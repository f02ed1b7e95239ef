import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CliIO } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";

export const KEYS = {
  ACTITO_KEY_NORDLYS: "sandbox-key-nordlys",
  ACTITO_KEY_BOREAL: "sandbox-key-boreal",
  ACTITO_KEY_LUMEN: "sandbox-key-lumen",
  ACTITO_KEY_SOLSTICE: "sandbox-key-solstice",
};

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

interface RunResult {
  code: number;
  out: string;
  err: string;
}

/** A temporary repository (the example declarations), a SQLite store in it, and a sandbox. */
export interface World {
  dir: string;
  sandbox: RunningSandbox;
  storeUrl: string;
  env: Record<string, string | undefined>;
  /** Every output produced so far, for the no-secret check. */
  outputs: string[];
  run(
    args: string[],
    options?: {
      env?: Record<string, string | undefined>;
      prompt?: (q: string) => Promise<string>;
      /** What `emi secret encrypt` reads from stdin. */
      stdin?: string;
    },
  ): Promise<RunResult>;
  write(file: string, text: string): Promise<void>;
  remove(file: string): Promise<void>;
  read(file: string): Promise<string>;
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function createWorld(options: { seed?: SandboxSeed } = {}): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), "emi-e2e-"));
  await cp(join(REPO_ROOT, "integrations"), join(dir, "integrations"), { recursive: true });
  const sandbox = await startSandbox({ port: 0, ...(options.seed ? { seed: options.seed } : {}) });
  const storeUrl = `sqlite:${join(dir, ".emi/state.db")}`;
  const env = {
    EMI_ACTITO_URL: sandbox.url,
    EMI_STORE: storeUrl,
    GITHUB_REPOSITORY: "acme/integrations",
    ...KEYS,
    // The commands use the store key this test process uses (test/requirements.ts, PostgreSQL).
    ...(process.env.EMI_STORE_KEY_FILE ? { EMI_STORE_KEY_FILE: process.env.EMI_STORE_KEY_FILE } : {}),
  };
  const outputs: string[] = [];
  const world: World = {
    dir,
    sandbox,
    storeUrl,
    env,
    outputs,
    async run(args, options = {}) {
      let out = "";
      let err = "";
      const io: CliIO = {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        env: { ...env, ...options.env },
        cwd: dir,
        ...(options.prompt ? { prompt: options.prompt } : {}),
        ...(options.stdin !== undefined
          ? { secretInput: async () => options.stdin ?? "", readStdin: async () => options.stdin ?? "" }
          : {}),
      };
      const code = await main(["node", "emi", ...args], io);
      outputs.push(out, err);
      return { code, out, err };
    },
    write: (file, text) => writeFile(join(dir, file), text),
    remove: (file) => rm(join(dir, file)),
    read: (file) => readFile(join(dir, file), "utf8"),
    async withStore(fn) {
      const store = await openStore(storeUrl, { cwd: dir });
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    },
    async close() {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The example declaration of 1042 with other sisters. */
export function nordlysYaml(sisters: number[]): string {
  return `account: 1042
provider: actito
actito:
  endpoint: api3
  entity: nordlys
  email: crm-team@nordlys.example
  apiKey: { secretRef: env:ACTITO_KEY_NORDLYS }
  profileTable: customers
sisterAccounts: [${sisters.join(", ")}]
emailSync: true
`;
}

export function borealYaml(sisters: number[], reaidAttribute = "raptorId", emailSync = false): string {
  return `account: 1050
provider: actito
actito:
  endpoint: api1
  entity: boreal
  email: marketing-ops@boreal.example
  apiKey: { secretRef: env:ACTITO_KEY_BOREAL }
  profileTable: members
  reaidAttribute: ${reaidAttribute}
sisterAccounts: [${sisters.join(", ")}]
emailSync: ${emailSync}
`;
}
