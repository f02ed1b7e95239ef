import { describe, expect, it } from "vitest";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

describe("sister-claimed-twice", () => {
  it("reports the later claim and names the earlier file and line", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042, { sisters: [1044] }),
      "integrations/1050.yaml": declarationText(1050, { sisters: [1051, 1044] }),
    });
    expect(where(result)).toEqual([["integrations/1050.yaml", 11, 5, "sister-claimed-twice"]]);
    expect(result.diagnostics[0]!.message).toBe(
      "account 1044 is a sister of 1042 (integrations/1042.yaml:10) and of 1050; an account may share one integration only",
    );
  });

  it("stays quiet when sisters are distinct", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042, { sisters: [1043] }),
      "integrations/1050.yaml": declarationText(1050, { sisters: [1051] }),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.declared).toHaveLength(2);
  });
});
