import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InboxWorker } from "../../src/serve/inbox-worker.ts";
import { licenceLeaseName } from "../../src/sync/licence-lease.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { login, raw } from "../sandbox/raw-http.ts";
import { createWorld, type World } from "../e2e/e2e-harness.ts";

let world: World;
let store: Store;
let inbox: Store;
let worker: InboxWorker;
const outcomes = new Map<string, number>();

beforeEach(async () => {
  world = await createWorld();
  expect((await world.run(["apply", "--yes"])).code).toBe(0);
  store = await openStore(world.storeUrl);
  inbox = store;
  outcomes.clear();
  const validation = (await import("../../src/config/validate-directory.ts")).validateDirectory;
  const declared = (await validation("integrations", { cwd: world.dir })).declared;
  worker = new InboxWorker({
    store,
    inbox,
    lookup: store,
    integrationFor: (account) => declared.find((d) => d.integration.account === account)?.integration ?? null,
    secrets: { env: world.env, cwd: world.dir },
    onOutcome: (outcome, n) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + n),
  });
});
afterEach(async () => {
  await worker.close();
  await store.close();
  await world.close();
});

async function createProfile(email: string, attributes: Record<string, string> = {}): Promise<number> {
  const headers = await login(world.sandbox.url, "sandbox-key-nordlys", "api3");
  const answer = await raw(`${world.sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles`, {
    method: "PUT",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ key: { emailAddress: email }, attributes }),
  });
  expect(answer.status).toBe(201);
  return answer.json.profileId as number;
}

const profile = (id: number) =>
  [...world.sandbox.profiles("nordlys", "nordlys", "16")].find((p) => p.profileId === id)!;
const at = () => new Date().toISOString();

