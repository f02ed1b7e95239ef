import { describe, expect, it } from "vitest";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

describe("own-sister", () => {
  it("reports an account listed as its own sister at that list item", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042, { sisters: [1043, 1042] }),
    });
    expect(where(result)).toEqual([["integrations/1042.yaml", 11, 5, "own-sister"]]);
  });
});
