import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validateDirectory } from "../../../src/config/validate-directory.ts";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

const ARMORED =
  "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n-----END AGE ENCRYPTED FILE-----\n";

describe("secret references", () => {
  let repo: string;
  let outside: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "emi-refs-"));
    outside = mkdtempSync(join(tmpdir(), "emi-outside-"));
    mkdirSync(join(repo, "integrations"));
    mkdirSync(join(repo, "secrets"));
    writeFileSync(join(outside, "stolen.key"), "the CI's secret");
  });
  afterEach(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const declare = (account: number, ref: string) =>
    writeFileSync(
      join(repo, "integrations", `${account}.yaml`),
      declarationText(account).replace(`env:ACTITO_KEY_${account}`, ref),
    );
  const codes = async () =>
    (await validateDirectory("integrations", { cwd: repo })).diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column} ${d.code}`,
    );

  it("refuses env: names outside the allow-list, at the reference's position", async () => {
    declare(1042, "env:GITHUB_TOKEN");
    declare(1043, "env:EMI_STORE");
    declare(1044, "env:ACTITO_KEY_ANYTHING");
    expect(await codes()).toEqual([
      "integrations/1042.yaml:7:24 secret-env-not-allowed",
      "integrations/1043.yaml:7:24 secret-env-not-allowed",
    ]);
    const result = await validateDirectory("integrations", { cwd: repo });
    expect(result.diagnostics[0]!.message).toContain("emi.config.yaml");
    expect(result.declared.map((d) => d.integration.account)).toEqual([1044]);
  });

  it("takes the allow-list from emi.config.yaml at the repository root", async () => {
    writeFileSync(join(repo, "emi.config.yaml"), "secretEnvAllowList: [CRM_*]\n");
    declare(1042, "env:CRM_KEY_ACME");
    declare(1043, "env:ACTITO_KEY_1043");
    expect(await codes()).toEqual(["integrations/1043.yaml:7:24 secret-env-not-allowed"]);
  });

  it("refuses file: and age: paths that leave the repository, by .. or an absolute path", async () => {
    declare(1042, "file:/etc/passwd");
    declare(1043, "file:../../x");
    declare(1044, `age:${join(outside, "stolen.key")}`);
    declare(1045, "file:secrets/../../outside.key");
    expect(await codes()).toEqual([
      "integrations/1042.yaml:7:24 secret-outside-repository",
      "integrations/1043.yaml:7:24 secret-outside-repository",
      "integrations/1044.yaml:7:24 secret-outside-repository",
      "integrations/1045.yaml:7:24 secret-outside-repository",
    ]);
  });

  it("refuses a path that leads out through a symbolic link, and accepts links that stay inside", async () => {
    symlinkSync(join(outside, "stolen.key"), join(repo, "secrets/link.key"));
    symlinkSync(outside, join(repo, "secrets/folder"));
    writeFileSync(join(repo, "secrets/real.key"), "k");
    symlinkSync(join(repo, "secrets/real.key"), join(repo, "secrets/inside.key"));
    declare(1042, "file:secrets/link.key");
    declare(1043, "file:secrets/folder/not-there.key");
    declare(1044, "file:secrets/inside.key");
    declare(1045, "file:secrets/not-written-yet.key");
    expect(await codes()).toEqual([
      "integrations/1042.yaml:7:24 secret-outside-repository",
      "integrations/1043.yaml:7:24 secret-outside-repository",
    ]);
  });

  it("never says whether a file: reference exists", async () => {
    declare(1042, "file:secrets/missing.key");
    expect(await codes()).toEqual([]);
  });

  it("checks that an age: file exists in the repository and is ASCII-armored", async () => {
    writeFileSync(join(repo, "secrets/1042.age"), ARMORED);
    writeFileSync(join(repo, "secrets/1043.age"), "the key in clear\n");
    declare(1042, "age:secrets/1042.age");
    declare(1043, "age:secrets/1043.age");
    declare(1044, "age:secrets/1044.age");
    const result = await validateDirectory("integrations", { cwd: repo });
    expect(where(result)).toEqual([
      ["integrations/1043.yaml", 7, 24, "age-file-not-armored"],
      ["integrations/1044.yaml", 7, 24, "age-file-missing"],
    ]);
    expect(result.diagnostics[1]!.message).toBe(
      "secrets/1044.age is not in the repository: create it with npx emi secret encrypt --account 1044 and commit it",
    );
    expect(JSON.stringify(result)).not.toContain("the key in clear");
  });

  it("refuses an age: file over 64 KiB with what to do, without reading it as a secret", async () => {
    writeFileSync(join(repo, "secrets/1042.age"), `${ARMORED}${"x".repeat(64 * 1024)}`);
    writeFileSync(join(repo, "secrets/1043.age"), ARMORED.padEnd(64 * 1024, "\n"));
    declare(1042, "age:secrets/1042.age");
    declare(1043, "age:secrets/1043.age");
    const result = await validateDirectory("integrations", { cwd: repo });
    expect(where(result)).toEqual([["integrations/1042.yaml", 7, 24, "age-file-too-large"]]);
    expect(result.diagnostics[0]!.message).toBe(
      "secrets/1042.age is larger than 64 KiB, so emi will not read it as a secret (an encrypted API key is under 1 KiB): is it the right file? Write the key again with npx emi secret encrypt --account 1042 --force",
    );
  });

  it("checks what the text says without a disk (in-memory validation)", () => {
    const text = (ref: string) => declarationText(1042).replace("env:ACTITO_KEY_1042", ref);
    expect(where(validateTexts({ "integrations/1042.yaml": text("file:../x") }))).toEqual([
      ["integrations/1042.yaml", 7, 24, "secret-outside-repository"],
    ]);
    expect(where(validateTexts({ "integrations/1042.yaml": text("env:HOME") }))).toEqual([
      ["integrations/1042.yaml", 7, 24, "secret-env-not-allowed"],
    ]);
    expect(where(validateTexts({ "integrations/1042.yaml": text("age:secrets/1042.age") }))).toEqual([]);
  });

  it("reports a broken emi.config.yaml with its position", async () => {
    writeFileSync(join(repo, "emi.config.yaml"), "secretEnvAllowlist: [ACTITO_*]\n");
    declare(1042, "env:ACTITO_KEY_1042");
    expect(await codes()).toEqual(["emi.config.yaml:1:1 unknown-key"]);
  });
});
