import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { login, raw } from "./raw-http.ts";

describe("sandbox profile tables and profiles", () => {
  let sandbox: RunningSandbox;
  let headers: Record<string, string>;
  let clock = Date.parse("2025-03-01T10:00:00Z");
  const table = () => `${sandbox.url}/profiles/v5/entities/nordlys/profile-tables/16/profiles`;
  const json = (h: Record<string, string>) => ({ ...h, "content-type": "application/json" });

  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => clock });
    headers = await login(sandbox.url, "sandbox-key-nordlys", "api3");
  });
  afterAll(() => sandbox.close());

  it("describes the declared tables with their attributes", async () => {
    const answer = await raw(`${sandbox.url}/profile-table-structure/v5/entities/nordlys/profile-tables`, {
      headers,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.profileTables).toHaveLength(1);
    expect(answer.json.profileTables[0]).toMatchObject({ id: "16", name: "customers" });
    const one = await raw(`${sandbox.url}/profile-table-structure/v5/entities/nordlys/profile-tables/16`, {
      headers,
    });
    expect(one.json.attributes[0]).toMatchObject({
      name: "emailAddress",
      type: "EMAIL_ADDRESS",
      unique: true,
    });
    const missing = await raw(
      `${sandbox.url}/profile-table-structure/v5/entities/nordlys/profile-tables/99`,
      {
        headers,
      },
    );
    expect(missing.status).toBe(404);
  });

  it("gets one profile by profileId or by a unique attribute, and 404s an unknown one", async () => {
    const byId = await raw(`${table()}/5`, { headers });
    expect(byId.json).toMatchObject({ profileId: 5, attributes: { emailAddress: "user-5@nordlys.example" } });
    const byEmail = await raw(`${table()}/emailAddress=${encodeURIComponent("user-5@nordlys.example")}`, {
      headers,
    });
    expect(byEmail.json.profileId).toBe(5);
    expect((await raw(`${table()}/emailAddress=nobody@nordlys.example`, { headers })).status).toBe(404);
    expect((await raw(`${table()}/999999`, { headers })).status).toBe(404);
    expect((await raw(`${table()}/firstName=Hugo`, { headers })).status).toBe(400);
  });

  it("refuses a pageSize over the limit, a bad cursor and a bad updatedSince with 400", async () => {
    expect((await raw(`${table()}?pageSize=1001`, { headers })).status).toBe(400);
    expect((await raw(`${table()}?pageSize=0`, { headers })).status).toBe(400);
    expect((await raw(`${table()}?cursor=garbage`, { headers })).status).toBe(400);
    expect((await raw(`${table()}?updatedSince=yesterday`, { headers })).status).toBe(400);
    expect((await raw(`${table()}?attributes=shoeSize`, { headers })).status).toBe(400);
  });

  it("returns only the requested attributes", async () => {
    const answer = await raw(`${table()}?pageSize=1&attributes=emailAddress,updateMoment`, { headers });
    expect(answer.json.profiles[0]).toEqual({
      profileId: 1,
      attributes: { emailAddress: "user-1@nordlys.example", updateMoment: "2025-03-01T10:00:00.000Z" },
    });
  });

  it("pages through every profile exactly once while profiles are updated and created", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const answer = await raw(`${table()}?pageSize=300${query}`, { headers });
      expect(answer.status).toBe(200);
      for (const profile of answer.json.profiles) seen.push(profile.profileId);
      cursor = answer.json.nextCursor;
      // Between pages another writer updates profiles on both sides of the cursor and adds one.
      if (page++ === 1) {
        const updates = [10, 590, 1500].map((id) =>
          raw(`${table()}/${id}`, {
            method: "PATCH",
            headers: json(headers),
            body: JSON.stringify({ attributes: { firstName: "Changed" } }),
          }),
        );
        const create = raw(table(), {
          method: "PUT",
          headers: json(headers),
          body: JSON.stringify({
            key: { emailAddress: "new@nordlys.example" },
            attributes: { firstName: "New" },
          }),
        });
        expect((await Promise.all([...updates, create])).map((a) => a.status)).toEqual([204, 204, 204, 201]);
      }
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(2001);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it("lists only profiles updated since a moment", async () => {
    clock = Date.parse("2025-03-02T00:00:00Z");
    headers = await login(sandbox.url, "sandbox-key-nordlys", "api3");
    const patch = await raw(`${table()}/42`, {
      method: "PATCH",
      headers: json(headers),
      body: JSON.stringify({ attributes: { lastName: "Later" } }),
    });
    expect(patch.status).toBe(204);
    const answer = await raw(`${table()}?updatedSince=2025-03-01T12:00:00Z`, { headers });
    expect(answer.json.profiles.map((p: { profileId: number }) => p.profileId)).toEqual([42]);
    expect(answer.json.nextCursor).toBeNull();
  });

  it("answers PATCH of an unknown key with 404 and never creates a profile", async () => {
    const before = sandbox.stats().tables["nordlys/16"]!.profiles;
    const answer = await raw(`${table()}/emailAddress=ghost@nordlys.example`, {
      method: "PATCH",
      headers: json(headers),
      body: JSON.stringify({ attributes: { firstName: "Ghost" } }),
    });
    expect(answer.status).toBe(404);
    expect(sandbox.stats().tables["nordlys/16"]!.profiles).toBe(before);
  });

  it("refuses with 400 a PATCH that breaks uniqueness, names an unknown attribute or is not JSON", async () => {
    const patch = (body: string) => raw(`${table()}/7`, { method: "PATCH", headers: json(headers), body });
    expect(
      (await patch(JSON.stringify({ attributes: { emailAddress: "user-8@nordlys.example" } }))).status,
    ).toBe(400);
    expect((await patch(JSON.stringify({ attributes: { shoeSize: "42" } }))).status).toBe(400);
    expect((await patch(JSON.stringify({ attributes: { profileId: 3 } }))).status).toBe(400);
    expect((await patch(JSON.stringify({ attributes: { firstName: "x".repeat(256) } }))).status).toBe(400);
    expect((await patch(JSON.stringify({ attributes: { firstName: "\u{1F600}".repeat(256) } }))).status).toBe(
      400,
    );
    // 255 emoji are 255 characters (510 UTF-16 units): within Actito's limit.
    expect((await patch(JSON.stringify({ attributes: { firstName: "\u{1F600}".repeat(255) } }))).status).toBe(
      204,
    );
    expect((await patch("{not json")).status).toBe(400);
  });

  it("adds an attribute with a change request (201 with Location) and answers 409 for an existing name", async () => {
    const url = `${sandbox.url}/profile-table-structure/v5/entities/nordlys/profile-tables/16/change-requests`;
    const reaid = {
      name: "reaid",
      type: "CUSTOM",
      valueType: "STRING",
      unique: true,
      valueRestriction: { maxLength: 64 },
    };
    const created = await raw(url, {
      method: "POST",
      headers: json(headers),
      body: JSON.stringify({ addAttributes: [reaid] }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toContain("/change-requests/");
    const again = await raw(url, {
      method: "POST",
      headers: json(headers),
      body: JSON.stringify({ addAttributes: [reaid] }),
    });
    expect(again.status).toBe(409);
    const invalid = await raw(url, {
      method: "POST",
      headers: json(headers),
      body: JSON.stringify({ addAttributes: [{ ...reaid, name: "x".repeat(51) }] }),
    });
    expect(invalid.status).toBe(400);
    const patch = (id: number) =>
      raw(`${table()}/${id}`, {
        method: "PATCH",
        headers: json(headers),
        body: JSON.stringify({ attributes: { reaid: "R-1" } }),
      });
    expect((await patch(1)).status).toBe(204);
    expect((await patch(2)).status).toBe(400);
    expect((await raw(`${table()}/reaid=R-1`, { headers })).json.profileId).toBe(1);
    expect(sandbox.stats().tables["nordlys/16"]!.patches).toBeGreaterThan(0);
  });

  it("exposes the table's profiles to tests through profiles()", () => {
    const all = [...sandbox.profiles("nordlys", "nordlys", "16")];
    expect(all[0]).toMatchObject({
      profileId: 1,
      attributes: { emailAddress: "user-1@nordlys.example", reaid: "R-1" },
    });
    expect(() => sandbox.profiles("nordlys", "lumen", "3")).toThrow(/no table/);
  });
});

describe("sandbox default data", () => {
  it("serves boreal's members with a non-unique e-mail, duplicates and profiles without e-mail", async () => {
    const sandbox = await startSandbox();
    try {
      const boreal = [...sandbox.profiles("boreal", "boreal", "7")];
      expect(boreal).toHaveLength(1500);
      const emails = boreal.map((p) => p.attributes.emailAddress);
      expect(emails.filter((e) => e === null).length).toBeGreaterThanOrEqual(3);
      expect(new Set(emails.filter((e) => e !== null)).size).toBeLessThan(
        emails.filter((e) => e !== null).length,
      );
      expect([...sandbox.profiles("lumen", "lumen", "3")]).toHaveLength(1000);
      expect([...sandbox.profiles("solstice", "solstice", "21")]).toHaveLength(500);
      expect([...sandbox.profiles("nordlys", "nordlys", "16")]).toHaveLength(2000);
    } finally {
      await sandbox.close();
    }
  });
});
