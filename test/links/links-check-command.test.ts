import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/start-sandbox.ts";
import schema from "../../schemas/output/links-check.schema.json" with { type: "json" };

const key = "links-test-key-7a2c";
const good = [
  "<html><body>",
  '<a href="https://kestrel-shop.example/new?utm_source=actito&amp;utm_medium=email&amp;reaid=${reaid}">New</a>',
  '<a href="https://KESTREL-SHOP.example/sale?reaid=${reaid}">Sale</a>',
  '<a href="https://kestrel-shop.example.evil.example/x">look-alike</a>',
  '<a href="https://partner.example/y">partner</a>',
  '<a href="${unsubscribe}">Unsubscribe</a> <a href="mailto:help@kestrel-shop.example">Help</a> <a href="#top">Top</a>',
  "</body></html>",
].join("\n");
const bad = [
  "<html><body>",
  '<a href="https://kestrel-shop.example/a?utm_source=actito">missing</a>',
  '<a href="https://kestrel-shop.example/b?reaId=${reaid}">misspelled</a>',
  '<a href="https://kestrel-shop.example/c?reaid=${firstName}">wrong</a>',
  '<a href="https://kestrel-shop.example/d?reaid=%24%7Breaid%7D">encoded</a>',
  "</body></html>",
].join("\n");

const declaration = (campaigns: string) => `account: 2001
provider: actito
actito:
  endpoint: api
  entity: kestrel
  email: crm@kestrel-shop.example
  apiKey: { secretRef: env:ACTITO_KEY_KESTREL }
  linkDomains: [kestrel-shop.example]
  campaigns: ${campaigns}
`;

let sandbox: RunningSandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: {
      licences: [
        {
          name: "kestrel",
          endpoint: "api",
          apiKeys: [key],
          entities: [
            {
              name: "kestrel",
              profileTables: [{ id: "1", name: "customers", generate: 3 }],
              campaigns: [
                { id: 223, name: "spring-sale", html: good },
                { id: 224, name: "autumn-sale", html: bad },
              ],
            },
          ],
        },
      ],
    },
  });
  dir = await mkdtemp(join(tmpdir(), "emi-links-"));
  await mkdir(join(dir, "integrations"));
});

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(campaigns: string, ...args: string[]) {
  await writeFile(join(dir, "integrations", "2001.yaml"), declaration(campaigns));
  let out = "";
  let err = "";
  const code = await main(["node", "emi", "links", "check", ...args], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { EMI_ACTITO_URL: sandbox.url, ACTITO_KEY_KESTREL: key },
    cwd: dir,
  });
  return { code, out, err };
}

describe("emi links check", () => {
  it("exits 0 when every link to the declared host carries the REAID, by id and by name", async () => {
    const { code, out } = await run("[223, spring-sale]");
    expect(code).toBe(0);
    expect(out).toContain(
      'Campaign 223 "spring-sale" (account 2001): 2 links checked, every one carries the REAID',
    );
    expect(out).toContain("2 campaigns checked: 2 clean, 0 with problems, 0 unreadable.");
  });

  it("reports each problem with its line and kind, and exits 1", async () => {
    const { code, out } = await run("[autumn-sale]", "--format", "json");
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report).toEqual({
      formatVersion: 1,
      campaigns: [
        {
          account: 2001,
          id: 224,
          name: "autumn-sale",
          linksChecked: 4,
          problems: [
            { href: "https://kestrel-shop.example/a?utm_source=actito", problem: "missing", line: 2 },
            { href: "https://kestrel-shop.example/b?reaId=${reaid}", problem: "misspelled", line: 3 },
            { href: "https://kestrel-shop.example/c?reaid=${firstName}", problem: "wrong-value", line: 4 },
            {
              href: "https://kestrel-shop.example/d?reaid=%24%7Breaid%7D",
              problem: "wrong-value",
              line: 5,
              hint: expect.stringContaining("percent-encoded"),
            },
          ],
        },
      ],
    });
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it("prints problems as text with what to write", async () => {
    const { code, out } = await run("[224]");
    expect(code).toBe(1);
    expect(out).toContain('Campaign 224 "autumn-sale" (account 2001): 4 links checked, 4 problems');
    expect(out).toMatch(/line 2 +missing +https:\/\/kestrel-shop\.example\/a\?utm_source=actito/);
    expect(out).toContain("no reaid parameter: add reaid=${reaid}");
    expect(out).toContain("the parameter is spelled reaId: write reaid=${reaid}");
    expect(out).toContain("it carries ${firstName}: write reaid=${reaid}");
  });

  it("names an unknown campaign with Actito's answer and exits 1", async () => {
    const { code, out } = await run("[spring-sale, no-such-campaign]", "--format", "json");
    expect(code).toBe(1);
    const unknown = JSON.parse(out).campaigns[1];
    expect(unknown).toMatchObject({ id: null, name: "no-such-campaign", linksChecked: 0, problems: [] });
    expect(unknown.error).toContain("no e-mail campaign no-such-campaign in entity kestrel (404)");
  });

  it("annotates the declaration's campaigns line in github format", async () => {
    const { code, out } = await run("\n    - 223\n    - 224", "--format", "github");
    expect(code).toBe(1);
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatch(
        /^::error file=integrations\/2001\.yaml,line=11,col=1,.*title=link-without-reaid::campaign 224/,
      );
    }
  });

  it("checks a campaign named on the command line instead of the declared ones", async () => {
    const { code, out } = await run(
      "[spring-sale]",
      "--account",
      "2001",
      "--campaign",
      "224",
      "--format",
      "json",
    );
    expect(code).toBe(1);
    expect(JSON.parse(out).campaigns.map((c: { id: number }) => c.id)).toEqual([224]);
  });

  it("is a usage error (2) for an account no declaration covers", async () => {
    const { code, err } = await run("[223]", "--account", "9999");
    expect(code).toBe(2);
    expect(err).toContain("no declaration covers account 9999");
  });

  it("never prints the API key", async () => {
    const results = await Promise.all([run("[223, 224, nope]"), run("[223, 224, nope]", "--format", "json")]);
    for (const { out, err } of results) expect(out + err).not.toContain(key);
  });
});