describe("the inbox worker", () => {
  it("writes REAIDs by profile id, and a redelivered event changes nothing", async () => {
    const id = await createProfile("worker-1@nordlys.example");
    await inbox.addInboxEvents(1042, [{ profileId: String(id), eventType: "CREATE" }], at());
    expect(await worker.drainOnce()).toBe(1);
    const reaid = profile(id).attributes.reaid;
    expect(reaid).toBe(await store.getReaid("1042", "worker-1@nordlys.example"));
    const patches = world.sandbox.stats().tables["nordlys/16"]!.patches;
    await inbox.addInboxEvents(1042, [{ profileId: String(id), eventType: "CREATE" }], at());
    await inbox.addInboxEvents(1042, [{ profileId: String(id), eventType: "CREATE" }], at());
    expect(await worker.drainOnce()).toBe(1);
    expect(world.sandbox.stats().tables["nordlys/16"]!.patches).toBe(patches);
    expect(profile(id).attributes.reaid).toBe(reaid);
    expect(Object.fromEntries(outcomes)).toEqual({ written: 1, unchanged: 1 });
    expect(await inbox.countInbox()).toBe(0);
  });

  it("leaves a REAID value the store does not know, counts it, and settles events of vanished profiles", async () => {
    const id = await createProfile("worker-2@nordlys.example", { reaid: "SomeoneElsesValue0000001" });
    await inbox.addInboxEvents(
      1042,
      [
        { profileId: String(id), eventType: "CREATE" },
        { profileId: "99999999", eventType: "CREATE" },
      ],
      at(),
    );
    expect(await worker.drainOnce()).toBe(2);
    expect(profile(id).attributes.reaid).toBe("SomeoneElsesValue0000001");
    expect(Object.fromEntries(outcomes)).toEqual({ foreign: 1, gone: 1 });
  });

  it("waits while another process holds the licence lease, then writes", async () => {
    const id = await createProfile("worker-3@nordlys.example");
    await inbox.addInboxEvents(1042, [{ profileId: String(id), eventType: "CREATE" }], at());
    const lease = await store.acquireLock(
      licenceLeaseName("api3/nordlys"),
      "emi@elsewhere:1",
      "sync",
      60_000,
    );
    expect(await worker.drainOnce()).toBe(0);
    expect(await inbox.countInbox()).toBe(1);
    await store.releaseLock(lease);
    expect(await worker.drainOnce()).toBe(1);
    expect(profile(id).attributes.reaid).toEqual(expect.any(String));
  });

  it("reads a burst of new profiles with one listing instead of one call each, and still writes every REAID", async () => {
    // A first event makes the worker connect and find the table; the burst is measured after it.
    const first = await createProfile("burst-first@nordlys.example");
    await inbox.addInboxEvents(1042, [{ profileId: String(first), eventType: "CREATE" }], at());
    expect(await worker.drainOnce()).toBe(1);
    outcomes.clear();
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await createProfile(`burst-${i}@nordlys.example`));
    await inbox.addInboxEvents(
      1042,
      ids.map((id) => ({ profileId: String(id), eventType: "CREATE" })),
      at(),
    );
    const before = world.sandbox.stats();
    const callsBefore = Object.values(before.licences).reduce((n, l) => n + l.calls, 0);
    expect(await worker.drainOnce()).toBe(6);
    const after = world.sandbox.stats();
    const calls = Object.values(after.licences).reduce((n, l) => n + l.calls, 0) - callsBefore;
    const listed = after.tables["nordlys/16"]!.pagesListed - before.tables["nordlys/16"]!.pagesListed;
    expect(after.tables["nordlys/16"]!.patches - before.tables["nordlys/16"]!.patches).toBe(6);
    // The apply wrote all 2,000 seeded profiles a moment ago, so they are in the window too: the
    // listing pages past them (3 pages) and needs no single read (one each would cost 6 calls).
    expect(listed).toBe(3);
    expect(calls).toBe(listed + 6);
    for (const [i, id] of ids.entries()) {
      expect(profile(id).attributes.reaid).toBe(await store.getReaid("1042", `burst-${i}@nordlys.example`));
    }
    expect(Object.fromEntries(outcomes)).toEqual({ written: 6 });
  });

  it("reads alone the profiles the listing did not cover (an old event, a deleted profile)", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await createProfile(`late-${i}@nordlys.example`));
    // A profile from the seed, unchanged for long: the listing of recent changes does not hold it.
    const old = [...world.sandbox.profiles("nordlys", "nordlys", "16")].find(
      (p) => !ids.includes(p.profileId) && p.attributes.reaid !== undefined,
    )!;
    await inbox.addInboxEvents(
      1042,
      [...ids, old.profileId, 99999998].map((id) => ({ profileId: String(id), eventType: "UPDATE" })),
      at(),
    );
    expect(await worker.drainOnce()).toBe(5);
    for (const [i, id] of ids.entries()) {
      expect(profile(id).attributes.reaid).toBe(await store.getReaid("1042", `late-${i}@nordlys.example`));
    }
    expect(Object.fromEntries(outcomes)).toEqual({ written: 3, unchanged: 1, gone: 1 });
  });

  it("through the listing too, leaves a value emi did not write and writes only the profiles without one", async () => {
    const foreign = await createProfile("listed-0@nordlys.example", { reaid: "SomeoneElsesValue0000002" });
    const fresh: number[] = [];
    for (let i = 1; i <= 3; i++) fresh.push(await createProfile(`listed-${i}@nordlys.example`));
    const ids = [foreign, ...fresh];
    const bystanders = [...world.sandbox.profiles("nordlys", "nordlys", "16")]
      .filter((p) => !ids.includes(p.profileId))
      .slice(0, 50)
      .map((p) => ({ id: p.profileId, attributes: { ...p.attributes } }));
    const before = world.sandbox.stats();
    await inbox.addInboxEvents(
      1042,
      ids.map((id) => ({ profileId: String(id), eventType: "CREATE" })),
      at(),
    );
    expect(await worker.drainOnce()).toBe(4);
    const after = world.sandbox.stats();
    const calls = (stats: typeof after) => Object.values(stats.licences).reduce((n, l) => n + l.calls, 0);
    const listed = after.tables["nordlys/16"]!.pagesListed - before.tables["nordlys/16"]!.pagesListed;
    // Read by the listing alone: its pages, three PATCHes and at most the first use's token and table
    // lookups (one read per profile would add four calls).
    expect(listed).toBeGreaterThan(0);
    expect(after.tables["nordlys/16"]!.patches - before.tables["nordlys/16"]!.patches).toBe(3);
    expect(calls(after) - calls(before)).toBeLessThan(listed + 3 + 4);
    expect(profile(foreign).attributes.reaid).toBe("SomeoneElsesValue0000002");
    for (const [i, id] of fresh.entries()) {
      expect(profile(id).attributes.reaid).toBe(
        await store.getReaid("1042", `listed-${i + 1}@nordlys.example`),
      );
    }
    // Nobody else's profile changed, value by value.
    for (const { id, attributes } of bystanders) expect(profile(id).attributes).toEqual(attributes);
    expect(Object.fromEntries(outcomes)).toEqual({ foreign: 1, written: 3 });
  });
});
