import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import {
  ActitoApiError,
  ActitoUnavailableError,
  AuthError,
  ImportOutcomeUnknownError,
  RateLimitedError,
} from "../../src/actito/errors.ts";
import { createActitoClient } from "../../src/actito/create-actito-client.ts";
import { waitForMassImport } from "../../src/actito/wait-for-mass-import.ts";
import { API_KEY, ENTITIES, mockActito, ORIGIN, pathIs, replyToken } from "./mock-actito.ts";

const TABLES = "/profile-table-structure/v5/entities/acme/profile-tables";
const PROFILES = "/profiles/v5/entities/acme/profile-tables/16/profiles";
const IMPORTS = "/mass-imports/v5/entities/acme/etl-executions";
const reset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

let current: ReturnType<typeof mockActito> | undefined;
const setup = (...args: Parameters<typeof mockActito>) => {
  current = mockActito(...args);
  return current;
};
afterEach(async () => {
  current?.agent.assertNoPendingInterceptors();
  await current?.agent.close();
  current = undefined;
});

describe("ActitoClient tokens", () => {
  it("fetches a token with the raw key and sends it as a Bearer token", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    let seen: unknown;
    pool.intercept({ path: "/entities/v5/entities" }).reply(200, (opts) => {
      seen = opts.headers;
      return ENTITIES;
    });
    expect(await client.listEntities()).toEqual(ENTITIES.entities);
    expect(seen).toMatchObject({ authorization: "Bearer tok-1", accept: "application/json" });
    expect(seen).not.toHaveProperty("x-emi-endpoint");
  });

  it("reuses the cached token until shortly before it expires", async () => {
    const { pool, client, time } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({ path: "/entities/v5/entities", headers: { authorization: "Bearer tok-1" } })
      .reply(200, ENTITIES)
      .times(2);
    await client.listEntities();
    time.clock.t = 830_000;
    await client.listEntities();
    time.clock.t = 845_000;
    replyToken(pool, "tok-2");
    pool
      .intercept({ path: "/entities/v5/entities", headers: { authorization: "Bearer tok-2" } })
      .reply(200, ENTITIES);
    await client.listEntities();
  });

  it("shares one token fetch among callers that need a token at the same time", async () => {
    const { pool, client, logs } = setup({ maxConcurrent: 10 });
    replyToken(pool, "tok-1", { delayMs: 30 });
    pool
      .intercept({ path: "/entities/v5/entities", headers: { authorization: "Bearer tok-1" } })
      .reply(200, ENTITIES)
      .times(6);
    await Promise.all(Array.from({ length: 6 }, () => client.listEntities()));
    expect(logs.filter((e) => e.type === "token")).toEqual([
      { type: "token", reason: "first", expiresInMs: 900_000 },
    ]);
  });

  it("fetches a new token once and repeats the call once when Actito answers 401", async () => {
    const { pool, client, logs } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({ path: "/entities/v5/entities", headers: { authorization: "Bearer tok-1" } })
      .reply(401, "expired");
    replyToken(pool, "tok-2");
    pool
      .intercept({ path: "/entities/v5/entities", headers: { authorization: "Bearer tok-2" } })
      .reply(200, ENTITIES);
    expect(await client.listEntities()).toHaveLength(1);
    expect(logs.filter((e) => e.type === "token").map((e) => e.type === "token" && e.reason)).toEqual([
      "first",
      "rejected",
    ]);
  });

  it("throws AuthError when the fresh token is refused too", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    replyToken(pool, "tok-2");
    pool.intercept({ path: "/entities/v5/entities" }).reply(401, "no").times(2);
    await expect(client.listEntities()).rejects.toBeInstanceOf(AuthError);
  });

  it("throws AuthError without retrying when the key is refused", async () => {
    const { pool, client } = setup();
    pool.intercept({ path: "/auth/token" }).reply(401, { error: "invalid key" });
    const error = await client.checkAuth().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 401, route: "/auth/token" });
    expect(String(error)).not.toContain(API_KEY);
  });

  it("reads a token life given as a bare number of seconds", async () => {
    const { pool, client, logs } = setup();
    replyToken(pool, "tok-1", { expiresIn: "60" });
    await client.checkAuth();
    expect(logs).toContainEqual({ type: "token", reason: "first", expiresInMs: 60_000 });
  });
});

