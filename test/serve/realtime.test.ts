import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { nordlysYaml } from "../e2e/e2e-harness.ts";
import { itWith, postgres } from "../requirements.ts";
import { postgresHarness } from "../store/store-harness.ts";
import { login, raw } from "../sandbox/raw-http.ts";
import { createServeWorld, type ServeWorld } from "./serve-harness.ts";

const postgresUrl = process.env.EMI_TEST_POSTGRES_URL;
const harness = postgresUrl ? postgresHarness(postgresUrl) : null;
afterAll(() => harness?.cleanup());

let w: ServeWorld;
afterEach(async () => {
  await w?.close();
});

const NORDLYS = nordlysYaml([1043]);

async function until<T>(
  read: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
  why: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting ${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("realtime: true", () => {
  it("is refused at plan time without EMI_PUBLIC_URL", async () => {
    w = await createServeWorld({ worker: true });
    await w.world.write("integrations/1042.yaml", `${NORDLYS}realtime: true\n`);
    const plan = await w.world.run(["plan"], { env: { EMI_PUBLIC_URL: undefined } });
    expect(plan.code).toBe(1);
    expect(plan.out + plan.err).toContain("realtime-needs-public-url");
    expect(plan.out + plan.err).toContain("EMI_PUBLIC_URL");
  });

  it("on SQLite: subscribes emi serve to Actito's webhooks, writes a new profile's REAID within seconds, reports drift and switches off", () =>
    realtimeFlow());
  itWith([postgres], "on PostgreSQL: the same", async () => realtimeFlow(await harness!.freshUrl()));
});

async function realtimeFlow(storeUrl?: string): Promise<void> {
  w = await createServeWorld({ worker: true, ...(storeUrl ? { storeUrl } : {}) });
  const env = { EMI_PUBLIC_URL: w.serve.url };
  await w.world.write("integrations/1042.yaml", `${NORDLYS}realtime: true\n`);
  const plan = await w.world.run(["plan", "--detailed-exitcode"], { env });
  expect(plan.code).toBe(2);
  expect(plan.out).toContain(
    `webhooks: CREATE create (missing), UPDATE on e-mail create (missing) → ${w.serve.url}/webhooks/actito/1042 (BULK)`,
  );
  const apply = await w.world.run(["apply", "--yes"], { env });
  expect(apply.code, apply.err).toBe(0);
  expect(apply.out).toContain("CREATE webhook created");

  const headers = await login(w.world.sandbox.url, "sandbox-key-nordlys", "api3");
  const subscriptions = `${w.world.sandbox.url}/webhooks/v4/entity/nordlys/webhookSubscription`;
  const listed = (await raw(subscriptions, { headers })).json.subscriptions;
  expect(listed).toHaveLength(2);
  expect(listed).toMatchObject([
    {
      eventType: "CREATE",
      onElementId: "16",
      pushMode: "BULK",
      isActive: true,
      targetUrl: `${w.serve.url}/webhooks/actito/1042`,
    },
    { eventType: "UPDATE", onFields: ["emailAddress"], pushMode: "BULK", isActive: true },
  ]);
  const secret = listed[0].headers["X-Authorization"] as string;
  expect(secret.length).toBeGreaterThanOrEqual(40);
  expect(listed[1].headers["X-Authorization"]).toBe(secret);
  expect((await w.world.run(["plan", "--detailed-exitcode"], { env })).code).toBe(0);

  // A profile created in Actito gets its REAID from the worker, with no sync.
  const created = await raw(
    `${w.world.sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles`,
    {
      method: "PUT",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ key: { emailAddress: "Fresh.Sub@Nordlys.example" }, attributes: {} }),
    },
  );
  expect(created.status).toBe(201);
  const profileId = created.json.profileId as number;
  const reaid = await until(
    () => {
      const profile = [...w.world.sandbox.profiles("nordlys", "nordlys", "16")].find(
        (p) => p.profileId === profileId,
      );
      return (profile?.attributes.reaid as string | null) ?? undefined;
    },
    10_000,
    () => JSON.stringify({ stats: w.world.sandbox.stats().webhooks, logs: w.logs.slice(-10) }),
  );
  // The same REAID through emi reaid get and GetOrCreate.
  const get = await w.world.run(["reaid", "get", "fresh.sub@nordlys.example", "--account", "1043"]);
  expect(get.out.trim()).toBe(reaid);
  const key = await w.createKey(1042);
  const asked = await w.post(
    "/GetOrCreate",
    { emailAddresses: ["fresh.sub@nordlys.example"] },
    { authorization: `Bearer ${key}` },
  );
  expect(asked.json.results[0].reaId).toBe(reaid);
  // emi's own REAID write fired no UPDATE (onFields): the inbox is empty and stays so.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(w.world.sandbox.stats().webhooks.eventsDelivered).toBe(1);

  // Drift: an inactive subscription.
  await raw(`${subscriptions}/${listed[1].id}`, {
    method: "PUT",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ ...listed[1], isActive: false }),
  });
  const drift = await w.world.run(["drift", "--format", "json"], { env });
  expect(drift.code).toBe(2);
  expect(JSON.parse(drift.out).items).toContainEqual(
    expect.objectContaining({ account: 1042, kind: "webhook-inactive" }),
  );

  // realtime off: the subscriptions are switched off and deliveries are refused.
  await w.world.write("integrations/1042.yaml", NORDLYS);
  const off = await w.world.run(["apply", "--yes"], { env });
  expect(off.code, off.err).toBe(0);
  const after = (await raw(subscriptions, { headers })).json.subscriptions;
  expect(after.map((s: { isActive: boolean }) => s.isActive)).toEqual([false, false]);
  const refused = await w.post(
    "/webhooks/actito/1042",
    { id: "x", data: { profileId: "1" } },
    { "x-authorization": secret },
  );
  expect(refused.status).toBe(401);

  // Nor in the store: only hashes of the webhook secret and of the service key.
  const storeFiles = storeUrl
    ? []
    : await Promise.all(
        (await readdir(join(w.world.dir, ".emi"))).map(async (name) =>
          (await readFile(join(w.world.dir, ".emi", name))).toString("latin1"),
        ),
      );
  expect(storeFiles.length === 0 || storeFiles.join("").includes("webhook_secrets")).toBe(true);
  for (const text of storeFiles) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(key);
  }
  for (const text of [...w.world.outputs, ...w.logs]) {
    expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain("fresh.sub@");
  }
}
