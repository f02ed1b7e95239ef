import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { login, raw } from "./raw-http.ts";

const key = "sandbox-key-nordlys";

describe("sandbox authentication", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it("issues a bearer token for the raw API key with expiresIn as the string 900s", async () => {
    const answer = await raw(`${sandbox.url}/auth/token`, {
      headers: { authorization: key, "x-emi-endpoint": "api3" },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({ tokenType: "bearer", expiresIn: "900s", scope: "read write" });
    expect(typeof answer.json.accessToken).toBe("string");
    expect(answer.json.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 401 when the key is unknown, sent with a scheme word, or missing", async () => {
    for (const authorization of ["not-a-key", `Bearer ${key}`, ""]) {
      const answer = await raw(`${sandbox.url}/auth/token`, {
        headers: { authorization, "x-emi-endpoint": "api3" },
      });
      expect(answer.status).toBe(401);
      expect(answer.text).not.toContain(key);
    }
  });

  it("answers 401 when the key belongs to another environment than X-Emi-Endpoint", async () => {
    const answer = await raw(`${sandbox.url}/auth/token`, {
      headers: { authorization: key, "x-emi-endpoint": "api1" },
    });
    expect(answer.status).toBe(401);
  });

  it("finds the licence by key in every environment when X-Emi-Endpoint is missing", async () => {
    const answer = await raw(`${sandbox.url}/auth/token`, {
      headers: { authorization: "sandbox-key-boreal" },
    });
    expect(answer.status).toBe(200);
    const entities = await raw(`${sandbox.url}/entities/v5/entities`, {
      headers: { authorization: `Bearer ${answer.json.accessToken}` },
    });
    expect(entities.json).toEqual({ entities: [{ id: expect.any(Number), name: "boreal", comment: null }] });
  });

  it("answers 400 when X-Emi-Endpoint names no environment", async () => {
    const answer = await raw(`${sandbox.url}/auth/token`, {
      headers: { authorization: key, "x-emi-endpoint": "api9" },
    });
    expect(answer.status).toBe(400);
  });

  it("answers 401 when a call has no token, a made-up token, or a token used in another environment", async () => {
    const headers = await login(sandbox.url, key, "api3");
    const url = `${sandbox.url}/entities/v5/entities`;
    expect((await raw(url, { headers: { "x-emi-endpoint": "api3" } })).status).toBe(401);
    expect(
      (await raw(url, { headers: { authorization: "Bearer made-up", "x-emi-endpoint": "api3" } })).status,
    ).toBe(401);
    expect((await raw(url, { headers: { ...headers, "x-emi-endpoint": "api" } })).status).toBe(401);
    expect((await raw(url, { headers })).status).toBe(200);
  });

  it("answers 405 for a wrong method on /auth/token and on a known route", async () => {
    expect(
      (await raw(`${sandbox.url}/auth/token`, { method: "POST", headers: { authorization: key } })).status,
    ).toBe(405);
    const headers = await login(sandbox.url, key, "api3");
    const answer = await raw(`${sandbox.url}/entities/v5/entities`, { method: "DELETE", headers });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET");
  });

  it("answers 406 when Accept excludes JSON and 200 when it admits it", async () => {
    const headers = await login(sandbox.url, key, "api3");
    const url = `${sandbox.url}/entities/v5/entities`;
    expect((await raw(url, { headers: { ...headers, accept: "text/csv" } })).status).toBe(406);
    expect((await raw(url, { headers: { ...headers, accept: "application/json" } })).status).toBe(200);
    expect((await raw(url, { headers: { ...headers, accept: "*/*" } })).status).toBe(200);
  });

  it("answers 403 for another licence's entity and 404 for an unknown entity or route", async () => {
    const headers = await login(sandbox.url, key, "api3");
    const tables = (entity: string) =>
      `${sandbox.url}/profile-table-structure/v5/entities/${entity}/profile-tables`;
    expect((await raw(tables("lumen"), { headers })).status).toBe(403);
    expect((await raw(tables("nowhere"), { headers })).status).toBe(404);
    expect((await raw(`${sandbox.url}/v4/entities`, { headers })).status).toBe(404);
  });

  it("never echoes the key or the token in error bodies", async () => {
    const headers = await login(sandbox.url, key, "api3");
    const token = headers.authorization!.slice("Bearer ".length);
    const answers = await Promise.all([
      raw(`${sandbox.url}/entities/v5/entities`, { headers: { ...headers, accept: "text/csv" } }),
      raw(`${sandbox.url}/profile-table-structure/v5/entities/lumen/profile-tables`, { headers }),
      raw(`${sandbox.url}/auth/token`, { headers: { authorization: `${key}x` } }),
    ]);
    for (const answer of answers) {
      expect(answer.text).not.toContain(token);
      expect(answer.text).not.toContain(key);
    }
  });
});

describe("sandbox token lifetime", () => {
  it("answers 401 once a token outlives a 1-second lifetime, and a new token works", async () => {
    let clock = Date.parse("2025-01-01T00:00:00Z");
    const sandbox = await startSandbox({
      seed: { ...defaultSeed, limits: { tokenLifetimeSeconds: 1 } },
      now: () => clock,
    });
    try {
      const first = await raw(`${sandbox.url}/auth/token`, { headers: { authorization: key } });
      expect(first.json.expiresIn).toBe("1s");
      const headers = { authorization: `Bearer ${first.json.accessToken}`, "x-emi-endpoint": "api3" };
      expect((await raw(`${sandbox.url}/entities/v5/entities`, { headers })).status).toBe(200);
      clock += 1_100;
      const expired = await raw(`${sandbox.url}/entities/v5/entities`, { headers });
      expect(expired.status).toBe(401);
      expect(sandbox.stats().licences.nordlys!.expiredTokens).toBe(1);
      const again = await login(sandbox.url, key, "api3");
      expect((await raw(`${sandbox.url}/entities/v5/entities`, { headers: again })).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it("expires tokens by the injected clock", async () => {
    let clock = Date.parse("2025-01-01T00:00:00Z");
    const sandbox = await startSandbox({ now: () => clock });
    try {
      const headers = await login(sandbox.url, key, "api3");
      clock += 899_000;
      expect((await raw(`${sandbox.url}/entities/v5/entities`, { headers })).status).toBe(200);
      clock += 1_000;
      expect((await raw(`${sandbox.url}/entities/v5/entities`, { headers })).status).toBe(401);
    } finally {
      await sandbox.close();
    }
  });
});
