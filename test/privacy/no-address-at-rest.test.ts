import { afterAll, afterEach, describe, expect, it } from "vitest";
import { shortHash } from "../../src/store/address-hasher.ts";
import { openStore } from "../../src/store/open-store.ts";
import { nordlysYaml } from "../e2e/e2e-harness.ts";
import { login, raw } from "../sandbox/raw-http.ts";
import { createServeWorld, type ServeWorld } from "../serve/serve-harness.ts";
import { postgresHarness } from "../store/store-harness.ts";
import { addressesIn, filesUnder, pgDump, sandboxAddresses } from "./address-scan.ts";

const postgresUrl = process.env.EMI_TEST_POSTGRES_URL;
const harness = postgresUrl ? postgresHarness(postgresUrl) : null;
afterAll(() => harness?.cleanup());

let w: ServeWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const OUTSIDE = "Outside.Actito@Nowhere.example";
const WEBHOOK = "Webhook.Person@Nordlys.example";

describe("no e-mail address at rest", () => {
  it("on SQLite: neither the database, its WAL, nor any file emi leaves holds an address after apply, sync, GetOrCreate, webhook events and an erasure", () =>
    flow());
  it.skipIf(!harness)("on PostgreSQL (EMI_TEST_POSTGRES_URL): nor does a pg_dump of the store", async () =>
    flow(await harness!.freshUrl()),
  );
});

async function flow(storeUrl?: string): Promise<void> {
  const world = await createServeWorld({ worker: true, ...(storeUrl ? { storeUrl } : {}) });
  w = world;
  const env = { EMI_PUBLIC_URL: world.serve.url };
  await world.world.write("integrations/1042.yaml", `${nordlysYaml([1043])}realtime: true\n`);
  const apply = await world.world.run(["apply", "--yes"], { env });
  expect(apply.code, apply.err).toBe(0);
  const sync = await world.world.run(["sync", "--full"]);
  expect(sync.out).toContain("Synced");
  const nordlys = [...world.world.sandbox.profiles("nordlys", "nordlys", "16")];
  expect(nordlys.every((p) => typeof p.attributes.reaid === "string")).toBe(true);

  // GetOrCreate: an address Actito does not have, and one it has (the same REAID as the sync's).
  const key = await world.createKey(1042);
  const inActito = nordlys[0]!;
  const asked = await world.post(
    "/GetOrCreate",
    { emailAddresses: [OUTSIDE, String(inActito.attributes.emailAddress)] },
    { authorization: `Bearer ${key}` },
  );
  expect(asked.status).toBe(200);
  expect(asked.json.results[1].reaId).toBe(inActito.attributes.reaid);

  // A webhook event: a profile created in Actito gets its REAID from serve's worker.
  const headers = await login(world.world.sandbox.url, "sandbox-key-nordlys", "api3");
  const created = await raw(
    `${world.world.sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles`,
    {
      method: "PUT",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ key: { emailAddress: WEBHOOK }, attributes: {} }),
    },
  );
  expect(created.status).toBe(201);
  const profileId = created.json.profileId as number;
  await until(() => {
    const profile = [...world.world.sandbox.profiles("nordlys", "nordlys", "16")].find(
      (p) => p.profileId === profileId,
    );
    return typeof profile?.attributes.reaid === "string" ? true : undefined;
  });

  // An erasure on request: the REAID leaves the store and the profile, the record keeps a count.
  const person = nordlys[1]!;
  const email = String(person.attributes.emailAddress);
  const forget = await world.world.run(["reaid", "forget", "--account", "1043", email.toUpperCase()]);
  expect(forget.code, forget.err).toBe(0);
  expect(forget.out).toContain("erased 1 REAID(s)");
  const after = [...world.world.sandbox.profiles("nordlys", "nordlys", "16")].find(
    (p) => p.profileId === person.profileId,
  );
  expect(after?.attributes.reaid ?? null).toBeNull();
  expect(after?.attributes.emailAddress).toBe(email);
  const unknown = await world.world.run(["reaid", "forget", "--account", "1042", "nobody@nowhere.example"]);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain("1 of 1 address(es) had no REAID");
  const store = await openStore(world.world.env.EMI_STORE!, { cwd: world.world.dir });
  let hashes: string[];
  try {
    expect(await store.getReaid("1042", email)).toBeNull();
    expect(await store.listErasures(1042)).toEqual([
      { reason: "request", erased: 1, erasedAt: expect.any(String) },
    ]);
    hashes = [...sandboxAddresses(world.world.sandbox)].map((a) => store.addressHash(a)!);
  } finally {
    await store.close();
  }

  // What else emi shows: plans (terminal, JSON, Markdown: the pull-request comment), drift, metrics.
  for (const format of ["text", "json", "markdown"]) await world.world.run(["plan", "--format", format]);
  await world.world.run(["drift", "--format", "json"]);
  const metrics = await world.get("/metrics");
  expect(metrics.status).toBe(200);
  world.logs.push(metrics.text);

  await world.serve.close();
  const wanted = sandboxAddresses(world.world.sandbox);
  for (const extra of [OUTSIDE, WEBHOOK, email]) wanted.add(extra.toLowerCase());
  expect(wanted.size).toBeGreaterThan(4_000);
  // Every file emi left in the repository: the SQLite database, its WAL, the key file, plans.
  const files = await filesUnder(world.world.dir);
  if (!storeUrl) expect(files.map((f) => f.path).some((p) => p.endsWith("state.db"))).toBe(true);
  for (const file of files)
    expect({ file: file.path, found: addressesIn(file.text, wanted) }).toEqual({
      file: file.path,
      found: [],
    });
  if (storeUrl) {
    const dump = await pgDump(storeUrl);
    expect(dump).toContain("CREATE TABLE");
    expect(addressesIn(dump, wanted)).toEqual([]);
  }
  // Nor what emi printed, logged or measured: no address, no hash of one.
  const printed = [...world.world.outputs, ...world.logs].join("\n");
  expect(addressesIn(printed, wanted)).toEqual([]);
  for (const hash of hashes) expect(printed.includes(shortHash(hash))).toBe(false);
}

async function until(read: () => true | undefined, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (read() === undefined) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the webhook's REAID");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