describe("ActitoClient base URL", () => {
  it("sends every endpoint to EMI_ACTITO_URL with the endpoint in X-Emi-Endpoint", async () => {
    const { agent, client } = setup({ env: { EMI_ACTITO_URL: "http://127.0.0.1:4010/" }, endpoint: "api1" });
    const local = agent.get("http://127.0.0.1:4010");
    local
      .intercept({ path: "/auth/token", headers: { "x-emi-endpoint": "api1", authorization: API_KEY } })
      .reply(200, {
        accessToken: "t",
        expiresIn: "900s",
      });
    local
      .intercept({ path: "/entities/v5/entities", headers: { "x-emi-endpoint": "api1" } })
      .reply(200, ENTITIES);
    await client.listEntities();
  });
});

describe("ActitoClient retries", () => {
  it.each([429, 500, 502, 503, 504])("retries a read after %i and returns the answer", async (status) => {
    const { pool, client, time } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: "/entities/v5/entities" }).reply(status, "busy").times(2);
    pool.intercept({ path: "/entities/v5/entities" }).reply(200, ENTITIES);
    expect(await client.listEntities()).toHaveLength(1);
    expect(time.sleeps).toEqual([375, 750]);
  });

  it("retries a read after the connection was reset", async () => {
    const { pool, client, logs } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: "/entities/v5/entities" }).replyWithError(reset());
    pool.intercept({ path: "/entities/v5/entities" }).reply(200, ENTITIES);
    expect(await client.listEntities()).toHaveLength(1);
    expect(logs).toContainEqual(
      expect.objectContaining({ type: "retry", errorCode: "ECONNRESET", attempt: 1 }),
    );
  });

  it("waits as long as Retry-After asks", async () => {
    const { pool, client, time } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: "/entities/v5/entities" }).reply(429, "", { headers: { "retry-after": "12" } });
    pool.intercept({ path: "/entities/v5/entities" }).reply(200, ENTITIES);
    await client.listEntities();
    expect(time.sleeps).toEqual([12_000]);
  });

  it.each([400, 403, 404, 405, 406, 409, 422])("does not retry a call answered %i", async (status) => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: "/entities/v5/entities" }).reply(status, { message: "nope" });
    const error = await client.listEntities().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActitoApiError);
    expect(error).toMatchObject({ status, method: "GET", route: "/entities/v5/entities" });
  });

  it("throws ActitoUnavailableError after the last attempt still fails", async () => {
    const { pool, client, time } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: "/entities/v5/entities" }).reply(503, "down").times(6);
    const error = await client.listEntities().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActitoUnavailableError);
    expect(error).toMatchObject({ status: 503 });
    expect(time.sleeps).toHaveLength(5);
  });

  it("throws RateLimitedError when Actito asks to wait longer than the policy allows", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({ path: "/entities/v5/entities" })
      .reply(429, "quota", { headers: { "retry-after": "3600" } });
    const error = await client.listEntities().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
  });
});

