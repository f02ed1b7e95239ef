import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ageKeyPair } from "../config/age-fixture.ts";
import { FakeGitHub } from "../github/fake-github.ts";
import { createWorld, KEYS, type World } from "./e2e-harness.ts";

let world: World;
beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => {
  await world.close();
});

describe("secrets", () => {
  it("never appear in any output, plan file or store file", async () => {
    const wrongKey = "sandbox-key-revoked-0123456789abcdef";
    for (const format of ["text", "markdown", "json"]) {
      await world.run(["plan", "--format", format, "--out", `plan-${format}.json`]);
      await world.run(["drift", "--format", format]);
    }
    await world.run(["apply", "--yes"]);
    await world.write(
      "integrations/1042.yaml",
      (await world.read("integrations/1042.yaml")).replace("[1043]", "[1043, 1044]"),
    );
    for (const format of ["text", "markdown", "json"]) {
      await world.run(["apply", "--yes", "--format", format], { env: { ACTITO_KEY_LUMEN: wrongKey } });
      await world.run(["drift", "--format", format], { env: { ACTITO_KEY_NORDLYS: wrongKey } });
      await world.run(["plan", "--format", format], { env: { ACTITO_KEY_BOREAL: wrongKey } });
    }
    const files: string[] = [];
    for (const name of await readdir(world.dir))
      if (name.endsWith(".json")) files.push(await world.read(name));
    for (const name of await readdir(join(world.dir, ".emi"))) {
      files.push((await readFile(join(world.dir, ".emi", name))).toString("latin1"));
    }
    expect(files.length).toBeGreaterThanOrEqual(4);
    const everything = [...world.outputs, ...files].join("\n");
    expect(everything).toContain("key-rejected");
    expect(everything).toContain("(sensitive)");
    for (const key of [...Object.values(KEYS), wrongKey]) expect(everything).not.toContain(key);
  });

  it("never appear in the outputs of refusals, adoption, edited plans, claim-order errors and sync summaries", async () => {
    await world.run(["apply", "--yes"]);
    const fresh = ["--store", `sqlite:${world.dir}/.emi/fresh.db`];
    for (const format of ["text", "markdown", "json"]) {
      await world.run(["plan", "--format", format, ...fresh]);
      await world.run(["apply", "--yes", "--format", format, ...fresh]);
    }
    for (const format of ["text", "json"]) await world.run(["sync", "--full", "--format", format, ...fresh]);
    await world.write(
      "integrations/1042.yaml",
      (await world.read("integrations/1042.yaml")).replace(
        "  profileTable: customers",
        "  profileTable: customers\n  adoptExistingReaids: true",
      ),
    );
    await world.run(["plan", "--out", "adopt.json", ...fresh]);
    const edited = JSON.parse(await world.read("adopt.json"));
    edited.repo = "mallory/x";
    await world.write("edited.json", JSON.stringify(edited));
    await world.run(["apply", "edited.json", "--yes", ...fresh]);
    await world.remove("integrations/1071.yaml");
    await world.write(
      "integrations/1042.yaml",
      (await world.read("integrations/1042.yaml")).replace("[1043]", "[1043, 1071]"),
    );
    for (const format of ["text", "markdown", "json"]) {
      await world.run(["plan", "--allow-deactivate", "--format", format]);
      await world.run(["apply", "--yes", "--allow-deactivate", "--format", format]);
      await world.run(["drift", "--format", format]);
    }
    const files: string[] = [];
    for (const name of await readdir(world.dir))
      if (name.endsWith(".json")) files.push(await world.read(name));
    for (const name of await readdir(join(world.dir, ".emi"))) {
      files.push((await readFile(join(world.dir, ".emi", name))).toString("latin1"));
    }
    const everything = [...world.outputs, ...files].join("\n");
    expect(everything).toContain("values emi did not write");
    expect(everything).toContain("modified after `emi plan`");
    expect(everything).toContain("claim-order");
    expect(everything).toContain("hmac-sha256:");
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
  });
});

describe("secrets from age: references", () => {
  it("never appear in any output, plan file, store file, GitHub request or step summary", async () => {
    const ci = await ageKeyPair();
    const github = await new FakeGitHub().start();
    try {
      await world.write("emi.config.yaml", `ageRecipients: [${ci.recipient}]\n`);
      // Every example integration takes its key from an age file: no key in the environment at all.
      const env: Record<string, string | undefined> = {
        EMI_AGE_IDENTITY: ci.identity,
        GITHUB_TOKEN: github.token,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
        GITHUB_STEP_SUMMARY: join(world.dir, "step-summary.md"),
      };
      for (const name of Object.keys(KEYS)) env[name] = undefined;
      for (const file of await readdir(join(world.dir, "integrations"))) {
        const text = await world.read(`integrations/${file}`);
        const account = Number(/^account: (\d+)/m.exec(text)![1]);
        const name = /env:(ACTITO_KEY_\w+)/.exec(text)![1] as keyof typeof KEYS;
        const encrypted = await world.run(["secret", "encrypt", "--account", String(account)], {
          stdin: `${KEYS[name]}\n`,
        });
        expect(encrypted.code).toBe(0);
        await world.write(`integrations/${file}`, text.replace(`env:${name}`, `age:secrets/${account}.age`));
      }
      const pr = github.addPullRequest();
      for (const format of ["text", "markdown", "json"]) {
        await world.run(["plan", "--format", format, "--out", `plan-${format}.json`], { env });
        await world.run(["drift", "--format", format], { env });
      }
      await world.run(["plan", "--comment", "--pr", String(pr)], { env });
      expect((await world.run(["apply", "--yes", "--comment", "--pr", String(pr)], { env })).code).toBe(0);
      await world.run(["sync", "--full", "--format", "json"], { env });
      await world.run(["drift", "--report"], { env });
      // A wrong identity and a missing one: the error paths too.
      const wrong = await ageKeyPair();
      await world.run(["plan", "--format", "markdown"], {
        env: { ...env, EMI_AGE_IDENTITY: wrong.identity },
      });
      await world.run(["apply", "--yes"], { env: { ...env, EMI_AGE_IDENTITY: undefined } });

      const files: string[] = [];
      for (const name of await readdir(world.dir))
        if (name.endsWith(".json") || name.endsWith(".md")) files.push(await world.read(name));
      for (const name of await readdir(join(world.dir, ".emi"))) {
        files.push((await readFile(join(world.dir, ".emi", name))).toString("latin1"));
      }
      expect(files.length).toBeGreaterThanOrEqual(5);
      expect(github.commentsOn(pr)).toHaveLength(1);
      const everything = [...world.outputs, ...files, github.everythingSent()].join("\n");
      expect(everything).toContain("(sensitive)");
      expect(everything).toContain("cannot decrypt secrets/");
      for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
      for (const identity of [ci.identity, wrong.identity]) {
        expect(everything).not.toContain(identity);
        expect(everything).not.toContain(identity.slice(15, 35));
      }
    } finally {
      await github.stop();
    }
  });
});
