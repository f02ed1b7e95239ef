import { describe, expect, it } from "vitest";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

describe("account-declared-twice", () => {
  it("reports the second file that declares an account and names the first", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042),
      "integrations/eu/1042.yml": declarationText(1042, { entity: "other" }),
    });
    expect(where(result)).toEqual([["integrations/eu/1042.yml", 1, 10, "account-declared-twice"]]);
    expect(result.diagnostics[0]!.message).toBe(
      "account 1042 is already declared in integrations/1042.yaml:1; keep one file per account",
    );
    expect(result.declared.map((d) => d.file)).toEqual(["integrations/1042.yaml"]);
  });
});
