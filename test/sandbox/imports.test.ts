import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxSeed } from "../../src/sandbox/sandbox-seed.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { importBody, login, raw } from "./raw-http.ts";

const seed: SandboxSeed = {
  licences: [
    {
      name: "acme",
      endpoint: "api3",
      apiKeys: ["acme-key-1"],
      entities: [
        {
          name: "acme",
          profileTables: [
            {
              id: "16",
              name: "customers",
              attributes: [
                { name: "emailAddress", type: "EMAIL_ADDRESS", valueType: "STRING", unique: true },
                { name: "firstName", type: "FIRSTNAME", valueType: "STRING" },
                { name: "code", type: "CUSTOM", valueType: "STRING", unique: true },
                { name: "points", type: "CUSTOM", valueType: "INTEGER" },
              ],
              generate: 10,
              profiles: [{ emailAddress: "jane@acme.example", firstName: "Jane", code: "J-1" }],
            },
            { id: "17", name: "quota" },
          ],
        },
      ],
    },
  ],
  limits: { importsPerTablePerDay: 100 },
};

type Mode = "UPDATE_ONLY" | "CREATE_UPDATE" | "CREATE_ONLY";

describe("sandbox mass imports", () => {
  let sandbox: RunningSandbox;
  let headers: Record<string, string>;
  const imports = () => `${sandbox.url}/mass-imports/v5/entities/acme/etl-executions`;
  const definition = (mode: Mode, keyColumn = "emailAddress", extra: Record<string, unknown> = {}) => ({
    mode,
    keyColumn,
    format: { separator: ";", encoding: "UTF-8", compression: "NONE" },
    tableId: "16",
    ...extra,
  });

  async function submit(def: unknown, file: Buffer | string) {
    const { body, contentType } = importBody(def, file);
    return raw(imports(), { method: "POST", headers: { ...headers, "content-type": contentType }, body });
  }

  async function finished(id: string) {
    for (;;) {
      const answer = await raw(`${imports()}/${id}`, { headers });
      expect(answer.status).toBe(200);
      if (answer.json.status !== "RUNNING") return answer.json;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function run(def: unknown, file: Buffer | string) {
    const answer = await submit(def, file);
    expect(answer.status, answer.text).toBe(202);
    return finished(answer.json.id);
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ seed });
    headers = await login(sandbox.url, "acme-key-1", "api3");
  });
  afterAll(() => sandbox.close());

  it("updates known keys and rejects unknown ones per line in UPDATE_ONLY", async () => {
    const status = await run(
      definition("UPDATE_ONLY"),
      "emailAddress;firstName;points\nuser-1@acme.example;Ann;5\nghost@acme.example;Ghost;1\nuser-2@acme.example;Bo;\n",
    );
    expect(status).toMatchObject({ status: "WITH_ERROR", processed: 3, updated: 2, rejected: 1 });
    expect(status.errors).toEqual([
      { line: 3, key: "ghost@acme.example", message: expect.stringContaining("UPDATE_ONLY") },
    ]);
    const profiles = [...sandbox.profiles("acme", "acme", "16")];
    expect(profiles[0]!.attributes).toMatchObject({ firstName: "Ann", points: 5 });
    expect(profiles[1]!.attributes).toMatchObject({ firstName: "Bo", points: null });
    expect(profiles).toHaveLength(11);
  });

  it("creates and updates in CREATE_UPDATE and reports SUCCESS when no row is rejected", async () => {
    const status = await run(
      definition("CREATE_UPDATE"),
      'emailAddress;firstName\nuser-3@acme.example;"Cy; the ""third"""\nnew-1@acme.example;Nova\n',
    );
    expect(status).toMatchObject({
      status: "SUCCESS",
      processed: 2,
      updated: 2,
      created: 1,
      rejected: 0,
      errors: [],
    });
    const profiles = [...sandbox.profiles("acme", "acme", "16")];
    expect(profiles[2]!.attributes.firstName).toBe('Cy; the "third"');
    expect(profiles.at(-1)).toMatchObject({
      profileId: 12,
      attributes: { emailAddress: "new-1@acme.example" },
    });
  });

  it("creates only new keys in CREATE_ONLY and rejects existing ones per line", async () => {
    const status = await run(
      definition("CREATE_ONLY"),
      "emailAddress\nuser-4@acme.example\nnew-2@acme.example\n",
    );
    expect(status).toMatchObject({ status: "WITH_ERROR", created: 1, rejected: 1 });
    expect(status.errors[0]).toMatchObject({ line: 2, key: "user-4@acme.example" });
  });

  it("rejects per line a row that breaks a unique attribute or a value type", async () => {
    const status = await run(
      definition("UPDATE_ONLY"),
      "emailAddress;code;points\nuser-5@acme.example;J-1;1\nuser-6@acme.example;C-6;many\nuser-7@acme.example;C-7;7\n",
    );
    expect(status).toMatchObject({ status: "WITH_ERROR", updated: 1, rejected: 2 });
    expect(status.errors.map((e: { line: number }) => e.line)).toEqual([2, 3]);
    expect(status.errors[0].message).toContain("unique");
  });

  it("accepts profileId or any unique attribute as key column, and refuses a non-unique one with 400", async () => {
    const byId = await run(
      definition("UPDATE_ONLY", "profileId"),
      "profileId;firstName\n8;Eight\n999;Nobody\n",
    );
    expect(byId).toMatchObject({ updated: 1, rejected: 1 });
    const byCode = await run(definition("UPDATE_ONLY", "code"), "code;firstName\nJ-1;Janet\n");
    expect(byCode).toMatchObject({ status: "SUCCESS", updated: 1 });
    expect((await submit(definition("UPDATE_ONLY", "firstName"), "firstName\nA\n")).status).toBe(400);
  });

  it("accepts a gzip file when the definition says GZIP", async () => {
    const file = gzipSync(Buffer.from("emailAddress;firstName\nuser-9@acme.example;Gzipped\n"));
    const def = definition("UPDATE_ONLY", "emailAddress", {
      format: { separator: ";", encoding: "UTF-8", compression: "GZIP" },
    });
    expect(await run(def, file)).toMatchObject({ status: "SUCCESS", updated: 1 });
    expect([...sandbox.profiles("acme", "acme", "16")][8]!.attributes.firstName).toBe("Gzipped");
  });

  it("reports FAILED when a GZIP file does not inflate", async () => {
    const def = definition("UPDATE_ONLY", "emailAddress", {
      format: { separator: ";", encoding: "UTF-8", compression: "GZIP" },
    });
    const status = await run(def, "emailAddress\nnot gzip at all\n");
    expect(status.status).toBe("FAILED");
  });

  it("refuses with 400 a BOM, unknown columns, a missing key column, wrong column counts and long values", async () => {
    const bad = [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("emailAddress\nuser-1@acme.example\n")]),
      "emailAddress;shoeSize\nuser-1@acme.example;42\n",
      "firstName\nAnn\n",
      "emailAddress;firstName\nuser-1@acme.example;Ann;extra\n",
      `emailAddress;firstName\nuser-1@acme.example;${"x".repeat(256)}\n`,
      'emailAddress;firstName\nuser-1@acme.example;"unclosed\n',
      "",
    ];
    for (const file of bad) {
      const answer = await submit(definition("UPDATE_ONLY"), file);
      expect(answer.status, String(file).slice(0, 40)).toBe(400);
      expect(answer.json.message).toBeTruthy();
    }
    const answer = await submit(
      definition("UPDATE_ONLY"),
      "emailAddress;firstName\nuser-1@acme.example;Ann;extra\n",
    );
    expect(answer.json.message).toContain("line 2");
  });

  it("counts the 255-character limit in characters, not UTF-16 units, when values hold emoji", async () => {
    const status = await run(
      definition("CREATE_ONLY"),
      `emailAddress;firstName\nemoji@acme.example;${"\u{1F600}".repeat(255)}\n`,
    );
    expect(status.status).toBe("SUCCESS");
    const answer = await submit(
      definition("CREATE_ONLY"),
      `emailAddress;firstName\nemoji2@acme.example;${"\u{1F600}".repeat(256)}\n`,
    );
    expect(answer.status).toBe(400);
  });

  it("refuses with 400 an invalid definition, a missing part or a body that is not multipart", async () => {
    expect((await submit({ ...definition("UPDATE_ONLY"), mode: "UPSERT" }, "emailAddress\n")).status).toBe(
      400,
    );
    expect((await submit({ mode: "UPDATE_ONLY", tableId: "16" }, "emailAddress\n")).status).toBe(400);
    expect(
      (await submit(definition("UPDATE_ONLY", "emailAddress", { tableId: "99" }), "emailAddress\n")).status,
    ).toBe(404);
    const json = await raw(imports(), {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(400);
  });

  it("refuses with 400 a file over maxImportBytes", async () => {
    sandbox.setLimits({ maxImportBytes: 1000 });
    try {
      const big = `emailAddress;firstName\n${"user-1@acme.example;Ann\n".repeat(60)}`;
      const answer = await submit(definition("UPDATE_ONLY"), big);
      expect(answer.status).toBe(400);
      const huge = `emailAddress;firstName\n${"user-1@acme.example;Ann\n".repeat(200_000)}`;
      expect((await submit(definition("UPDATE_ONLY"), huge)).status).toBe(400);
    } finally {
      sandbox.setLimits({ maxImportBytes: 104_857_600 });
    }
  });

  it("shows RUNNING before the rows are applied", async () => {
    sandbox.setFaults({ importStartDelayMs: 200 });
    try {
      const answer = await submit(
        definition("UPDATE_ONLY"),
        "emailAddress;firstName\nuser-10@acme.example;Ten\n",
      );
      expect(answer.status).toBe(202);
      const running = await raw(`${imports()}/${answer.json.id}`, { headers });
      expect(running.json).toMatchObject({ status: "RUNNING", processed: 0 });
      expect(await finished(answer.json.id)).toMatchObject({ status: "SUCCESS", updated: 1 });
    } finally {
      sandbox.setFaults({ importStartDelayMs: 0 });
    }
  });

  it("answers 404 for an unknown import id", async () => {
    expect((await raw(`${imports()}/424242`, { headers })).status).toBe(404);
  });

  it("answers 429 past the imports per table per day, counting only accepted imports, and resets the next day", async () => {
    let clock = Date.parse("2025-05-01T08:00:00Z");
    const quota = await startSandbox({
      seed: { ...seed, limits: { importsPerTablePerDay: 2 } },
      now: () => clock,
    });
    try {
      let h = await login(quota.url, "acme-key-1", "api3");
      const send = (file: string) => {
        const { body, contentType } = importBody({ ...definition("CREATE_UPDATE"), tableId: "17" }, file);
        return raw(`${quota.url}/mass-imports/v5/entities/acme/etl-executions`, {
          method: "POST",
          headers: { ...h, "content-type": contentType },
          body,
        });
      };
      expect((await send("emailAddress;nope\na@b.c;1\n")).status).toBe(400);
      expect((await send("emailAddress\na@acme.example\n")).status).toBe(202);
      expect((await send("emailAddress\nb@acme.example\n")).status).toBe(202);
      expect((await send("emailAddress\nc@acme.example\n")).status).toBe(429);
      expect(quota.stats().tables["acme/17"]).toMatchObject({ importsSubmitted: 2, importsRejected429: 1 });
      expect(quota.stats().licences.acme!.rejected429).toBe(1);
      clock = Date.parse("2025-05-02T00:00:01Z");
      h = await login(quota.url, "acme-key-1", "api3");
      expect((await send("emailAddress\nc@acme.example\n")).status).toBe(202);
    } finally {
      await quota.close();
    }
  });

  it("applies 50,000 rows in slices and counts them in stats", async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `bulk-${i}@acme.example;Bulk`).join("\n");
    const status = await run(definition("CREATE_UPDATE"), `emailAddress;firstName\n${rows}\n`);
    expect(status).toMatchObject({ status: "SUCCESS", processed: 50_000, created: 50_000 });
    expect(sandbox.stats().tables["acme/16"]!.rowsApplied).toBeGreaterThanOrEqual(50_000);
  });
});
