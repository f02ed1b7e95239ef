import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { envNameAllowed, loadRepoConfig, repoRootOf } from "../../src/config/load-repo-config.ts";

const RECIPIENT = "age13pjhle7lgfeqxgy9m6gnnurfxc732tg6kv06q6dsljrj07v2fe9su34tqg";

describe("loadRepoConfig", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "emi-config-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("gives the defaults when there is no emi.config.yaml", async () => {
    const loaded = await loadRepoConfig(root);
    expect(loaded).toMatchObject({ exists: false, diagnostics: [], root });
    expect(loaded.config).toEqual({
      ageRecipients: [],
      secretEnvAllowList: ["ACTITO_*"],
      retention: { deletedProfilesDays: 30 },
    });
  });

  it("reads ageRecipients, secretEnvAllowList and retention", async () => {
    writeFileSync(
      join(root, "emi.config.yaml"),
      `# yaml-language-server: $schema=schemas/emi-config.schema.json\nageRecipients:\n  - ${RECIPIENT}\nsecretEnvAllowList: [ACTITO_*, CRM_KEY]\nretention: { deletedProfilesDays: 90 }\n`,
    );
    const loaded = await loadRepoConfig(root);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.config).toEqual({
      ageRecipients: [RECIPIENT],
      secretEnvAllowList: ["ACTITO_*", "CRM_KEY"],
      retention: { deletedProfilesDays: 90 },
    });
  });

  it("treats an empty file as the defaults", async () => {
    writeFileSync(join(root, "emi.config.yaml"), "# nothing yet\n");
    const loaded = await loadRepoConfig(root);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.config.secretEnvAllowList).toEqual(["ACTITO_*"]);
  });

  it("reports unknown keys, bad recipients and bad patterns at their line and column", async () => {
    mkdirSync(join(root, "integrations"));
    writeFileSync(
      join(root, "emi.config.yaml"),
      [
        "ageRecipients:",
        `  - ${RECIPIENT}`,
        "  - age1notakey0000000000000000",
        "  - ssh-ed25519 AAAA",
        "secretEnvAllowList: [ACTITO-*]",
        "agerecipients: []",
        "",
      ].join("\n"),
    );
    const loaded = await loadRepoConfig(root, { cwd: join(root, "integrations") });
    const shown = loaded.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`);
    expect(shown).toEqual(
      expect.arrayContaining([
        "../emi.config.yaml:4:5 invalid-value",
        "../emi.config.yaml:5:22 invalid-value",
        "../emi.config.yaml:6:1 unknown-key",
      ]),
    );
    expect(loaded.diagnostics.every((d) => d.severity === "error")).toBe(true);
    // The bad allow-list is not used: the default stays in force.
    expect(loaded.config.secretEnvAllowList).toEqual(["ACTITO_*"]);
  });

  it("reports a recipient the age library refuses (a typo in the bech32 text)", async () => {
    const typo = `${RECIPIENT.slice(0, -1)}x`;
    writeFileSync(join(root, "emi.config.yaml"), `ageRecipients: [${typo}]\n`);
    const loaded = await loadRepoConfig(root);
    expect(loaded.diagnostics).toMatchObject([
      { line: 1, column: 17, code: "invalid-value", path: "/ageRecipients/0" },
    ]);
    expect(loaded.diagnostics[0]!.message).toContain("not a valid age public key");
  });

  it("reports YAML errors with their position", async () => {
    writeFileSync(join(root, "emi.config.yaml"), "ageRecipients: [\n");
    const loaded = await loadRepoConfig(root);
    expect(loaded.diagnostics[0]).toMatchObject({ file: "emi.config.yaml", code: "yaml-syntax" });
  });
});

describe("repoRootOf", () => {
  it("is the parent of the declarations folder", () => {
    expect(repoRootOf("integrations", "/repo")).toBe("/repo");
    expect(repoRootOf("config/integrations", "/repo")).toBe("/repo/config");
    expect(repoRootOf("/elsewhere/integrations", "/repo")).toBe("/elsewhere");
  });
});

describe("envNameAllowed", () => {
  it("matches names and * patterns of letters, digits and underscores", () => {
    expect(envNameAllowed("ACTITO_KEY_ACME", ["ACTITO_*"])).toBe(true);
    expect(envNameAllowed("ACTITO_", ["ACTITO_*"])).toBe(true);
    expect(envNameAllowed("GITHUB_TOKEN", ["ACTITO_*"])).toBe(false);
    expect(envNameAllowed("EMI_STORE", ["ACTITO_*"])).toBe(false);
    expect(envNameAllowed("XACTITO_KEY", ["ACTITO_*"])).toBe(false);
    expect(envNameAllowed("CRM_KEY", ["ACTITO_*", "CRM_KEY"])).toBe(true);
    expect(envNameAllowed("CRM_KEY2", ["CRM_KEY"])).toBe(false);
    expect(envNameAllowed("KEY_FOR_ACME", ["*_ACME"])).toBe(true);
  });
});
