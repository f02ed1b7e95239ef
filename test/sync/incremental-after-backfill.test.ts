import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { ConnectActito } from "../../src/actito/connect-actito.ts";
import type { ActitoApi } from "../../src/actito/types.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import {
  addProfiles,
  apiKey,
  assertExact,
  integration,
  type SyncWorld,
  syncSeed,
  syncWorld,
} from "./sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

// Actito's clock: its own date, moving with real time. emi's host runs 10 minutes ahead of it.
const realStart = Date.now();
const actitoClock = () => Date.parse("2030-03-01T09:00:00Z") + (Date.now() - realStart);
const hostClockAhead = () => new Date(actitoClock() + 10 * 60_000);

function sync(w: SyncWorld, options: { full?: boolean; connect?: ConnectActito } = {}) {
  return runSync({
    store: w.store,
    integrations: [integration()],
    secrets: { env: w.env, cwd: w.dir },
    connect: options.connect ?? w.connect,
    pollMs: 20,
    // Pages of 100, so the page count tells the rows apart.
    limits: { pageSize: 100 },
    now: hostClockAhead,
    ...(options.full ? { full: true } : {}),
  });
}

const pagesListed = (w: SyncWorld) => w.sandbox.stats().tables["acme/16"]?.pagesListed ?? 0;

async function patchEmail(w: SyncWorld, from: string, to: string): Promise<void> {
  const headers = { "x-emi-endpoint": "api3" };
  const auth = await request(`${w.sandbox.url}/auth/token`, {
    headers: { ...headers, authorization: apiKey },
  });
  const { accessToken } = (await auth.body.json()) as { accessToken: string };
  const res = await request(
    `${w.sandbox.url}/profiles/v5/entities/acme/profile-tables/16/profiles/emailAddress=${from}`,
    {
      method: "PATCH",
      headers: { ...headers, authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ attributes: { emailAddress: to } }),
    },
  );
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`PATCH answered ${res.statusCode}`);
}

describe("the incremental sync after a back-fill", () => {
  it("lists only the new profiles' pages, with this machine's clock 10 minutes ahead of Actito's", async () => {
    world = await syncWorld(syncSeed({ generate: 5000 }), integration(), { now: actitoClock });
    const [backfill] = await sync(world);
    expect(backfill).toMatchObject({ health: "in sync", counts: { written: 5000 } });
    expect(world.sandbox.stats().tables["acme/16"]?.importsSubmitted).toBe(1);

    // Sign-ups made after the back-fill, within the 10 minutes a watermark on this host's clock skips.
    const before = pagesListed(world);
    await addProfiles(
      world,
      Array.from({ length: 30 }, (_, i) => `signup-${i}@acme.example`),
    );
    const [next] = await sync(world);
    expect(next).toMatchObject({ health: "in sync", counts: { seen: 30, written: 30 } });
    // 30 rows: one page of 100, where a re-read of the back-fill's rows would list 51.
    expect(pagesListed(world) - before).toBe(1);
    expect(await assertExact(world)).toEqual({ checked: 5030 });

    // Steady state: nothing changed, one (empty) page.
    const quiet = pagesListed(world);
    const [idle] = await sync(world);
    expect(idle).toMatchObject({ health: "in sync", counts: { written: 0 } });
    expect(pagesListed(world) - quiet).toBeLessThanOrEqual(1);
  }, 60_000);

  it("leaves a profile someone else changed between the listing and the import's end to the next full read", async () => {
    world = await syncWorld(syncSeed({ generate: 500 }), integration(), { now: actitoClock });
    const w = world;
    // Another tool changes profile 7's e-mail after emi's listing read it, before the import is posted.
    const changingDuringImport: ConnectActito = (options) => {
      const api = w.connect(options);
      return new Proxy(api, {
        get(target, prop) {
          if (prop === "startMassImport") {
            return async (...args: Parameters<ActitoApi["startMassImport"]>) => {
              const [entity, definition, csv] = args;
              async function* thenChange() {
                for await (const chunk of csv as AsyncIterable<string>) yield chunk;
                await patchEmail(w, "user-7@acme.example", "changed-7@acme.example");
              }
              return target.startMassImport(entity, definition, thenChange());
            };
          }
          const value = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    const [backfill] = await sync(world, { connect: changingDuringImport });
    // The import's row for user-7 found no profile: Actito rejected it.
    expect(backfill?.reason).toContain("1 profile(s) rejected");

    // The next incremental run reads from the import's end: profile 7 changed before it.
    const [incremental] = await sync(world);
    expect(incremental?.counts.written).toBe(0);
    const seven = [...world.sandbox.profiles("acme", "acme", "16")].find((p) => p.profileId === 7);
    expect(seven?.attributes).toMatchObject({ emailAddress: "changed-7@acme.example", reaid: null });

    // The full read (`--full-every`, daily by default) finds it.
    const [full] = await sync(world, { full: true });
    expect(full).toMatchObject({ health: "in sync", counts: { written: 1 } });
    expect(await assertExact(world)).toEqual({ checked: 500 });
  }, 60_000);
});
