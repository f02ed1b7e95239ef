import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redactText } from "../../src/actito/redact-text.ts";
import { createWorld, type World } from "./e2e-harness.ts";
import { echoedForms, startEchoServer } from "./echo-server.ts";

// A key with characters that every encoding changes: +, /, =, ", \, space, %.
const KEY = 'Ak+9/zQ="x\\y Lm%7Rt2Vb8Nc4Wd6Ye1Uf3';

function echoBody(key: string): string {
  const forms = echoedForms(key);
  return JSON.stringify({
    error: "INVALID",
    message: `key ${forms.exact} rejected; starts with ${forms.prefix}…, ends …${forms.suffix}; part ${forms.middle}`,
    detail: `b64=${forms.base64} b64url=${forms.base64url} url=${forms.urlEncoded} query=?k=${new URLSearchParams({ k: key }).toString().slice(2)}`,
    echo: key,
  });
}

describe("redactText", () => {
  it("removes the key in every form: exact, any 8+ character part, base64, URL-encoded, JSON-escaped", () => {
    const out = redactText(echoBody(KEY), [KEY]);
    for (const [form, text] of Object.entries(echoedForms(KEY))) expect(out, form).not.toContain(text);
    for (let i = 0; i + 8 <= KEY.length; i++) expect(out).not.toContain(KEY.slice(i, i + 8));
    expect(out).toContain("[redacted]");
    expect(out).toContain("INVALID");
  });

  it("leaves text alone that shares less than 8 characters with the key", () => {
    expect(redactText("error Ak+9/zQ happened", [KEY])).toBe("error Ak+9/zQ happened");
  });
});

describe("a server that echoes the key back", () => {
  let world: World;
  beforeEach(async () => {
    world = await createWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  for (const refuse of [false, true]) {
    it(`never lets it reach the plan in any format (${refuse ? "401 on /auth/token" : "400 on a later call"})`, async () => {
      const server = await startEchoServer(echoBody, { refuse });
      try {
        const outputs: string[] = [];
        for (const format of ["text", "markdown", "json"]) {
          const result = await world.run(["plan", "--format", format, "--out", "plan.json"], {
            env: { EMI_ACTITO_URL: server.url, ACTITO_KEY_NORDLYS: KEY },
          });
          outputs.push(result.out, result.err, await world.read("plan.json"));
        }
        expect(server.keysReceived).toContain(KEY);
        const everything = outputs.join("\n");
        expect(everything).toContain(refuse ? "key-rejected" : "actito-unavailable");
        for (const [form, text] of Object.entries(echoedForms(KEY)))
          expect(everything, form).not.toContain(text);
      } finally {
        await server.close();
      }
    });
  }

  it("never sends a variable outside the allow-list or a file outside the repository as a key", async () => {
    const server = await startEchoServer(() => "{}");
    try {
      const outsideDir = join(world.dir, "..", `${world.dir.split("/").at(-1)}-outside`);
      mkdirSync(outsideDir, { recursive: true });
      writeFileSync(join(outsideDir, "stolen"), "the-contents-of-a-file-outside");
      const yaml = await world.read("integrations/1042.yaml");
      for (const ref of [
        "env:GITHUB_TOKEN",
        "env:EMI_STORE",
        "file:../x-outside/stolen",
        "file:/etc/hostname",
      ]) {
        await world.write("integrations/1042.yaml", yaml.replace("env:ACTITO_KEY_NORDLYS", ref));
        const result = await world.run(["plan", "--format", "json"], {
          env: { EMI_ACTITO_URL: server.url, GITHUB_TOKEN: "ghs_the_ci_token_0123456789" },
        });
        expect(result.code, ref).toBe(1);
        await world.run(["apply", "--yes"], {
          env: { EMI_ACTITO_URL: server.url, GITHUB_TOKEN: "ghs_x0123456789" },
        });
        await world.run(["sync"], { env: { EMI_ACTITO_URL: server.url, GITHUB_TOKEN: "ghs_x0123456789" } });
      }
      // Only the other example integrations' own keys ever reached the server.
      expect(server.keysReceived.every((k) => k.startsWith("sandbox-key-"))).toBe(true);
      expect(server.keysReceived.join("\n")).not.toMatch(/ghs_|sqlite:|the-contents/);
    } finally {
      await server.close();
    }
  });
});
