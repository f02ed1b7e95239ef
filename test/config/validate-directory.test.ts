import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DirectoryNotFoundError } from "../../src/config/directory-not-found-error.ts";
import { maxDeclarationBytes } from "../../src/config/parse-declaration.ts";
import { validateDirectory } from "../../src/config/validate-directory.ts";
import { declarationText } from "./declaration-text.ts";

const repository = new URL("../..", import.meta.url).pathname;

describe("validateDirectory", () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), "emi-validate-"));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it("validates every example declaration in integrations/", async () => {
    const result = await validateDirectory("integrations", { cwd: repository });
    const names = readdirSync(join(repository, "integrations")).filter((n) => /\.ya?ml$/.test(n));
    expect(result.diagnostics).toEqual([]);
    expect(result.files).toBe(names.length);
    expect(result.declared.map((d) => d.file)).toEqual(names.sort().map((n) => `integrations/${n}`));
    expect(result.declared.some((d) => d.integration.sisterAccounts.length > 0)).toBe(true);
    expect(result.declared.some((d) => !d.integration.emailSync)).toBe(true);
  });

  it("returns normalised integrations with a content hash, in file name order, sub-folders included", async () => {
    mkdirSync(join(cwd, "integrations/eu"), { recursive: true });
    const text = declarationText(1042, { sisters: [1044, 1043] });
    writeFileSync(join(cwd, "integrations/1042.yaml"), text);
    writeFileSync(join(cwd, "integrations/eu/1010.yml"), declarationText(1010, { table: null }));
    writeFileSync(join(cwd, "integrations/notes.txt"), "not a declaration");
    const result = await validateDirectory("integrations", { cwd });
    expect(result.files).toBe(2);
    expect(result.declared.map((d) => d.file)).toEqual([
      "integrations/1042.yaml",
      "integrations/eu/1010.yml",
    ]);
    const [first, second] = result.declared;
    expect(first!.contentHash).toBe(`sha256:${createHash("sha256").update(text).digest("hex")}`);
    expect(first!.integration).toEqual({
      account: 1042,
      provider: "actito",
      actito: {
        endpoint: "api3",
        entity: "shop1042",
        email: "crm@shop1042.example",
        apiKey: { secretRef: "env:ACTITO_KEY_1042" },
        profileTable: "customers",
        reaidAttribute: "reaid",
      },
      sisterAccounts: [1043, 1044],
      emailSync: true,
    });
    expect(second!.integration.actito).not.toHaveProperty("profileTable");
    expect(second!.integration.sisterAccounts).toEqual([]);
  });

  it("reports a file over 1 MiB on disk with the file-too-large code", async () => {
    mkdirSync(join(cwd, "integrations"));
    writeFileSync(join(cwd, "integrations/1042.yaml"), `# ${"x".repeat(maxDeclarationBytes)}\n`);
    const result = await validateDirectory("integrations", { cwd });
    expect(result.diagnostics.map((d) => [d.file, d.line, d.column, d.code])).toEqual([
      ["integrations/1042.yaml", 1, 1, "file-too-large"],
    ]);
  });

  it("names files relative to the working directory when the folder is elsewhere", async () => {
    const elsewhere = join(cwd, "repo", "integrations");
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, "1042.yaml"), declarationText(1043));
    const result = await validateDirectory(elsewhere, { cwd: join(cwd, "repo") });
    expect(result.diagnostics[0]!.file).toBe("integrations/1042.yaml");
  });

  it("throws DirectoryNotFoundError naming the folder as given when it does not exist", async () => {
    await expect(validateDirectory("nope", { cwd })).rejects.toThrow(DirectoryNotFoundError);
    await expect(validateDirectory("nope", { cwd })).rejects.toThrow('"nope"');
    writeFileSync(join(cwd, "file"), "");
    await expect(validateDirectory("file", { cwd })).rejects.toThrow(DirectoryNotFoundError);
  });

  it("reads the example files it validates, byte for byte", async () => {
    const result = await validateDirectory("integrations", { cwd: repository });
    for (const declared of result.declared) {
      const bytes = readFileSync(join(repository, declared.file));
      expect(declared.contentHash).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    }
  });
});
