import { describe, expect, it } from "vitest";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

const file = "integrations/1061.yaml";
const apiKey = "QWN0aXRvQXBpS2V5Rm9yTHVtZW4xMjM0NTY3ODkwYWJj";
const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsdW1lbiIsImV4cCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlc2lnbmF0dXJl";

describe("literal-secret", () => {
  it("fires when apiKey is a plain string, whatever it looks like, without repeating it", () => {
    const text = declarationText(1061).replace("{ secretRef: env:ACTITO_KEY_1061 }", '"hunter2"');
    const result = validateTexts({ [file]: text });
    expect(where(result)).toEqual([[file, 7, 11, "literal-secret"]]);
    expect(result.diagnostics[0]!.message).toBe(
      "apiKey must be a reference such as { secretRef: env:ACTITO_KEY_1061 }; the value was not printed",
    );
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });

  it("fires when any string value looks like an API key", () => {
    const text = declarationText(1061).replace("profileTable: customers", `profileTable: ${apiKey}`);
    const result = validateTexts({ [file]: text });
    expect(where(result)).toEqual([[file, 8, 17, "literal-secret"]]);
    expect(JSON.stringify(result)).not.toContain(apiKey);
  });

  it("fires when a token sits in the secret reference itself", () => {
    const text = declarationText(1061).replace("env:ACTITO_KEY_1061", jwt);
    const result = validateTexts({ [file]: text });
    expect(where(result)).toEqual([[file, 7, 24, "literal-secret"]]);
    expect(JSON.stringify(result)).not.toContain(jwt.slice(0, 20));
  });

  it("fires on a bearer header pasted as a value, and on a key that looks like a secret", () => {
    const text = `${declarationText(1061)}emailSync: "Bearer ${apiKey}"\n`;
    const codes = validateTexts({ [file]: text }).diagnostics.map((d) => d.code);
    expect(codes).toEqual(["literal-secret"]);
    const keyed = `${declarationText(1061)}${apiKey}: 1\n`;
    const result = validateTexts({ [file]: keyed });
    expect(where(result)).toEqual([[file, 9, 1, "literal-secret"]]);
    expect(JSON.stringify(result)).not.toContain(apiKey);
  });

  it("stays quiet on long names that are not secrets", () => {
    const text = declarationText(1061, {
      entity: "nordlys-webshop-and-outlet-store",
      table: "customers_2024_archive_table",
    });
    expect(validateTexts({ [file]: text }).diagnostics).toEqual([]);
  });
});

describe("literal-secret in references", () => {
  const ghp = `ghp_${"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"}`;
  const age = "AGE-SECRET-KEY-1QQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE";
  it.each([`file:${ghp}`, `file:secrets/${ghp}.txt`, `env:${ghp}`, `age:${age}`])(
    "fires for the token-shaped reference %s, without repeating it",
    (ref) => {
      const text = declarationText(1061).replace("env:ACTITO_KEY_1061", ref);
      const result = validateTexts({ [file]: text });
      expect(where(result)).toEqual([[file, 7, 24, "literal-secret"]]);
      expect(JSON.stringify(result)).not.toContain(ref.slice(5, 20));
    },
  );

  it("leaves ordinary references alone", () => {
    for (const ref of [
      "file:secrets/nordlys-production.key",
      "age:secrets/1061.age",
      "env:ACTITO_KEY_1061",
    ]) {
      const text = declarationText(1061).replace("env:ACTITO_KEY_1061", ref);
      expect(where(validateTexts({ [file]: text }))).toEqual([]);
    }
  });
});
