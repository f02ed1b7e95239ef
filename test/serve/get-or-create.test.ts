import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServeWorld, type ServeWorld } from "./serve-harness.ts";

let w: ServeWorld;
beforeEach(async () => {
  w = await createServeWorld();
});
afterEach(async () => {
  await w.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe("POST /GetOrCreate (Raptor's contract) over real HTTP", () => {
  it("answers one result per valid address in request order, as sent, and ignores invalid ones", async () => {
    const key = await w.createKey(1042, ["--name", "shop-backend"]);
    expect(key).toMatch(/^emik_[A-Za-z0-9_-]{32}$/);
    const { status, json } = await w.post(
      "/GetOrCreate",
      {
        emailAddresses: [
          "Anna@Example.com",
          "not-an-address",
          "bo@example.com",
          "anna@example.com",
          42,
          null,
        ],
      },
      bearer(key),
    );
    expect(status).toBe(200);
    expect(json.results.map((r: { emailAddress: string }) => r.emailAddress)).toEqual([
      "Anna@Example.com",
      "bo@example.com",
      "anna@example.com",
    ]);
    const [anna, bo, annaAgain] = json.results.map((r: { reaId: string }) => r.reaId);
    expect(anna).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(annaAgain).toBe(anna);
    expect(bo).not.toBe(anna);
    // Asked again: the same REAIDs, never new ones.
    const again = await w.post("/GetOrCreate", { emailAddresses: ["ANNA@example.COM"] }, bearer(key));
    expect(again.json.results[0].reaId).toBe(anna);
  });

  it("answers 400 when no address is valid, when the body has no list, and past 1,000 valid addresses", async () => {
    const key = await w.createKey(1042);
    expect((await w.post("/GetOrCreate", { emailAddresses: ["nope", "", 3] }, bearer(key))).status).toBe(400);
    expect((await w.post("/GetOrCreate", { emailAddresses: [] }, bearer(key))).status).toBe(400);
    expect((await w.post("/GetOrCreate", { addresses: ["a@b.example"] }, bearer(key))).status).toBe(400);
    expect((await w.post("/GetOrCreate", "{not json", bearer(key))).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => `p${i}@example.com`);
    const tooMany = await w.post("/GetOrCreate", { emailAddresses: many }, bearer(key));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error).toContain("1000");
    // 1,000 valid plus invalid ones is fine.
    const ok = await w.post(
      "/GetOrCreate",
      { emailAddresses: [...many.slice(0, 1000), "x", "y"] },
      bearer(key),
    );
    expect(ok.status).toBe(200);
    expect(ok.json.results).toHaveLength(1000);
  });

  it("answers 401 without a key, with an unknown key and with a revoked key", async () => {
    const body = { emailAddresses: ["a@b.example"] };
    expect((await w.post("/GetOrCreate", body)).status).toBe(401);
    expect((await w.post("/GetOrCreate", body, { authorization: "Basic abc" })).status).toBe(401);
    expect((await w.post("/GetOrCreate", body, bearer("emik_doesnotexist"))).status).toBe(401);
    const key = await w.createKey(1042);
    expect((await w.post("/GetOrCreate", body, bearer(key))).status).toBe(200);
    const list = await w.world.run(["api-key", "list", "--format", "json"]);
    const [{ id }] = JSON.parse(list.out).keys;
    const revoked = await w.world.run(["api-key", "revoke", id]);
    expect(revoked.code).toBe(0);
    expect((await w.post("/GetOrCreate", body, bearer(key))).status).toBe(401);
  });

  it("answers 401 before reading the body and 413 past 1 MiB for a good key", async () => {
    const big = JSON.stringify({ emailAddresses: ["a@b.example"], pad: "x".repeat(1024 * 1024) });
    expect((await w.post("/GetOrCreate", big)).status).toBe(401);
    const key = await w.createKey(1042);
    expect((await w.post("/GetOrCreate", big, bearer(key))).status).toBe(413);
  });

  it("answers 403 when the key's integration failed its activation, 401 for good once it is deactivated", async () => {
    const key = await w.createKey(1042);
    const body = { emailAddresses: ["a@b.example"] };
    await w.world.withStore((s) => s.setStatus(1042, "failed"));
    expect((await w.post("/GetOrCreate", body, bearer(key))).status).toBe(403);
    await w.world.withStore((s) => s.setStatus(1042, "deactivated"));
    const refused = await w.post("/GetOrCreate", body, bearer(key));
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual((await w.post("/GetOrCreate", body, bearer("emik_unknown"))).json);
    await w.world.withStore((s) => s.setStatus(1042, "active"));
    expect((await w.post("/GetOrCreate", body, bearer(key))).status).toBe(401);
  });

  it("gives a sister account's key the owner's namespace and another integration's key another one", async () => {
    const owner = await w.createKey(1042);
    const sister = await w.createKey(1043);
    const other = await w.createKey(1050);
    const ask = async (key: string) =>
      (await w.post("/GetOrCreate", { emailAddresses: ["same@example.com"] }, bearer(key))).json.results[0]
        .reaId;
    const fromOwner = await ask(owner);
    expect(await ask(sister)).toBe(fromOwner);
    expect(await ask(other)).not.toBe(fromOwner);
  });

  it("answers 429 with Retry-After past the key's rate, per key", async () => {
    await w.serve.close();
    w = await (async () => {
      const fresh = await createServeWorld({ serve: { rateLimitPerMinute: 2 } });
      await w.world.close();
      return fresh;
    })();
    const key = await w.createKey(1042);
    const other = await w.createKey(1042);
    const body = { emailAddresses: ["a@b.example"] };
    expect((await w.post("/GetOrCreate", body, bearer(key))).status).toBe(200);
    expect((await w.post("/GetOrCreate", body, bearer(key))).status).toBe(200);
    const limited = await w.post("/GetOrCreate", body, bearer(key));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await w.post("/GetOrCreate", body, bearer(other))).status).toBe(200);
  });
});
