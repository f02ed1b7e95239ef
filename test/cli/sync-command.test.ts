import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { apiKey, assertExact, type SyncWorld, syncSeed, syncWorld } from "../sync/sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const declaration = `account: 1042
provider: actito
actito:
  endpoint: api3
  entity: acme
  email: crm@acme.example
  apiKey: { secretRef: env:ACTITO_KEY_ACME }
  profileTable: customers
emailSync: true
`;

async function setUp(): Promise<SyncWorld> {
  const w = await syncWorld(syncSeed({ generate: 3000 }));
  await mkdir(join(w.dir, "integrations"));
  await writeFile(join(w.dir, "integrations", "1042.yaml"), declaration);
  return w;
}

function io(
  w: SyncWorld,
  env: Record<string, string> = w.env,
): CliIO & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    cwd: w.dir,
    out: () => out,
    err: () => err,
  };
}

describe("emi sync", () => {
  it("syncs the declared integration and prints plain lines and a summary when not on a terminal", async () => {
    world = await setUp();
    const cli = io(world);
    const code = await main(["node", "emi", "sync", "--store", world.storeUrl], cli);
    expect(cli.err()).toBe("");
    expect(code).toBe(0);
    expect(cli.out()).toContain("1042 acme/customers      sync: reading profiles       3,000 / 3,000 ");
    expect(cli.out()).toContain(
      "1042 acme/customers      sync: 3,000 REAIDs ready (3,000 new), 3,000 to write",
    );
    expect(cli.out()).toMatch(
      /1042 acme\/customers {6}sync: mass import 1 of 1 submitted \([\d.]+ kB gzip\), id \S+/,
    );
    expect(cli.out()).toContain("1042 acme/customers      in sync · 1 of 12 imports used today");
    expect(cli.out()).not.toMatch(/^\d{4} sync:/m);
    expect(cli.out()).toMatch(/Synced 1 integration: 1 in sync\. [\d.]+ s\./);
    expect(cli.out()).not.toContain(apiKey);
    await assertExact(world);
  });

  it("prints NDJSON events ending with a summary when --format json", async () => {
    world = await setUp();
    const cli = io(world);
    const code = await main(
      ["node", "emi", "sync", "--store", world.storeUrl, "--format", "json", "--full"],
      cli,
    );
    expect(code).toBe(0);
    const lines = cli
      .out()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]?.type).toBe("sync-started");
    expect(lines.at(-1)).toMatchObject({ type: "summary", results: [{ account: 1042, health: "in sync" }] });
    expect(cli.out()).not.toContain(apiKey);
  });

  it("exits 1 naming the reference, never a key, when the API key is not set", async () => {
    world = await setUp();
    const cli = io(world, { EMI_ACTITO_URL: world.sandbox.url });
    const code = await main(["node", "emi", "sync", "--store", world.storeUrl], cli);
    expect(code).toBe(1);
    expect(cli.out()).toContain("env:ACTITO_KEY_ACME is not set");
    expect(cli.out() + cli.err()).not.toContain(apiKey);
  });

  it("exits 1 when --account names no declared integration", async () => {
    world = await setUp();
    const cli = io(world);
    const code = await main(["node", "emi", "sync", "--store", world.storeUrl, "--account", "9999"], cli);
    expect(code).toBe(1);
    expect(cli.err()).toContain("no declaration in integrations covers account 9999");
  });
});
