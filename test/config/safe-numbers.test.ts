import { describe, expect, it } from "vitest";
import { validateDeclarations } from "../../src/config/validate-declarations.ts";

function declaration(account: string, sisters: string): Uint8Array {
  return new TextEncoder().encode(
    [
      `account: ${account}`,
      "provider: actito",
      "actito:",
      "  endpoint: api3",
      "  entity: acme",
      "  email: crm@acme.example",
      "  apiKey: { secretRef: env:ACTITO_KEY_ACME }",
      `sisterAccounts: ${sisters}`,
      "",
    ].join("\n"),
  );
}

describe("account numbers a declaration may hold", () => {
  it("refuses an account beyond 2^53 - 1 instead of rounding it", () => {
    const result = validateDeclarations([
      { file: "integrations/9007199254740993.yaml", bytes: declaration("9007199254740993", "[]") },
    ]);
    expect(result.declared).toEqual([]);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        line: 1,
        column: 10,
        code: "invalid-value",
        message: "account is larger than 9007199254740991, the largest account number emi can hold exactly",
      }),
    );
  });

  it("refuses a sister of 10^20 at validate time, not as a bug at apply", () => {
    const result = validateDeclarations([
      { file: "integrations/1042.yaml", bytes: declaration("1042", "[1043, 100000000000000000000]") },
    ]);
    expect(result.declared).toEqual([]);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        line: 8,
        code: "invalid-value",
        message: expect.stringMatching(/^sisterAccounts item 2 is larger than 9007199254740991/),
      }),
    );
  });

  it("refuses more than 1,000 sisters", () => {
    const sisters = `[${Array.from({ length: 1001 }, (_, i) => 5000 + i).join(", ")}]`;
    const result = validateDeclarations([
      { file: "integrations/1042.yaml", bytes: declaration("1042", sisters) },
    ]);
    expect(result.diagnostics.map((d) => d.message)).toContain(
      "sisterAccounts lists 1001 accounts; at most 1000 are allowed",
    );
  });

  it("accepts the largest safe integer", () => {
    const result = validateDeclarations([
      { file: "integrations/9007199254740991.yaml", bytes: declaration("9007199254740991", "[]") },
    ]);
    expect(result.diagnostics).toEqual([]);
  });
});
