import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultSeed } from "../../src/sandbox/default-seed.ts";
import { SandboxSeedError } from "../../src/sandbox/sandbox-seed-error.ts";
import { startSandbox } from "../../src/sandbox/start-sandbox.ts";
import { login, raw } from "./raw-http.ts";

async function seedFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "emi-sandbox-seed-"));
  const path = join(dir, "sandbox.yaml");
  await writeFile(path, text);
  return path;
}

const issueExample = `licences:
  - name: acme
    endpoint: api3
    apiKeys: [acme-key-1]
    entities:
      - name: acme
        profileTables:
          - id: "16"
            name: customers
            attributes:
              - { name: emailAddress, type: EMAIL_ADDRESS, valueType: STRING, unique: true }
              - { name: firstName, type: FIRSTNAME, valueType: STRING }
            generate: 100
            profiles:
              - { emailAddress: jane@acme.example, firstName: Jane }
limits: { concurrentRequests: 5, callsPerMinute: 100, importsPerTablePerDay: 12,
          maxImportBytes: 104857600, tokenLifetimeSeconds: 60, maxPageSize: 1000 }
faults: { errorRate: 0, latencyMs: 0, dropRate: 0, seed: 1 }
`;

describe("sandbox seed", () => {
  it("serves the licences, tables and profiles of a YAML seed file", async () => {
    const sandbox = await startSandbox({ seed: await seedFile(issueExample) });
    try {
      const headers = await login(sandbox.url, "acme-key-1", "api3");
      const jane = await raw(
        `${sandbox.url}/profiles/v5/entities/acme/profile-tables/16/profiles/emailAddress=jane@acme.example`,
        { headers },
      );
      expect(jane.json).toMatchObject({ profileId: 101, attributes: { firstName: "Jane" } });
      const token = await raw(`${sandbox.url}/auth/token`, { headers: { authorization: "acme-key-1" } });
      expect(token.json.expiresIn).toBe("60s");
      expect([...sandbox.profiles("acme", "acme", "16")][99]!.attributes.emailAddress).toBe(
        "user-100@acme.example",
      );
    } finally {
      await sandbox.close();
    }
  });

  it("loads the seed example of the sandbox issue verbatim, adding the default firstName its profile uses", async () => {
    const verbatim = `licences:
  - name: acme
    endpoint: api3                   # api | api1 | api3 | apitest
    apiKeys: [acme-key-1]
    entities:
      - name: acme
        profileTables:
          - id: "16"
            name: customers
            attributes:              # optional; default: emailAddress (EMAIL_ADDRESS, STRING, unique),
              - { name: emailAddress, type: EMAIL_ADDRESS, valueType: STRING, unique: true }  # firstName, lastName
            generate: 100000         # optional: profiles user-1@acme.example … user-100000@acme.example
            profiles:                # optional: explicit profiles, attribute name → value
              - { emailAddress: jane@acme.example, firstName: Jane }
limits: { concurrentRequests: 5, callsPerMinute: 100, importsPerTablePerDay: 12,
          maxImportBytes: 104857600, tokenLifetimeSeconds: 900, maxPageSize: 1000 }  # Actito's values are the defaults
faults: { errorRate: 0, latencyMs: 0, dropRate: 0, seed: 1 }
`;
    const sandbox = await startSandbox({ seed: await seedFile(verbatim) });
    try {
      const headers = await login(sandbox.url, "acme-key-1", "api3");
      const base = `${sandbox.url}/profiles/v5/entities/acme/profile-tables/16/profiles`;
      const jane = await raw(`${base}/emailAddress=jane@acme.example`, { headers });
      expect(jane.json).toMatchObject({ profileId: 100001, attributes: { firstName: "Jane" } });
      const last = await raw(`${base}/100000`, { headers });
      expect(last.json.attributes.emailAddress).toBe("user-100000@acme.example");
      const table = await raw(`${sandbox.url}/profile-table-structure/v5/entities/acme/profile-tables/16`, {
        headers,
      });
      expect(table.json.attributes.map((a: { name: string }) => a.name)).toEqual([
        "emailAddress",
        "firstName",
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it("accepts a table id written as a number and serves it under the string id", async () => {
    const seed = `licences:
  - name: acme
    endpoint: api3
    apiKeys: [acme-key-1]
    entities:
      - name: acme
        profileTables:
          - id: 16
            name: customers
            generate: 3
`;
    const sandbox = await startSandbox({ seed: await seedFile(seed) });
    try {
      const headers = await login(sandbox.url, "acme-key-1", "api3");
      const table = await raw(`${sandbox.url}/profile-table-structure/v5/entities/acme/profile-tables/16`, {
        headers,
      });
      expect(table.status).toBe(200);
      expect(table.json).toMatchObject({ id: "16", name: "customers" });
    } finally {
      await sandbox.close();
    }
  });

  it("reports every schema problem with its line and column when the seed file is invalid", async () => {
    const path = await seedFile(
      issueExample.replace("endpoint: api3", "endpoint: api7").replace("generate: 100", "generate: many"),
    );
    const failure = await startSandbox({ seed: path }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SandboxSeedError);
    const message = (failure as Error).message;
    expect(message).toContain(
      'line 3, column 15: licences.0.endpoint: endpoint is "api7"; use one of: api, api1, api3',
    );
    expect(message).toMatch(
      /line 13, column \d+: licences\.0\.entities\.0\.profileTables\.0\.generate: generate must be a whole number, not "many"/,
    );
  });

  it("points at a misspelt key with did-you-mean instead of the validator's raw text", async () => {
    const path = await seedFile(issueExample.replace("apiKeys:", "apikeys:"));
    const failure = await startSandbox({ seed: path }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SandboxSeedError);
    expect((failure as SandboxSeedError).problems).toEqual([
      expect.stringMatching(
        /^line 4, column 5: licences\.0\.apikeys: "apikeys" is not a field of licences item 1; did you mean "apiKeys"\?$/,
      ),
    ]);
    expect((failure as Error).message).not.toContain("must NOT have additional properties");
  });

  it("reports explicit profiles that break the table's rules and duplicate keys", async () => {
    const path = await seedFile(
      issueExample.replace(
        "- { emailAddress: jane@acme.example, firstName: Jane }",
        "- { emailAddress: user-1@acme.example }\n              - { shoeSize: 42 }",
      ),
    );
    const failure = await startSandbox({ seed: path }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SandboxSeedError);
    expect((failure as SandboxSeedError).problems).toEqual([
      expect.stringContaining("profiles[0]: unique attribute emailAddress"),
      expect.stringContaining("profiles[1]: unknown attribute shoeSize"),
    ]);
  });

  it("reports a YAML syntax error and an unreadable file as seed errors", async () => {
    await expect(startSandbox({ seed: await seedFile("licences: [\n") })).rejects.toThrow(SandboxSeedError);
    await expect(startSandbox({ seed: "/nonexistent/sandbox.yaml" })).rejects.toThrow(/cannot be read/);
  });

  it("checks an inline seed against the schema too", async () => {
    await expect(startSandbox({ seed: { licences: [] } })).rejects.toThrow(
      /licences: must NOT have fewer than 1 items/,
    );
  });

  it("matches the example declarations in integrations/ with its default data", async () => {
    const dir = join(import.meta.dirname, "../../integrations");
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".yaml"))) {
      const declaration = parse(await readFile(join(dir, file), "utf8"));
      const { endpoint, entity, profileTable } = declaration.actito;
      const licence = defaultSeed.licences.find((l) => l.entities.some((e) => e.name === entity));
      expect(licence, file).toBeDefined();
      expect(licence!.endpoint, file).toBe(endpoint);
      const tables = licence!.entities.find((e) => e.name === entity)!.profileTables;
      if (profileTable)
        expect(
          tables.map((t) => t.name),
          file,
        ).toContain(profileTable);
      else expect(tables, file).toHaveLength(1);
      expect(licence!.apiKeys, file).toEqual([`sandbox-key-${entity}`]);
    }
  });
});
