import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createWorld, KEYS, type World } from "./e2e-harness.ts";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** PATCHes nordlys profiles through Actito's API, as another tool would. */
async function patchNordlys(w: World, writes: { ref: string; attributes: Record<string, string | null> }[]) {
  const headers = { "x-emi-endpoint": "api3" };
  const auth = await request(`${w.sandbox.url}/auth/token`, {
    headers: { ...headers, authorization: KEYS.ACTITO_KEY_NORDLYS },
  });
  const { accessToken } = (await auth.body.json()) as { accessToken: string };
  for (const { ref, attributes } of writes) {
    const res = await request(
      `${w.sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles/${ref}`,
      {
        method: "PATCH",
        headers: { ...headers, authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ attributes }),
      },
    );
    await res.body.dump();
    if (res.statusCode >= 300) throw new Error(`PATCH ${ref} answered ${res.statusCode}`);
  }
}

function nordlys(w: World): Map<number, Record<string, unknown>> {
  const all = new Map<number, Record<string, unknown>>();
  for (const p of w.sandbox.profiles("nordlys", "nordlys", "16")) all.set(p.profileId, { ...p.attributes });
  return all;
}

async function expectExact(w: World): Promise<void> {
  const reaids = new Map<string, string>();
  await w.withStore(async (s) => {
    for await (const { emailHash, reaid } of s.exportReaids("1042")) reaids.set(emailHash, reaid);
    for (const [id, p] of nordlys(w)) {
      const hash = s.addressHash(String(p.emailAddress))!;
      expect({ id, reaid: p.reaid }).toEqual({ id, reaid: reaids.get(hash) });
    }
  });
}

function expectNoSecrets(w: World): void {
  for (const output of w.outputs) for (const key of Object.values(KEYS)) expect(output).not.toContain(key);
}

describe("emi sync exit codes and REAIDs that drift", () => {
  it("exits 1 and writes nothing over a value someone else put in the REAID attribute", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await patchNordlys(world, [{ ref: "7", attributes: { reaid: "written-by-another-tool" } }]);
    const before = nordlys(world);
    const sync = await world.run(["sync", "--full"]);
    expect(sync.code).toBe(1);
    expect(sync.out).toContain(
      "1042 needs attention: refused: attribute reaid holds 1 value emi did not write (e.g. profile 7)",
    );
    expect(sync.out).not.toMatch(/user-\d+@/);
    expect(nordlys(world)).toEqual(before);
    expectNoSecrets(world);
  });

  it("exits 0 and says so when another process holds the integration's licence lease", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    await world.withStore((s) =>
      s.acquireLock("licence:api3/nordlys", "emi@other-host:4107", "sync", 60_000),
    );
    const sync = await world.run(["sync", "--account", "1042"]);
    expect(sync.code).toBe(0);
    expect(sync.out).toContain("1042 skipped:");
    expect(sync.out).toContain("emi@other-host:4107");
    expect(sync.out).toContain("another process is syncing it");
  });

  it("converges within two syncs when two profiles swap e-mails, and drift reports them in between", async () => {
    world = await createWorld();
    expect((await world.run(["apply", "--yes"])).code).toBe(0);
    const before = nordlys(world);
    await patchNordlys(world, [
      { ref: "3", attributes: { emailAddress: "swap@nordlys.example" } },
      { ref: "4", attributes: { emailAddress: String(before.get(3)!.emailAddress) } },
      { ref: "3", attributes: { emailAddress: String(before.get(4)!.emailAddress) } },
    ]);
    const first = await world.run(["sync"]);
    expect(first.code).toBe(0);
    expect(first.out).toContain("2 profiles carry the REAID of another e-mail (e.g. profiles 3, 4)");
    const drift = await world.run(["drift"]);
    expect(drift.code).toBe(2);
    expect(drift.out).toContain("2 profiles carry the REAID of another e-mail");

    const second = await world.run(["sync"]);
    expect(second.code).toBe(0);
    await expectExact(world);
    const after = nordlys(world);
    expect(after.get(3)!.reaid).toBe(before.get(4)!.reaid);
    expect(after.get(4)!.reaid).toBe(before.get(3)!.reaid);
    expect((await world.run(["drift"])).code).toBe(0);
    expectNoSecrets(world);
  });
});