describe("ActitoClient profiles", () => {
  it("pages through profiles with the cursor and reports each page's cursor", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    const queries: string[] = [];
    const page = (ids: number[], nextCursor: string | null) => (opts: { path: string }) => {
      queries.push(opts.path.split("?")[1] ?? "");
      return {
        profiles: ids.map((profileId) => ({
          profileId,
          attributes: { emailAddress: `u${profileId}@x.example` },
        })),
        nextCursor,
      };
    };
    pool.intercept({ path: pathIs(PROFILES) }).reply(200, page([1, 2], "c2"));
    pool.intercept({ path: pathIs(PROFILES) }).reply(200, page([3], null));
    const pages = [];
    for await (const p of client.listProfiles("acme", "16", {
      pageSize: 5000,
      updatedSince: "2025-01-01T00:00:00Z",
      attributes: ["emailAddress", "reaid"],
    })) {
      pages.push(p);
    }
    expect(pages.map((p) => [p.cursor, p.profiles.map((x) => x.profileId), p.nextCursor])).toEqual([
      [null, [1, 2], "c2"],
      ["c2", [3], null],
    ]);
    expect(new URLSearchParams(queries[0]).get("pageSize")).toBe("1000");
    expect(new URLSearchParams(queries[0]).get("updatedSince")).toBe("2025-01-01T00:00:00Z");
    expect(new URLSearchParams(queries[0]).get("attributes")).toBe("emailAddress,reaid");
    expect(new URLSearchParams(queries[1]).get("cursor")).toBe("c2");
  });

  it("resumes a listing from a saved cursor", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({
        path: (p) =>
          p.startsWith(`${PROFILES}?`) && new URLSearchParams(p.split("?")[1]).get("cursor") === "saved",
      })
      .reply(200, { profiles: [], nextCursor: null });
    const pages = [];
    for await (const p of client.listProfiles("acme", "16", { cursor: "saved" })) pages.push(p);
    expect(pages).toEqual([{ profiles: [], nextCursor: null, cursor: "saved" }]);
  });

  it("returns null for a profile that does not exist, without the e-mail in anything logged", async () => {
    const { pool, client, logs } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: `${PROFILES}/emailAddress=jane%40acme.example` }).reply(404, "no such profile");
    expect(await client.getProfile("acme", "16", "emailAddress=jane@acme.example")).toBeNull();
    expect(JSON.stringify(logs)).not.toContain("jane");
  });

  it("reads one profile by key", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({ path: `${PROFILES}/7` })
      .reply(200, { profileId: 7, attributes: { emailAddress: "a@b.example" } });
    expect(await client.getProfile("acme", "16", "7")).toEqual({
      profileId: 7,
      attributes: { emailAddress: "a@b.example" },
    });
  });

  it("patches a profile's attributes and throws 404 for an unknown one, naming the route not the e-mail", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({
        path: `${PROFILES}/7`,
        method: "PATCH",
        body: JSON.stringify({ attributes: { reaid: "R1" } }),
      })
      .reply(204, "");
    pool
      .intercept({ path: `${PROFILES}/emailAddress=x%40y.example`, method: "PATCH" })
      .reply(404, "x@y.example unknown");
    await client.patchProfile("acme", "16", "7", { reaid: "R1" });
    const error = await client
      .patchProfile("acme", "16", "emailAddress=x@y.example", { reaid: "R2" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 404,
      route: "/profiles/v5/entities/{entity}/profile-tables/{tableId}/profiles/{key}",
    });
    expect(String(error)).not.toContain("x@y.example");
  });
});

describe("ActitoClient tables", () => {
  const reaid = {
    name: "reaid",
    type: "CUSTOM",
    valueType: "STRING",
    unique: true,
    valueRestriction: { maxLength: 40 },
  };
  const table = {
    id: "16",
    name: "customers",
    attributes: [{ name: "emailAddress", type: "EMAIL_ADDRESS", valueType: "STRING", unique: true }],
  };

  it("lists profile tables and reads one", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: TABLES }).reply(200, { profileTables: [table] });
    pool.intercept({ path: `${TABLES}/16` }).reply(200, table);
    expect(await client.listProfileTables("acme")).toEqual([table]);
    expect(await client.getProfileTable("acme", "16")).toEqual(table);
  });

  it("adds an attribute through a change request", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({
        path: `${TABLES}/16/change-requests`,
        method: "POST",
        body: JSON.stringify({ addAttributes: [reaid] }),
      })
      .reply(201, "");
    await client.addAttribute("acme", "16", reaid);
  });

  it("throws 409 when the attribute already existed before the call", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: `${TABLES}/16/change-requests`, method: "POST" }).reply(409, "exists");
    await expect(client.addAttribute("acme", "16", reaid)).rejects.toMatchObject({ status: 409 });
  });

  it("treats a 409 after a retry as success when the table holds the same attribute", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: `${TABLES}/16/change-requests`, method: "POST" }).replyWithError(reset());
    pool.intercept({ path: `${TABLES}/16/change-requests`, method: "POST" }).reply(409, "exists");
    pool
      .intercept({ path: `${TABLES}/16` })
      .reply(200, { ...table, attributes: [...table.attributes, reaid] });
    await client.addAttribute("acme", "16", reaid);
  });
});

