import { describe, expect, it } from "vitest";
import { validateDeclarations } from "../../src/config/validate-declarations.ts";

const file = (name: string, text: string) => ({ file: `integrations/${name}`, bytes: Buffer.from(text) });

describe("cross-file rules on files that fail the schema", () => {
  it("reports a sister claimed twice when the other file also has a schema error", () => {
    const result = validateDeclarations([
      file(
        "1042.yaml",
        "account: 1042\nprovider: actito\nactito:\n  endpoint: api3\n  entity: a\n  email: a@a.example\n  apiKey: { secretRef: env:ACTITO_KEY_A }\nsisterAccounts: [1044]\n",
      ),
      file(
        "1050.yaml",
        "account: 1050\nprovider: actito\nactito:\n  endpoint: api9\n  entity: b\n  email: b@b.example\n  apiKey: { secretRef: env:ACTITO_KEY_B }\nsisterAccounts: [1044]\n",
      ),
    ]);
    const codes = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.code}`);
    expect(codes).toContain("integrations/1050.yaml:4:invalid-value");
    expect(codes.some((c) => c.endsWith(":sister-claimed-twice"))).toBe(true);
    // The claim is reported where it is made second; the first file stays valid.
    expect(result.declared.map((d) => d.file)).toEqual(["integrations/1042.yaml"]);
  });

  it("reports an account that is both declared and a sister when its own file has a typo", () => {
    const result = validateDeclarations([
      file(
        "1042.yaml",
        "account: 1042\nprovider: actito\nactito:\n  endpoint: api3\n  entity: a\n  email: a@a.example\n  apiKey: { secretRef: env:ACTITO_KEY_A }\nsisterAccounts: [1043]\n",
      ),
      file(
        "1043.yaml",
        "account: 1043\nprovider: actito\nactito:\n  endpont: api3\n  entity: a\n  email: a@a.example\n  apiKey: { secretRef: env:ACTITO_KEY_A }\n",
      ),
    ]);
    const codes = result.diagnostics.map((d) => d.code);
    expect(codes).toContain("unknown-key");
    expect(codes).toContain("sister-has-own-declaration");
    // An unreadable entity never counts as a clash.
    expect(codes).not.toContain("entity-table-shared");
  });

  it("leaves files whose account is unreadable out of the cross-file rules", () => {
    const result = validateDeclarations([
      file("1042.yaml", "account: one\nprovider: actito\nactito:\n  endpoint: api3\n  entity: a\n"),
    ]);
    expect(result.diagnostics.map((d) => d.code)).not.toContain("account-mismatch-filename");
  });
});
