import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readSecret, type SecretSource } from "../../src/config/resolve-secret.ts";
import { ageKeyPair, encryptArmored } from "./age-fixture.ts";

const KEY = "Zx8kP2qLm9RtV4wNb7Yc3HsJd6GfA1eU";

describe("readSecret", () => {
  let root: string;
  let outside: string;
  let source: SecretSource;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "emi-secret-"));
    outside = mkdtempSync(join(tmpdir(), "emi-secret-out-"));
    mkdirSync(join(root, "secrets"));
    source = { env: {}, cwd: join(root, "integrations"), root };
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("reads an allowed env: variable, trimmed, and names an unset one", async () => {
    source.env = { ACTITO_KEY_ACME: ` ${KEY}\n` };
    expect(await readSecret("env:ACTITO_KEY_ACME", source)).toEqual({ ok: true, value: KEY });
    expect(await readSecret("env:ACTITO_KEY_OTHER", source)).toEqual({
      ok: false,
      reason: "unset",
      message: "env:ACTITO_KEY_OTHER is not set here",
    });
  });

  it("never reads a variable outside the allow-list, even when it is set", async () => {
    source.env = { GITHUB_TOKEN: "ghs_secret", EMI_STORE: "postgres://u:pw@h/db", CRM_KEY: KEY };
    for (const ref of ["env:GITHUB_TOKEN", "env:EMI_STORE", "env:CRM_KEY"]) {
      const reading = await readSecret(ref, source);
      expect(reading).toMatchObject({ ok: false, reason: "not-allowed" });
      expect(JSON.stringify(reading)).not.toMatch(/ghs_secret|pw@h|Zx8k/);
    }
    expect(await readSecret("env:CRM_KEY", { ...source, envAllowList: ["CRM_*"] })).toEqual({
      ok: true,
      value: KEY,
    });
  });

  it("reads file: paths relative to the repository root, not the working directory", async () => {
    writeFileSync(join(root, "secrets/acme.key"), `${KEY}\n`);
    expect(await readSecret("file:secrets/acme.key", source)).toEqual({ ok: true, value: KEY });
  });

  it("never reads a file outside the repository: .., absolute paths, symbolic links", async () => {
    writeFileSync(join(outside, "stolen"), KEY);
    symlinkSync(join(outside, "stolen"), join(root, "secrets/link.key"));
    symlinkSync(outside, join(root, "secrets/dir"));
    for (const ref of [
      `file:${join(outside, "stolen")}`,
      "file:../" + outside.split("/").at(-1) + "/stolen",
      "file:secrets/link.key",
      "file:secrets/dir/stolen",
      "age:secrets/link.key",
      "file:/etc/passwd",
    ]) {
      const reading = await readSecret(ref, source);
      expect(reading, ref).toMatchObject({ ok: false, reason: "not-allowed" });
      expect((reading as { message: string }).message).toBe(`${ref} is outside the repository`);
    }
  });

  it("says the same for a missing, an unreadable and an empty file", async () => {
    writeFileSync(join(root, "secrets/empty.key"), "\n");
    writeFileSync(join(root, "secrets/locked.key"), KEY);
    chmodSync(join(root, "secrets/locked.key"), 0o000);
    mkdirSync(join(root, "secrets/folder.key"));
    writeFileSync(join(root, "secrets/huge.key"), "x".repeat(100_000));
    // root reads a file whatever its mode: then only the other cases are checked.
    const names = ["missing.key", "empty.key", "folder.key", "huge.key"];
    if (process.getuid?.() !== 0) names.push("locked.key");
    const messages: string[] = [];
    for (const name of names) {
      const reading = await readSecret(`file:secrets/${name}`, source);
      expect(reading).toMatchObject({ ok: false, reason: "unreadable" });
      messages.push((reading as { message: string }).message.replace(name, "X"));
    }
    expect(new Set(messages)).toEqual(new Set(["file:secrets/X is not readable here"]));
  });

  describe("age:", () => {
    it("decrypts an armored file with the identity in EMI_AGE_IDENTITY, in memory", async () => {
      const ci = await ageKeyPair();
      const other = await ageKeyPair();
      writeFileSync(join(root, "secrets/1042.age"), await encryptArmored(`${KEY}\n`, [ci.recipient]));
      source.env = {
        EMI_AGE_IDENTITY: `# created: today\n# public key: ${ci.recipient}\n${other.identity}\n${ci.identity}\n`,
      };
      expect(await readSecret("age:secrets/1042.age", source)).toEqual({ ok: true, value: KEY });
    });

    it("reads identities from EMI_AGE_IDENTITY_FILE", async () => {
      const ci = await ageKeyPair();
      writeFileSync(join(root, "secrets/1042.age"), await encryptArmored(KEY, [ci.recipient]));
      const file = join(outside, "identity.txt");
      writeFileSync(file, `${ci.identity}\n`);
      source.env = { EMI_AGE_IDENTITY_FILE: file };
      expect(await readSecret("age:secrets/1042.age", source)).toEqual({ ok: true, value: KEY });
    });

    it("says only that it cannot decrypt with the wrong identity, never the identity", async () => {
      const ci = await ageKeyPair();
      const wrong = await ageKeyPair();
      writeFileSync(join(root, "secrets/1042.age"), await encryptArmored(KEY, [ci.recipient]));
      for (const env of [
        { EMI_AGE_IDENTITY: wrong.identity },
        { EMI_AGE_IDENTITY: "AGE-SECRET-KEY-1NOTAVALIDKEY" },
        { EMI_AGE_IDENTITY: "garbage" },
      ]) {
        const reading = await readSecret("age:secrets/1042.age", { ...source, env });
        expect(reading).toEqual({
          ok: false,
          reason: "undecryptable",
          message: "cannot decrypt secrets/1042.age with the identities in EMI_AGE_IDENTITY",
        });
      }
      const file = join(outside, "identity.txt");
      writeFileSync(file, wrong.identity);
      const reading = await readSecret("age:secrets/1042.age", {
        ...source,
        env: { EMI_AGE_IDENTITY_FILE: file },
      });
      expect(reading).toMatchObject({
        message: "cannot decrypt secrets/1042.age with the identities in EMI_AGE_IDENTITY_FILE",
      });
    });

    it("says the same for a file that is not age, and no secret without any identity", async () => {
      const ci = await ageKeyPair();
      writeFileSync(join(root, "secrets/1042.age"), "-----BEGIN AGE ENCRYPTED FILE-----\nbroken\n");
      source.env = { EMI_AGE_IDENTITY: ci.identity };
      expect(await readSecret("age:secrets/1042.age", source)).toMatchObject({ reason: "undecryptable" });
      for (const env of [{}, { EMI_AGE_IDENTITY: "" }, { EMI_AGE_IDENTITY: "  \n" }]) {
        expect(await readSecret("age:secrets/1042.age", { ...source, env })).toEqual({
          ok: false,
          reason: "no-identity",
          message: "no secret available here for age:secrets/1042.age (EMI_AGE_IDENTITY is not set)",
        });
      }
      expect(await readSecret("age:secrets/none.age", source)).toMatchObject({
        reason: "unreadable",
        message: "age:secrets/none.age is not readable here",
      });
    });
  });
});

describe("EMI_AGE_IDENTITY_FILE", () => {
  it("is relative to the working directory, and named when it cannot be read", async () => {
    const root = mkdtempSync(join(tmpdir(), "emi-idfile-"));
    try {
      const ci = await ageKeyPair();
      mkdirSync(join(root, "secrets"));
      writeFileSync(join(root, "secrets/1.age"), await encryptArmored(KEY, [ci.recipient]));
      writeFileSync(join(root, "ci.key"), `${ci.identity}\n`);
      const source = { cwd: root, root };
      expect(
        await readSecret("age:secrets/1.age", { ...source, env: { EMI_AGE_IDENTITY_FILE: "ci.key" } }),
      ).toEqual({
        ok: true,
        value: KEY,
      });
      expect(
        await readSecret("age:secrets/1.age", { ...source, env: { EMI_AGE_IDENTITY_FILE: "missing.key" } }),
      ).toEqual({
        ok: false,
        reason: "undecryptable",
        message: "cannot decrypt secrets/1.age: EMI_AGE_IDENTITY_FILE (missing.key) is not readable here",
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
