import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { describePostgres } from "../requirements.ts";
import { createLeaseWorld, errLine, type LeaseWorld, pausedAt } from "./lease-world.ts";

// Each test pauses a real emi process (SIGSTOP, through EMI_TEST_PAUSE_AT) between a read and the
// write it decides, past its lease (EMI_LEASE_TTL_SECONDS=2), lets a newer process take over and
// finish, then resumes it (SIGCONT): it must stop with "lease lost" without writing anything, to
// the store or to Actito (the sandbox, over HTTP).

const LICENCE = "licence:api3/acme";
const paused = (stage: string) => ({ EMI_TEST_PAUSE_AT: stage, EMI_LEASE_TTL_SECONDS: "2" });

let world: LeaseWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** What a stale write would change: the store's checkpoint and schedule, and Actito's writes. */
async function snapshot(w: LeaseWorld, account = 1042, tableId = "16") {
  const stored = await w.withStore(async (store) => ({
    checkpoint: await store.getCheckpoint(account),
    schedule: (await store.listSchedule()).find((e) => e.account === account) ?? null,
    health: (await store.findByAccount(account))?.sync.health,
  }));
  const table = w.sandbox.stats().tables[`acme/${tableId}`];
  return { ...stored, patches: table?.patches, imports: table?.importsSubmitted };
}

describe("a holder paused past its lease writes nothing when it resumes", { timeout: 180_000 }, () => {
  it("emi sync: paused after reading a page, it does not PATCH the old e-mail's REAID", () =>
    pausedSyncWritesNothing());

  it("sync --watch: paused during its listing, it keeps the newer checkpoint and schedule", async () => {
    world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 30 }]);
    const old = world.emi(["sync", "--watch", "--interval", "3600"], paused("listing-page"));
    await pausedAt(old, "listing-page");
    await world.setEmail("16", 3, "moved-3@acme.example");
    await world.leaseExpired(LICENCE);
    expect((await world.emi(["sync"]).exited()).code).toBe(0);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    const before = await snapshot(world);
    expect(before.checkpoint?.watermark).toBeTruthy();

    old.child.kill("SIGCONT");
    await old.line(/lease lost/);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    expect(await snapshot(world)).toEqual(before);
    old.child.kill("SIGTERM");
    expect((await old.exited()).code).toBe(0);
  });

  it("sync --watch: paused while its import waits to be sent (profile-id keys), it sends nothing", async () => {
    world = await createLeaseWorld([
      { id: "16", name: "customers", account: 1042, profiles: 60, emailUnique: false },
    ]);
    const old = world.emi(["sync", "--watch", "--interval", "3600"], paused("import-built"));
    await pausedAt(old, "import-built");
    // The file it built carries the REAIDs of these e-mails: sent now, it would undo the newer sync.
    for (let id = 1; id <= 50; id++) await world.setEmail("16", id, `moved-${id}@acme.example`);
    await world.leaseExpired(LICENCE);
    // The newer sync cannot know whether the old file was sent: it lets it settle, then re-reads.
    expect((await world.emi(["sync"]).exited()).code).toBe(0);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    const before = await snapshot(world);

    old.child.kill("SIGCONT");
    await old.line(/lease lost/);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    expect(await snapshot(world)).toEqual(before);
    old.child.kill("SIGTERM");
    expect((await old.exited()).code).toBe(0);
  });

  it("emi serve --worker: paused after reading a profile, it does not PATCH the old e-mail's REAID", async () => {
    world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 10 }]);
    expect((await world.emi(["sync"]).exited()).code).toBe(0);
    await world.setEmail("16", 5, "moved-5@acme.example");
    await world.withStore((store) =>
      store.addInboxEvents(1042, [{ profileId: "5", eventType: "UPDATE" }], new Date().toISOString()),
    );
    const old = world.emi(["serve", "--worker", "--port", "0"], paused("profile-read"));
    await pausedAt(old, "profile-read");
    await world.setEmail("16", 5, "final-5@acme.example");
    await world.leaseExpired(LICENCE);
    expect((await world.emi(["sync"]).exited()).code).toBe(0);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    const patches = world.sandbox.stats().tables["acme/16"]?.patches;

    old.child.kill("SIGCONT");
    await errLine(old, /inbox write stopped: lease lost/);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    expect(world.sandbox.stats().tables["acme/16"]?.patches).toBe(patches);
    old.child.kill("SIGTERM");
    await old.exited();
  });

  it("emi apply: paused past its lock while a newer apply ran, it does not finish its old plan", async () => {
    world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 5 }], {
      registered: false,
    });
    const declare = (sisters: number[]) =>
      writeFile(
        join(world!.dir, "integrations", "1042.yaml"),
        `account: 1042
provider: actito
actito:
  endpoint: api3
  entity: acme
  email: crm@acme.example
  apiKey: { secretRef: env:ACTITO_KEY_ACME }
  profileTable: customers
  reaidAttribute: reaid
sisterAccounts: [${sisters.join(", ")}]
emailSync: false
`,
      );
    await declare([1043]);
    expect((await world.emi(["apply", "--yes"]).exited()).code).toBe(0);
    await declare([1044]);
    const old = world.emi(["apply", "--yes"], paused("apply-write"));
    await pausedAt(old, "apply-write");
    await declare([1045]);
    await world.leaseExpired("apply");
    const newer = world.emi(["apply", "--yes"]);
    expect((await newer.exited()).code).toBe(0);
    const sisters = () => world!.withStore(async (s) => (await s.findByAccount(1042))?.sisterAccounts);
    expect(await sisters()).toEqual([1045]);

    old.child.kill("SIGCONT");
    expect((await old.exited()).code).toBe(1);
    expect(old.out() + old.err()).toMatch(/lease lost: the "apply" lease/);
    expect(await sisters()).toEqual([1045]);
    expect(await world.withStore(async (s) => (await s.findByAccount(1044))?.account ?? null)).toBeNull();
    const plan = world.emi(["plan", "--detailed-exitcode"]);
    expect((await plan.exited()).code).toBe(0);
  });
});

