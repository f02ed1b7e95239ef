import { afterAll, afterEach, expect, it } from "vitest";
import { describeWith, postgres } from "../requirements.ts";
import { postgresHarness } from "../store/store-harness.ts";
import { login, raw } from "../sandbox/raw-http.ts";
import { createServeWorld, type ServeWorld } from "./serve-harness.ts";

const postgresUrl = process.env.EMI_TEST_POSTGRES_URL;
const harness = postgresUrl ? postgresHarness(postgresUrl) : null;
afterAll(() => harness?.cleanup());

const stores: { label: string; url: () => Promise<string | undefined>; needs: (typeof postgres)[] }[] = [
  { label: "SQLite", url: async () => undefined, needs: [] },
  { label: "PostgreSQL", url: () => harness!.freshUrl(), needs: [postgres] },
];

for (const { label, url, needs } of stores) {
  describeWith(needs, `emi serve on ${label}`, () => {
    let w: ServeWorld;
    afterEach(async () => {
      await w?.close();
    });
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

    it("gives an address asked for before its profile exists the REAID the sync then writes, and emi reaid get shows", async () => {
      const storeUrl = await url();
      w = await createServeWorld(storeUrl ? { storeUrl } : {});
      const key = await w.createKey(1043);
      const early = await w.post(
        "/GetOrCreate",
        { emailAddresses: ["Early.Bird@Nordlys.example", "early.bird@nordlys.example", "nope"] },
        bearer(key),
      );
      expect(early.status).toBe(200);
      const [first, second] = early.json.results;
      expect(first).toMatchObject({ emailAddress: "Early.Bird@Nordlys.example" });
      expect(second.reaId).toBe(first.reaId);

      const headers = await login(w.world.sandbox.url, "sandbox-key-nordlys", "api3");
      const created = await raw(
        `${w.world.sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles`,
        {
          method: "PUT",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ key: { emailAddress: "early.bird@nordlys.example" }, attributes: {} }),
        },
      );
      expect(created.status).toBe(201);
      const sync = await w.world.run(["sync", "--account", "1042"]);
      expect(sync.code, sync.err).toBe(0);
      const profile = [...w.world.sandbox.profiles("nordlys", "nordlys", "16")].find(
        (p) => p.profileId === created.json.profileId,
      );
      expect(profile?.attributes.reaid).toBe(first.reaId);
      const get = await w.world.run(["reaid", "get", "EARLY.BIRD@nordlys.example", "--account", "1042"]);
      expect(get.out.trim()).toBe(first.reaId);
    });

    it("follows Raptor's contract: 1,001 addresses, revoked keys, another namespace's REAID", async () => {
      const storeUrl = await url();
      w = await createServeWorld(storeUrl ? { storeUrl } : {});
      const key = await w.createKey(1042, ["--scope", "lookup"]);
      const other = await w.createKey(1050, ["--scope", "lookup"]);
      const many = Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`);
      expect((await w.post("/GetOrCreate", { emailAddresses: many }, bearer(key))).status).toBe(400);
      const thousand = await w.post("/GetOrCreate", { emailAddresses: many.slice(0, 1000) }, bearer(key));
      expect(thousand.status).toBe(200);
      expect(new Set(thousand.json.results.map((r: { reaId: string }) => r.reaId)).size).toBe(1000);
      const reaId = thousand.json.results[0].reaId;
      expect((await w.get(`/reaids/${reaId}`, bearer(key))).json).toEqual({
        reaId,
        emailAddress: "u0@example.com",
      });
      expect((await w.get(`/reaids/${reaId}`, bearer(other))).status).toBe(404);
      const { keys } = JSON.parse((await w.world.run(["api-key", "list", "--format", "json"])).out);
      await w.world.run(["api-key", "revoke", keys[0].id]);
      expect((await w.post("/GetOrCreate", { emailAddresses: ["a@b.example"] }, bearer(key))).status).toBe(
        401,
      );
      expect(w.logs.join("\n")).not.toMatch(/u0@example|emik_/);
    });
  });
}
