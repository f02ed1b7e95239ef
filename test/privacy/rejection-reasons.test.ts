import { afterEach, describe, expect, it } from "vitest";
import type { ConnectActito } from "../../src/actito/connect-actito.ts";
import { ActitoApiError } from "../../src/actito/errors.ts";
import type { ActitoApi } from "../../src/actito/types.ts";
import { shortHash } from "../../src/store/address-hasher.ts";
import { withoutAddresses } from "../../src/store/without-addresses.ts";
import { runSync } from "../../src/sync/run-sync.ts";
import { integration, type SyncWorld, syncSeed, syncWorld } from "../sync/sync-fixture.ts";

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("rejections keep no address", () => {
  it("replaces an address in free text by its hash's short form, or <address> without a key", () => {
    expect(withoutAddresses("bad value Jo.Doe@Example.com, twice", (a) => `HASH-OF-${a.toLowerCase()}`)).toBe(
      "bad value <address HASH-OF-jo>, twice",
    );
    expect(withoutAddresses("bad value jo@example.com", null)).toBe("bad value <address>");
    expect(withoutAddresses("no address here", null)).toBe("no address here");
  });

  it("records a refused row by profileId with Actito's reason minus the address, and reports it so", async () => {
    world = await syncWorld(syncSeed({ generate: 20 }));
    const w = world;
    const refusing: ConnectActito = (options) => {
      const api = w.connect(options);
      return new Proxy(api, {
        get(target, prop) {
          if (prop === "patchProfile") {
            return async (...args: Parameters<ActitoApi["patchProfile"]>) => {
              if (args[2] === "emailAddress=user-5@acme.example") {
                throw new ActitoApiError({
                  method: "PATCH",
                  route: "profiles",
                  status: 400,
                  body: "value refused for user-5@acme.example",
                });
              }
              return target.patchProfile(...args);
            };
          }
          const value = Reflect.get(target, prop, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    const [result] = await runSync({
      store: w.store,
      integrations: [integration()],
      secrets: { env: w.env, cwd: w.dir },
      connect: refusing,
      pollMs: 20,
      full: true,
      patchThreshold: 1000,
    });
    const profile = [...w.sandbox.profiles("acme", "acme", "16")].find(
      (p) => p.attributes.emailAddress === "user-5@acme.example",
    )!;
    const short = shortHash(w.store.addressHash("user-5@acme.example")!);
    const rejections = await w.store.listRejections(1042);
    expect(rejections.map((r) => ({ key: r.key, reason: r.reason }))).toEqual([
      { key: String(profile.profileId), reason: `value refused for <address ${short}>` },
    ]);
    expect(result?.reason).toContain(`<address ${short}>`);
    expect(JSON.stringify(result)).not.toContain("user-5@");
    expect(JSON.stringify(await w.store.getCheckpoint(1042))).not.toContain("user-5@");
  });
});