describe("one licence, two integrations", { timeout: 120_000 }, () => {
  it("is held by one process for the whole run: a second process finds it busy during the second table", async () => {
    world = await createLeaseWorld([
      { id: "16", name: "customers", account: 1042, profiles: 20 },
      { id: "17", name: "members", account: 1050, profiles: 20 },
    ]);
    // Paused at the second table's first page (the first table is done).
    const first = world.emi(["sync"], { EMI_TEST_PAUSE_AT: "listing-page#2" });
    await pausedAt(first, "listing-page");
    const during = await world.withStore(async (store) => ({
      health: [
        (await store.findByAccount(1042))?.sync.health,
        (await store.findByAccount(1050))?.sync.health,
      ],
      holder: (await store.listLocks()).find((l) => l.name === LICENCE)?.owner,
    }));
    expect(during.health).toEqual(["in sync", "syncing"]);
    expect(during.holder).toMatch(new RegExp(`:${first.child.pid}$`));

    const second = world.emi(["sync"]);
    expect((await second.exited()).code).toBe(0);
    expect(second.out()).toMatch(/1042 skipped: licence busy/);
    expect(second.out()).toMatch(/1050 skipped: licence busy/);

    first.child.kill("SIGCONT");
    expect((await first.exited()).code).toBe(0);
    expect(await world.wrongReaids("16", 1042)).toEqual([]);
    expect(await world.wrongReaids("17", 1050)).toEqual([]);
    expect(await world.withStore((s) => s.listLocks())).toEqual([]);
  });
});

/** `emi sync` paused after reading a page, while the e-mail it read changes twice. */
async function pausedSyncWritesNothing(storeUrl?: string): Promise<void> {
  world = await createLeaseWorld([{ id: "16", name: "customers", account: 1042, profiles: 20 }], {
    ...(storeUrl ? { storeUrl } : {}),
  });
  const w = world;
  expect((await w.emi(["sync"]).exited()).code).toBe(0);
  await w.setEmail("16", 5, "moved-5@acme.example");

  const old = w.emi(["sync"], paused("listing-page"));
  await pausedAt(old, "listing-page");
  // Meanwhile the e-mail changes again and a newer sync takes the licence over once the lease expired.
  await w.setEmail("16", 5, "final-5@acme.example");
  await w.leaseExpired(LICENCE);
  const newer = w.emi(["sync"]);
  expect((await newer.exited()).code).toBe(0);
  expect(await w.wrongReaids("16", 1042)).toEqual([]);
  const before = await snapshot(w);

  old.child.kill("SIGCONT");
  expect((await old.exited()).code).toBe(1);
  expect(old.out()).toMatch(/1042 needs attention: lease lost: the "licence:api3\/acme" lease/);
  expect(await w.wrongReaids("16", 1042)).toEqual([]);
  expect(await snapshot(w)).toEqual(before);
}

describePostgres("a holder paused past its lease, on PostgreSQL", (url) => {
  it(
    "emi sync: paused after reading a page, it does not PATCH the old e-mail's REAID",
    { timeout: 120_000 },
    () =>
      pausedSyncWritesNothing(
        `${url}${url.includes("?") ? "&" : "?"}schema=lease_${randomBytes(4).toString("hex")}`,
      ),
  );
});