describe("ActitoClient mass imports", () => {
  const definition = { mode: "UPDATE_ONLY" as const, keyColumn: "emailAddress", tableId: "16" };
  const csv = () => Readable.from(["emailAddress;reaid\n", "a@b.example;R1\n"]);

  it.each([429, 503])("re-sends an import that Actito refused with %i", async (status) => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: IMPORTS, method: "POST" }).reply(status, "busy");
    pool.intercept({ path: IMPORTS, method: "POST" }).reply(202, { id: "imp-2" });
    expect((await client.startMassImport("acme", definition, csv())).id).toBe("imp-2");
  });

  it("does not re-send an import whose connection dropped after sending", async () => {
    const tempDir = await mkdtemp(join(tmpdir(), "emi-test-"));
    const { pool, client } = setup({ tempDir });
    replyToken(pool, "tok-1");
    pool.intercept({ path: IMPORTS, method: "POST" }).replyWithError(reset());
    const error = await client.startMassImport("acme", definition, csv()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportOutcomeUnknownError);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("does not re-send an import answered 500", async () => {
    const { pool, client } = setup();
    replyToken(pool, "tok-1");
    pool.intercept({ path: IMPORTS, method: "POST" }).reply(500, "oops");
    await expect(client.startMassImport("acme", definition, csv())).rejects.toMatchObject({
      name: "ImportOutcomeUnknownError",
      status: 500,
    });
  });

  it("polls an import with a growing interval until it is no longer running", async () => {
    const { pool, client, time } = setup();
    replyToken(pool, "tok-1");
    const status = (s: string) => ({
      id: "imp-1",
      status: s,
      processed: 2,
      updated: 1,
      rejected: 1,
      errors: [{ line: 3, key: "k", message: "unknown key" }],
    });
    pool
      .intercept({ path: `${IMPORTS}/imp-1` })
      .reply(200, status("RUNNING"))
      .times(3);
    pool.intercept({ path: `${IMPORTS}/imp-1` }).reply(200, status("WITH_ERROR"));
    const waiting = { pollMs: 100, now: () => time.clock.now(), sleep: time.sleep };
    expect(await waitForMassImport(client, "acme", "imp-1", waiting)).toEqual(status("WITH_ERROR"));
    expect(time.sleeps).toEqual([100, 150, 225]);
  });

  it("gives up waiting after the timeout", async () => {
    const { pool, client, time } = setup();
    replyToken(pool, "tok-1");
    pool
      .intercept({ path: `${IMPORTS}/imp-1` })
      .reply(200, { id: "imp-1", status: "RUNNING" })
      .persist();
    await expect(
      waitForMassImport(client, "acme", "imp-1", {
        pollMs: 1000,
        timeoutMs: 5000,
        now: () => time.clock.now(),
        sleep: time.sleep,
      }),
    ).rejects.toMatchObject({
      name: "MassImportTimeoutError",
    });
    current?.agent.close();
    current = undefined;
  });
});

describe("ActitoClient limits", () => {
  it("never has more than N calls in flight at the server", async () => {
    const { agent, pool, time } = setup();
    replyToken(pool, "tok-1");
    let inFlight = 0;
    let peak = 0;
    pool.intercept({ path: "/entities/v5/entities" }).reply(200, ENTITIES).delay(5).times(30);
    const counting = {
      async request(opts: Parameters<typeof agent.request>[0]) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          const response = await agent.request(opts);
          const text = await response.body.text();
          return { ...response, body: { text: async () => text } };
        } finally {
          inFlight--;
        }
      },
      close: () => Promise.resolve(),
    };
    const client = createActitoClient({
      endpoint: "api3",
      apiKey: API_KEY,
      env: {},
      dispatcher: counting as unknown as typeof agent,
      maxConcurrent: 3,
      callsPerMinute: Number.POSITIVE_INFINITY,
      baseUrl: ORIGIN,
      clock: time.clock,
      sleep: time.sleep,
    });
    await Promise.all(Array.from({ length: 30 }, () => client.listEntities()));
    expect(peak).toBe(3);
  });

  it("starts at most the calls-per-minute budget in any minute", async () => {
    const { pool, client, time } = setup({ callsPerMinute: 4 });
    replyToken(pool, "tok-1");
    const startedAt: number[] = [];
    pool
      .intercept({ path: "/entities/v5/entities" })
      .reply(200, () => {
        startedAt.push(time.clock.now());
        return ENTITIES;
      })
      .times(9);
    await Promise.all(Array.from({ length: 9 }, () => client.listEntities()));
    // The token fetch is a call too: 4 calls at 0 (token + 3), 4 at 60 s, 2 at 120 s.
    expect(startedAt).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 60_000, 120_000, 120_000]);
  });
});

describe("ActitoClient mass import with a refused key", () => {
  it("fails with AuthError before compressing anything", async () => {
    const tempDir = await mkdtemp(join(tmpdir(), "emi-test-"));
    const { pool, client } = setup({ tempDir });
    pool.intercept({ path: "/auth/token" }).reply(401, "unknown key");
    let read = false;
    async function* rows() {
      read = true;
      yield "emailAddress\n";
    }
    await expect(
      client.startMassImport(
        "acme",
        { mode: "UPDATE_ONLY", keyColumn: "emailAddress", tableId: "16" },
        rows(),
      ),
    ).rejects.toBeInstanceOf(AuthError);
    expect(read).toBe(false);
    expect(await readdir(tempDir)).toEqual([]);
  });
});
