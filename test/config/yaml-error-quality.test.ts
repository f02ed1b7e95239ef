import { describe, expect, it } from "vitest";
import { findIndentationProblem } from "../../src/config/find-indentation-problem.ts";
import { validateDeclarations } from "../../src/config/validate-declarations.ts";

const good = [
  "account: 1042",
  "provider: actito",
  "actito:",
  "  endpoint: api3",
  "  entity: nordlys",
  "  email: crm-team@nordlys.example",
  "  apiKey: { secretRef: env:ACTITO_KEY_NORDLYS }",
  "  profileTable: customers",
  "sisterAccounts: [1043]",
  "",
];

function validate(lines: string[]) {
  const bytes = new TextEncoder().encode(lines.join("\n"));
  return validateDeclarations([{ file: "integrations/1042.yaml", bytes }]).diagnostics;
}

describe("YAML errors", () => {
  it("reports three spaces instead of two once, on the line that has them, in plain words", () => {
    const lines = [...good];
    lines[5] = "   email: crm-team@nordlys.example";
    expect(validate(lines)).toEqual([
      expect.objectContaining({
        line: 6,
        column: 4,
        code: "bad-indent",
        message:
          '"email" is indented by 3 spaces, more than line 5 ("entity"), which already has a value: indent it by 2 spaces like the line above',
      }),
    ]);
  });

  it("reports a tab once, with no cascade", () => {
    const lines = [...good];
    lines[4] = "\tentity: nordlys";
    const diagnostics = validate(lines);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 5, column: 1, code: "tab-indent" });
    expect(diagnostics[0]!.message).toContain("indented with a tab");
  });

  it("reports a line that lines up with nothing above it", () => {
    const lines = [...good];
    lines[3] = "    endpoint: api3";
    lines[4] = "   entity: nordlys";
    const diagnostics = validate(lines);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 5, code: "bad-indent" });
  });

  it("keeps the first real syntax error when indentation is not the cause", () => {
    const lines = [...good];
    lines[8] = "sisterAccounts: [1043";
    const diagnostics = validate(lines);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe("yaml-syntax");
  });

  it("finds nothing wrong in valid block YAML with lists, flow maps, block scalars and comments", () => {
    const text = [
      "# a comment",
      "account: 1042",
      "actito:",
      "  apiKey: { secretRef: env:X }",
      "  note: |",
      "      free text: with colons",
      "        and deeper lines",
      "  entity: x",
      "sisterAccounts:",
      "  - 1043",
      "  - 1044",
      "list:",
      "- a: 1",
      "  b: 2",
      "flow: [1,",
      "    2]",
      "emailSync: true",
    ].join("\n");
    expect(findIndentationProblem(text)).toBeUndefined();
  });
});

describe("1042.yml beside 1042.yaml", () => {
  it("is one duplicate-declaration-file error on the later file, with no sister errors", () => {
    const text = new TextEncoder().encode(good.join("\n"));
    const other = new TextEncoder().encode(good.join("\n").replace("[1043]", "[1043, 1044]\nbogus: 1"));
    const result = validateDeclarations([
      { file: "integrations/1042.yaml", bytes: text },
      { file: "integrations/1042.yml", bytes: other },
    ]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: "integrations/1042.yml",
        line: 1,
        code: "duplicate-declaration-file",
        message:
          "integrations/1042.yaml already declares this account: keep one of the two files (delete integrations/1042.yml)",
      }),
    ]);
  });
});
