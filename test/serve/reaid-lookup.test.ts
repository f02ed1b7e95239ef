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

describe("GET /reaids/{reaId}", () => {
  it("answers a lookup key with the integration of a REAID of its own namespace and no address, 404 for another namespace's", async () => {
    const writer = await w.createKey(1042);
    const lookup = await w.createKey(1043, ["--scope", "lookup"]);
    const otherLookup = await w.createKey(1050, ["--scope", "lookup"]);
    const created = await w.post("/GetOrCreate", { emailAddresses: ["Look.Up@Example.com"] }, bearer(writer));
    const reaId = created.json.results[0].reaId as string;

    const found = await w.get(`/reaids/${reaId}`, bearer(lookup));
    expect(found.status).toBe(200);
    expect(found.json).toEqual({ reaId, exists: true, integration: 1042 });
    expect(found.text.toLowerCase()).not.toContain("look.up");

    const elsewhere = await w.get(`/reaids/${reaId}`, bearer(otherLookup));
    const unknown = await w.get("/reaids/AAAAAAAAAAAAAAAAAAAAAA", bearer(otherLookup));
    expect(elsewhere.status).toBe(404);
    // Another namespace's REAID and a REAID that exists nowhere are answered alike.
    expect(elsewhere.text).toBe(unknown.text);
  });

  it("answers 404 to a key without the lookup scope, 401 to no key", async () => {
    const writer = await w.createKey(1042);
    const created = await w.post("/GetOrCreate", { emailAddresses: ["a@example.com"] }, bearer(writer));
    const reaId = created.json.results[0].reaId as string;
    expect((await w.get(`/reaids/${reaId}`, bearer(writer))).status).toBe(404);
    expect((await w.get(`/reaids/${reaId}`)).status).toBe(401);
  });
});

describe("emi api-key", () => {
  it("lists keys without the key or its hash, and refuses an account without an integration", async () => {
    const key = await w.createKey(1042, ["--name", "shop-backend"]);
    const json = await w.world.run(["api-key", "list", "--format", "json"]);
    expect(json.code).toBe(0);
    const [listed] = JSON.parse(json.out).keys;
    expect(listed).toMatchObject({
      account: 1042,
      integrationOwner: 1042,
      name: "shop-backend",
      scope: "reaid",
      revokedAt: null,
      state: "active",
    });
    expect(listed.integrationId).toMatch(/^int_[0-9a-f]{16}$/);
    expect(Object.keys(listed).sort()).toEqual(
      [
        "account",
        "createdAt",
        "id",
        "integrationId",
        "integrationOwner",
        "lastUsedAt",
        "name",
        "revokedAt",
        "scope",
        "state",
      ].sort(),
    );
    await w.post("/GetOrCreate", { emailAddresses: ["a@example.com"] }, bearer(key));
    const text = await w.world.run(["api-key", "list"]);
    expect(text.out).toContain("shop-backend");
    expect(text.out).not.toContain("never");
    const missing = await w.world.run(["api-key", "create", "--account", "9999"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("account 9999 has no integration");
    const unknown = await w.world.run(["api-key", "revoke", "key_nope"]);
    expect(unknown.code).toBe(1);
    // Printed once, by create; never by list, revoke, serve's answers or its logs.
    expect(w.world.outputs.join("\n").split(key).length - 1).toBe(1);
    expect(w.logs.join("\n")).not.toContain(key);
  });
});

describe("emi serve flags", () => {
  it("says the port is in use instead of failing with a stack", async () => {
    const { createServer } = await import("node:net");
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    const run = await w.world.run(["serve", "--port", String(port)]);
    busy.close();
    expect(run.code).toBe(1);
    expect(run.err).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    expect(run.err).not.toContain("this is a bug");
  });
});

describe("emi api-key without a store", () => {
  it("says there is no store and creates none", async () => {
    const { mkdtemp, readdir, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { main } = await import("../../src/cli/main.ts");
    const { captureIO } = await import("../cli/capture-io.ts");
    const dir = await mkdtemp(join(tmpdir(), "emi-nostore-"));
    for (const args of [["list"], ["create", "--account", "1042"], ["revoke", "key_x"]]) {
      const io = captureIO(dir);
      const code = await main(["node", "emi", "api-key", ...args, "--store", "sqlite:.emi/state.db"], io);
      expect(code).toBe(1);
      expect(io.err()).toMatch(/no store/i);
    }
    expect(await readdir(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
});
