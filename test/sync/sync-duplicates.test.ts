import type { ConnectActito } from "../../src/actito/connect-actito.ts";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { ActitoApi } from "../../src/actito/types.ts";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { normaliseEmail } from "../../src/store/normalise-email.ts";
import type { SyncEvent } from "../../src/sync/sync-events.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import { apiKey, integration, type SyncWorld, syncSeed, syncWorld } from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A table whose e-mail is not unique, with a unique `memberNumber` to add profiles by. */
function duplicateSeed(generate: number, profiles: Record<string, string | null>[] = []): SandboxSeed {
  const seed = syncSeed({ generate, emailUnique: false, profiles });
  const table = seed.licences[0]!.entities[0]!.profileTables[0]!;
  table.attributes!.push({ name: "memberNumber", type: "CUSTOM", valueType: "STRING", unique: true });
  return seed;
}

/** Which profile keys each write reached Actito with: PATCH keys and the first column of import rows. */
function recorder(w: SyncWorld) {
  const sent: string[] = [];
  const connect: ConnectActito = (target) => {
    const api = w.connect(target);
    async function* tee(csv: AsyncIterable<string | Buffer>) {
      let rest = "";
      let header = true;
      for await (const chunk of csv) {
        rest += String(chunk);
        const lines = rest.split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) {
          if (!header) sent.push(line.split(";")[0]!);
          header = false;
        }
        yield chunk;
      }
    }
    return new Proxy(api, {
      get(target, prop) {
        if (prop === "patchProfile") {
          return (...args: Parameters<ActitoApi["patchProfile"]>) => {
            sent.push(args[2]);
            return target.patchProfile(...args);
          };
        }
        if (prop === "startMassImport") {
          return (...args: Parameters<ActitoApi["startMassImport"]>) =>
            target.startMassImport(args[0], args[1], tee(args[2] as AsyncIterable<string | Buffer>));
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  return { sent, connect };
}

async function sync(
  w: SyncWorld,
  connect: ConnectActito,
  extra: Partial<Parameters<typeof runSync>[0]> = {},
) {
  const events: SyncEvent[] = [];
  const [result] = await runSync({
    store: w.store,
    integrations: [integration()],
    secrets: { env: w.env, cwd: w.dir },
    connect,
    onEvent: (e) => events.push(e),
    pollMs: 20,
    watermarkMarginMs: 0,
    limits: { pageSize: 10 },
    ...extra,
  });
  return { result: result!, events };
}

/**
 * Checks the table: in every group of profiles sharing a normalised e-mail exactly one carries the
 * store's REAID for it and the others carry none. Returns the holder of each e-mail.
 */
async function holders(w: SyncWorld): Promise<Map<string, number>> {
  const groups = new Map<string, { profileId: number; reaid: unknown }[]>();
  for (const profile of w.sandbox.profiles("acme", "acme", "16")) {
    const email = profile.attributes.emailAddress;
    if (typeof email !== "string") continue;
    const key = normaliseEmail(email);
    groups.set(key, [
      ...(groups.get(key) ?? []),
      { profileId: profile.profileId, reaid: profile.attributes.reaid ?? null },
    ]);
  }
  const result = new Map<string, number>();
  for (const [email, profiles] of groups) {
    const reaid = await w.store.getReaid("1042", email);
    const carrying = profiles.filter((p) => p.reaid !== null);
    if (carrying.length !== 1 || carrying[0]?.reaid !== reaid) {
      throw new Error(
        `${email}: ${carrying.length} profiles carry a REAID, expected exactly one with the store's`,
      );
    }
    result.set(email, carrying[0]!.profileId);
  }
  return result;
}

/** Adds a profile by its unique member number, as another tool would. */
async function addMember(w: SyncWorld, memberNumber: string, email: string): Promise<void> {
  const headers = { "x-emi-endpoint": "api3" };
  const auth = await request(`${w.sandbox.url}/auth/token`, {
    headers: { ...headers, authorization: apiKey },
  });
  const { accessToken } = (await auth.body.json()) as { accessToken: string };
  const res = await request(`${w.sandbox.url}/profiles/v5/entities/acme/profile-tables/16/profiles`, {
    method: "PUT",
    headers: { ...headers, authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ key: { memberNumber }, attributes: { emailAddress: email } }),
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`upsert answered ${res.statusCode}`);
}

const note = (n: number) =>
  `${n} ${n === 1 ? "profile shares" : "profiles share"} an e-mail with another profile: only one of each can carry the REAID`;

describe("runSync with profiles sharing an e-mail", () => {
  it("gives each e-mail's REAID to its lowest profileId and sends nothing for the others when duplicates sit on other pages", async () => {
    // user-1 … user-50 on pages 1–5 (10 a page); the duplicates come on page 6, one of them twice
    // and once in capitals, and a pair that only exists on page 6.
    world = await syncWorld(
      duplicateSeed(50, [
        { emailAddress: "user-3@acme.example" },
        { emailAddress: "USER-7@acme.example" },
        { emailAddress: "user-7@acme.example" },
        { emailAddress: "user-20@acme.example" },
        { emailAddress: "pair@acme.example" },
        { emailAddress: "pair@acme.example" },
      ]),
    );
    const { sent, connect } = recorder(world);
    // A threshold of 1 row sends everything by mass import.
    const { result, events } = await sync(world, connect, { patchThreshold: 1 });
    expect(result).toMatchObject({ health: "in sync", reason: note(5), failed: false });
    expect(result.counts).toEqual({ seen: 56, written: 51, skipped: 5, rejected: 0, duplicates: 5 });
    expect(events.find((e) => e.type === "reaids-ready")).toMatchObject({ toWrite: 51, duplicates: 5 });
    const owners = await holders(world);
    expect(owners.get("user-3@acme.example")).toBe(3);
    expect(owners.get("user-7@acme.example")).toBe(7);
    expect(owners.get("user-20@acme.example")).toBe(20);
    expect(owners.get("pair@acme.example")).toBe(55);
    // Never sent for a duplicate: one row per e-mail reached Actito, and Actito refused none.
    expect(sent).toHaveLength(51);
    expect(sent).not.toEqual(expect.arrayContaining(["51", "52", "53", "54", "56"]));
    expect(world.sandbox.stats().tables["acme/16"]?.rowsRejected).toBe(0);
    expect(JSON.stringify(events)).not.toContain(apiKey);
    expect(await world.store.listRejections(1042)).toEqual([]);
    const entry = await world.store.findByAccount(1042);
    expect(entry?.sync).toMatchObject({
      health: "in sync",
      reason: note(5),
      counts: { skipped: 5, rejected: 0 },
    });
  });

  it("keeps each REAID where it is across runs when duplicates arrive later, and never flips it", async () => {
    // Actito's clock, moved on between runs: its Date header counts whole seconds, so a run that
    // starts in the same second as the changes before it reads them again (safe, but not this test).
    let ahead = 0;
    world = await syncWorld(duplicateSeed(30, [{ emailAddress: "user-12@acme.example" }]), undefined, {
      now: () => Date.now() + ahead,
    });
    const { sent, connect } = recorder(world);
    const first = await sync(world, connect);
    expect(first.result).toMatchObject({
      health: "in sync",
      reason: note(1),
    });
    const before = await holders(world);
    expect(before.get("user-12@acme.example")).toBe(12);

    // Run 2 reads what run 1 wrote (its watermark is run 1's start), so it sees the holders; profile
    // 31, a duplicate run 1 left alone, did not change and is not read again.
    await addMember(world, "M-1", "user-2@acme.example");
    await addMember(world, "M-2", "new-1@acme.example");
    ahead += 2000;
    const second = await sync(world, connect);
    expect(second.result).toMatchObject({ health: "in sync", reason: note(1) });
    expect(second.result.counts).toMatchObject({ written: 1, rejected: 0, duplicates: 1 });

    // Run 3 reads only what changed since run 2: the holders are not on its pages, so the duplicate
    // is written by PATCH, Actito refuses it (the REAID is unique), and the sync recognises why.
    sent.length = 0;
    await addMember(world, "M-3", "User-25@acme.example");
    ahead += 2000;
    const third = await sync(world, connect);
    expect(third.result).toMatchObject({ health: "in sync", failed: false });
    expect(third.result.counts).toMatchObject({ written: 0, rejected: 0, duplicates: 1 });
    expect(sent).toEqual(["34"]);
    expect(third.events.find((e) => e.type === "rows-patched")).toMatchObject({ written: 0, total: 1 });
    expect(await world.store.listRejections(1042)).toEqual([]);

    // A full run finds the same owners and writes nothing: no REAID ever moved.
    sent.length = 0;
    const fourth = await sync(world, connect, { full: true });
    expect(fourth.result).toMatchObject({ health: "in sync", reason: note(3) });
    expect(fourth.result.counts).toMatchObject({ seen: 34, written: 0, rejected: 0, duplicates: 3 });
    expect(sent).toEqual([]);
    const after = await holders(world);
    for (const [email, owner] of before) expect(after.get(email)).toBe(owner);
    expect(after.get("new-1@acme.example")).toBe(33);
  });

  it("leaves the REAID on a profile with a higher profileId that already holds it", async () => {
    world = await syncWorld(duplicateSeed(20, [{ emailAddress: "user-4@acme.example" }]));
    // Profile 21 was given user-4's REAID before (by an earlier run, or by hand).
    const reaid = (await world.store.getOrCreateReaids("1042", ["user-4@acme.example"])).get(
      "user-4@acme.example",
    )!;
    const api = world.connect({ endpoint: "api3", apiKey });
    await api.patchProfile("acme", "16", "21", { reaid });
    await api.close();
    const { connect } = recorder(world);
    const { result } = await sync(world, connect, { full: true });
    expect(result).toMatchObject({ health: "in sync", failed: false });
    expect(result.counts).toMatchObject({ rejected: 0, duplicates: 1 });
    expect((await holders(world)).get("user-4@acme.example")).toBe(21);
    expect(await world.store.listRejections(1042)).toEqual([]);
  });

  it("settles duplicates an earlier version recorded as rejected three times instead of reporting them", async () => {
    world = await syncWorld(duplicateSeed(20, [{ emailAddress: "user-2@acme.example" }]));
    const { connect } = recorder(world);
    await sync(world, connect);
    for (let i = 0; i < 3; i++) {
      await world.store.recordRejections(1042, [
        { key: "21", reason: "unique attribute reaid already has this value on profile 2" },
      ]);
    }
    const { result } = await sync(world, connect);
    expect(result).toMatchObject({ health: "in sync", failed: false });
    expect(result.counts).toMatchObject({ rejected: 0, duplicates: 1 });
    expect(await world.store.listRejections(1042)).toEqual([]);
    expect((await holders(world)).get("user-2@acme.example")).toBe(2);
  });
});
