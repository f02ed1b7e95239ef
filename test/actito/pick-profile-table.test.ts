import { describe, expect, it } from "vitest";
import { noTableMessage, pickProfileTable } from "../../src/actito/pick-profile-table.ts";
import type { ProfileTable } from "../../src/actito/types.ts";

const table = (id: string, name: string): ProfileTable => ({ id, name, attributes: [] });

describe("pickProfileTable", () => {
  it("picks the declared table by name", () => {
    expect(pickProfileTable([table("1", "members"), table("2", "customers")], "customers")).toEqual({
      status: "found",
      table: table("2", "customers"),
    });
  });

  it("picks the only table when none is declared", () => {
    expect(pickProfileTable([table("7", "members")], undefined)).toMatchObject({ table: { id: "7" } });
  });

  it("says ambiguous, with the sorted names, when none is declared and there are several", () => {
    const choice = pickProfileTable([table("2", "members"), table("1", "customers")], undefined);
    expect(choice).toEqual({ status: "ambiguous", candidates: ["customers", "members"] });
    expect(noTableMessage("acme", undefined, choice as Exclude<typeof choice, { status: "found" }>)).toBe(
      "entity acme has 2 profile tables (customers, members): declare actito.profileTable",
    );
  });

  it("says missing when the declared table is not there, or the entity has none", () => {
    const choice = pickProfileTable([table("1", "members")], "customers");
    expect(choice).toEqual({ status: "missing", candidates: ["members"] });
    expect(noTableMessage("acme", "customers", choice as Exclude<typeof choice, { status: "found" }>)).toBe(
      'entity acme has no profile table "customers" (tables: members)',
    );
    expect(pickProfileTable([], undefined)).toEqual({ status: "missing", candidates: [] });
  });
});
