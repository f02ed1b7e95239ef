import { describe, expect, it } from "vitest";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

describe("account-mismatch-filename", () => {
  it("reports the account value when it differs from the file name", () => {
    const result = validateTexts({ "integrations/1042.yaml": declarationText(1043) });
    expect(where(result)).toEqual([["integrations/1042.yaml", 1, 10, "account-mismatch-filename"]]);
    expect(result.diagnostics[0]!.message).toContain("rename the file to 1043.yaml");
    expect(result.declared).toEqual([]);
  });

  it("accepts the .yml extension and sub-folders when the name matches", () => {
    const result = validateTexts({ "integrations/eu/1042.yml": declarationText(1042) });
    expect(result.diagnostics).toEqual([]);
  });
});
