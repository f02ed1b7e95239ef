import { describe, expect, it } from "vitest";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

describe("sister-has-own-declaration", () => {
  it("reports a sister account that also has its own file", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042, { sisters: [1043] }),
      "integrations/1043.yaml": declarationText(1043),
    });
    expect(where(result)).toEqual([["integrations/1042.yaml", 10, 5, "sister-has-own-declaration"]]);
    expect(result.diagnostics[0]!.message).toContain("integrations/1043.yaml:1");
  });
});
