import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { createWorld, nordlysYaml, type World } from "../e2e/e2e-harness.ts";
import { describePostgres } from "../requirements.ts";
import { postgresHarness, type StoreHarness } from "../store/store-harness.ts";
import { type ServeProcess, spawnServe } from "./spawn-serve.ts";

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in assertions.
type Json = any;

const lumenYaml = (sisters: number[]) => `account: 1071
provider: actito
actito:
  endpoint: api3
  entity: lumen
  email: crm@lumen.example
  apiKey: { secretRef: env:ACTITO_KEY_LUMEN }
sisterAccounts: [${sisters.join(", ")}]
`;

/**
 * Issue 25's critical case, with a real `emi serve` over HTTP: a service key made for sister account
 * 1043 under nordlys (1042) must neither read nor create anything once 1043 moves to lumen (1071, on
 * another Actito licence), and must not come back when 1043 returns.
 */
function describeKeyMove(label: string, harness: () => StoreHarness | null) {
  describe(`a moved account's service keys (${label})`, () => {
    let world: World | undefined;
    let serve: ServeProcess | undefined;
    let store: StoreHarness | null = null;
    afterEach(async () => {
      await serve?.stop();
      await world?.close();
      await store?.cleanup();
    });

    it("stop working at the move, on every route, and never come back", async () => {
      world = await createWorld();
      store = harness();
      if (store) {
        const url = await store.freshUrl();
        world.env.EMI_STORE = url;
        (world as { storeUrl: string }).storeUrl = url;
        const run = world.run.bind(world);
        world.run = (args, options) => run([...args, "--store", url], options);
      }
      const w = world;
      const cli = async (...args: string[]) => {
        const result = await w.run(args);
        expect(result.code, result.err).toBe(0);
        return result.out;
      };
      await cli("apply", "--yes");
      const key = async (account: number, scope = "lookup") =>
        (await cli("api-key", "create", "--account", String(account), "--scope", scope)).trim();
      const sisterKey = await key(1043);
      const ownerKey = await key(1042, "reaid");
      const lumenKey = await key(1071);
      serve = await spawnServe(w);
      const url = serve.url;
      const call = async (path: string, key: string, body?: unknown) => {
        const response = await fetch(`${url}${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, json: JSON.parse(text) as Json };
      };
      const getOrCreate = (key: string, email: string) =>
        call("/GetOrCreate", key, { emailAddresses: [email] });
      const lookup = (key: string, reaId: string) => call(`/reaids/${reaId}`, key);

      // Before the move: 1043 shares nordlys's namespace and sees nothing of lumen's.
      const nordlysReaid = (await getOrCreate(sisterKey, "nordlys-person@example.com")).json.results[0].reaId;
      expect((await getOrCreate(ownerKey, "nordlys-person@example.com")).json.results[0].reaId).toBe(
        nordlysReaid,
      );
      const lumenReaid = (await getOrCreate(lumenKey, "lumen-person@example.com")).json.results[0].reaId;
      expect((await lookup(sisterKey, nordlysReaid)).status).toBe(200);
      expect((await lookup(sisterKey, lumenReaid)).status).toBe(404);

      // The move, as a merged pull request does it: plan says which keys stop working, apply does it.
      await w.write("integrations/1042.yaml", nordlysYaml([]));
      await w.write("integrations/1071.yaml", lumenYaml([1072, 1073, 1043]));
      const planned = await w.run(["plan"]);
      expect(planned.out).toContain("1 service key of account 1043 stops working: it moves to 1071");
      const json = JSON.parse((await w.run(["plan", "--format", "json"])).out);
      const release = json.changes.find((c: Json) => c.account === 1042);
      expect(release.serviceKeys).toEqual([{ account: 1043, keys: 1, movesTo: 1071, deactivated: false }]);
      const markdown = await w.run(["plan", "--format", "markdown"]);
      expect(markdown.out).toContain(
        "Service keys: 1 service key of account 1043 stops working: it moves to 1071",
      );
      expect(await cli("apply", "--yes")).toContain("1 service key revoked");

      // After: the same serve process, no restart. The old key is an unknown key everywhere.
      const counts = async () => {
        const opened = await openStore(w.storeUrl);
        try {
          return [await opened.countReaids("1042"), await opened.countReaids("1071")];
        } finally {
          await opened.close();
        }
      };
      const before = await counts();
      const unknown = await getOrCreate("emik_nothing-like-a-real-key", "x@example.com");
      expect(unknown.status).toBe(401);
      for (const answer of [
        await getOrCreate(sisterKey, "lumen-person@example.com"),
        await getOrCreate(sisterKey, "brand-new@example.com"),
        await lookup(sisterKey, lumenReaid),
        await lookup(sisterKey, nordlysReaid),
      ]) {
        expect(answer).toEqual(unknown);
      }
      // Nothing was created in either namespace.
      expect(await counts()).toEqual(before);
      // Keys of the accounts that stayed keep working.
      // The lookup answers the REAID's integration, never an address (the store keeps none).
      expect((await lookup(lumenKey, lumenReaid)).json).toEqual({
        reaId: lumenReaid,
        exists: true,
        integration: 1071,
      });
      expect((await getOrCreate(ownerKey, "nordlys-person@example.com")).json.results[0].reaId).toBe(
        nordlysReaid,
      );
      // A key made for 1043 now belongs to lumen, and only to lumen.
      const movedKey = await key(1043);
      expect((await getOrCreate(movedKey, "lumen-person@example.com")).json.results[0].reaId).toBe(
        lumenReaid,
      );
      expect((await lookup(movedKey, nordlysReaid)).status).toBe(404);

      const listed = JSON.parse(await cli("api-key", "list", "--format", "json")).keys as Json[];
      const state = (id: string) => listed.find((k) => k.id === id);
      const ids = listed.map((k) => [k.account, k.integrationOwner, k.state]);
      expect(ids).toEqual([
        [1043, 1042, "revoked"],
        [1042, 1042, "active"],
        [1071, 1071, "active"],
        [1043, 1071, "active"],
      ]);
      expect(state(listed[0].id).revokedAt).not.toBeNull();
      const text = await cli("api-key", "list");
      expect(text).toMatch(/1043\s+1042 \(int_[0-9a-f]{16}\).*revoked/);

      // 1043 returns to nordlys: its first key stays dead, and the lumen one dies.
      await w.write("integrations/1042.yaml", nordlysYaml([1043]));
      await w.write("integrations/1071.yaml", lumenYaml([1072, 1073]));
      expect((await w.run(["plan"])).out).toContain(
        "1 service key of account 1043 stops working: it moves to 1042",
      );
      await cli("apply", "--yes");
      expect(await getOrCreate(sisterKey, "nordlys-person@example.com")).toEqual(unknown);
      expect(await getOrCreate(movedKey, "lumen-person@example.com")).toEqual(unknown);
      expect(await lookup(movedKey, lumenReaid)).toEqual(unknown);

      // Deactivating an integration ends its keys too.
      await w.remove("integrations/1071.yaml");
      expect((await w.run(["plan", "--allow-deactivate"])).out).toContain(
        "1 service key of account 1071 stops working: its integration is deactivated",
      );
      await cli("apply", "--yes", "--allow-deactivate");
      expect(await lookup(lumenKey, lumenReaid)).toEqual(unknown);
      for (const text of [serve.output().out, serve.output().err]) {
        for (const secret of [sisterKey, ownerKey, lumenKey, movedKey]) expect(text).not.toContain(secret);
        expect(text).not.toContain("person@example.com");
      }
    });
  });
}

// SQLite: the world's own store file (null: no harness to clean up).
describeKeyMove("SQLite", () => null);
describePostgres("a moved account's service keys on PostgreSQL", (base) =>
  describeKeyMove("PostgreSQL", () => postgresHarness(base)),
);
