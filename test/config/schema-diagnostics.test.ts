import { describe, expect, it } from "vitest";
import { declarationText, validateTexts } from "./declaration-text.ts";

const file = "integrations/1042.yaml";
const only = (text: string) => validateTexts({ [file]: text }).diagnostics;

describe("schema diagnostics", () => {
  it("names an unknown key at its position and suggests the closest field", () => {
    const text = declarationText(1042).replace("  endpoint: api3", "  endpont: api3");
    expect(only(text)).toEqual([
      {
        file,
        line: 4,
        column: 3,
        endLine: 4,
        endColumn: 10,
        code: "unknown-key",
        severity: "error",
        message: '"endpont" is not a field of actito; did you mean "endpoint"?',
        path: "/actito/endpont",
      },
    ]);
  });

  it("lists the fields when an unknown key is not close to any", () => {
    const [d] = only(`${declarationText(1042)}colour: blue\n`);
    expect([d!.line, d!.column, d!.code]).toEqual([9, 1, "unknown-key"]);
    expect(d!.message).toContain("the fields are account, provider, actito, sisterAccounts, emailSync");
  });

  it("lists the four valid endpoints at the value when the endpoint is wrong", () => {
    const [d] = only(declarationText(1042).replace("endpoint: api3", "endpoint: api4"));
    expect([d!.line, d!.column, d!.code, d!.path]).toEqual([4, 13, "invalid-value", "/actito/endpoint"]);
    expect(d!.message).toBe('endpoint is "api4"; use one of: api, api1, api3, apitest (did you mean "api"?)');
  });

  it("points a missing field at its parent key", () => {
    const [d] = only(declarationText(1042).replace("  entity: shop1042\n", ""));
    expect([d!.line, d!.column, d!.code, d!.path]).toEqual([3, 1, "missing-field", "/actito/entity"]);
    expect(d!.message).toMatch(/^actito is missing the required field "entity"/);
  });

  it("reports every schema problem of a file at once", () => {
    const text = declarationText(1042)
      .replace("account: 1042", "account: -5")
      .replace("crm@shop1042.example", "not-an-address")
      .replace("env:ACTITO_KEY_1042", "vault:x");
    expect(only(text).map((d) => [d.line, d.code, d.path])).toEqual([
      [1, "invalid-value", "/account"],
      [6, "invalid-value", "/actito/email"],
      [7, "invalid-value", "/actito/apiKey/secretRef"],
    ]);
  });

  it("reports a wrong type in words, at the value", () => {
    const [d] = only(`${declarationText(1042)}emailSync: "yes"\n`);
    expect([d!.line, d!.column, d!.code]).toEqual([9, 12, "wrong-type"]);
    expect(d!.message).toBe('emailSync must be true or false, not "yes"');
  });

  it("reports a sister account listed twice at the second one", () => {
    const [d] = only(declarationText(1042, { sisters: [1043, 1043] }));
    expect([d!.line, d!.column, d!.code, d!.path]).toEqual([11, 5, "duplicate-item", "/sisterAccounts/1"]);
  });

  it("enforces Actito's 50-character limit on the REAID attribute", () => {
    const [d] = only(
      declarationText(1042).replace("  profileTable", `  reaidAttribute: ${"r".repeat(51)}\n  profileTable`),
    );
    expect([d!.line, d!.code]).toEqual([8, "invalid-value"]);
    expect(d!.message).toContain("at most 50");
  });

  it("never quotes a value that looks like a key in a schema message", () => {
    const secret = "Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbA";
    const diagnostics = only(declarationText(1042).replace("endpoint: api3", `endpoint: ${secret}`));
    expect(diagnostics.map((d) => d.code)).toContain("literal-secret");
    expect(JSON.stringify(diagnostics)).not.toContain(secret);
  });
});
