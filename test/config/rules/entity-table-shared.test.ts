import { describe, expect, it } from "vitest";
import { declarationText, validateTexts, where } from "../declaration-text.ts";

describe("entity-table-shared", () => {
  it("reports the second integration on the same entity and table, suggesting a sister account", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042, { entity: "nordlys" }),
      "integrations/1050.yaml": declarationText(1050, { entity: "nordlys" }),
    });
    expect(where(result)).toEqual([["integrations/1050.yaml", 5, 11, "entity-table-shared"]]);
    expect(result.diagnostics[0]!.message).toContain("make 1050 a sister account of 1042");
    expect(result.diagnostics[0]!.message).toContain("integrations/1042.yaml:5");
  });

  it("treats a missing profileTable as the entity's only table", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042, { entity: "nordlys", table: null }),
      "integrations/1050.yaml": declarationText(1050, { entity: "nordlys", table: "members" }),
    });
    expect(where(result).map((row) => row[3])).toEqual(["entity-table-shared"]);
  });

  it("allows two tables of one entity, and one entity name on two endpoints", () => {
    const result = validateTexts({
      "integrations/1042.yaml": declarationText(1042, { entity: "nordlys", table: "customers" }),
      "integrations/1050.yaml": declarationText(1050, { entity: "nordlys", table: "members" }),
      "integrations/1060.yaml": declarationText(1060, { entity: "nordlys" }).replace("api3", "api1"),
    });
    expect(result.diagnostics).toEqual([]);
  });
});
