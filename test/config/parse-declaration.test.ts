import { describe, expect, it } from "vitest";
import { maxDeclarationBytes, parseDeclaration } from "../../src/config/parse-declaration.ts";
import { declarationText, validateTexts, where } from "./declaration-text.ts";

const file = "integrations/1042.yaml";
const encode = (text: string) => new TextEncoder().encode(text);
const problems = (text: string | Uint8Array) =>
  parseDeclaration(file, typeof text === "string" ? encode(text) : text).diagnostics.map((d) => [
    d.line,
    d.column,
    d.code,
  ]);

describe("parseDeclaration", () => {
  it("returns the plain value and no diagnostics when the file is a valid declaration", () => {
    const parsed = parseDeclaration(file, encode(declarationText(1042, { sisters: [1043] })));
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.value).toMatchObject({ account: 1042, sisterAccounts: [1043] });
  });

  it("reports a syntax error at its position when a quote is not closed", () => {
    expect(problems('account: 1042\nprovider: "actito\n')).toEqual([[3, 1, "yaml-syntax"]]);
  });

  it("reports the second key when a key appears twice", () => {
    const parsed = parseDeclaration(file, encode("account: 1042\nprovider: actito\naccount: 1043\n"));
    expect(parsed.diagnostics.map((d) => [d.file, d.line, d.column, d.code])).toEqual([
      [file, 3, 1, "duplicate-key"],
    ]);
    expect(parsed.diagnostics[0]!.message).toContain('"account"');
  });

  it("reports tab indentation on the line that has it", () => {
    expect(problems("account: 1042\nactito:\n\tendpoint: api3\n")).toEqual([[3, 1, "tab-indent"]]);
  });

  it("fails fast on an alias bomb, at the first alias", () => {
    const rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      rows.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`);
    }
    const started = performance.now();
    expect(problems(`${rows.join("\n")}\n`)).toEqual([[2, 8, "too-many-aliases"]]);
    // 9^11 nodes if expanded: finishing at all proves it was not; the bound is loose for a busy machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("reports a file over 1 MiB without parsing it", () => {
    const parsed = parseDeclaration(file, new Uint8Array(0), maxDeclarationBytes + 1);
    expect(parsed.diagnostics.map((d) => [d.line, d.column, d.code])).toEqual([[1, 1, "file-too-large"]]);
    expect(problems(encode(`a: "${"x".repeat(maxDeclarationBytes)}"\n`))).toEqual([[1, 1, "file-too-large"]]);
  });

  it("reports the line and column of the first byte that is not UTF-8", () => {
    const bytes = new Uint8Array([...encode("account: 1042\nactito: é"), 0xff, ...encode("\n")]);
    expect(problems(bytes)).toEqual([[2, 10, "not-utf8"]]);
  });

  it("reports an empty file, and one that holds only comments", () => {
    expect(problems("")).toEqual([[1, 1, "empty-file"]]);
    expect(problems("# nothing yet\n\n")).toEqual([[1, 1, "empty-file"]]);
  });

  it("reports a list or a scalar where a map belongs", () => {
    expect(problems("# a list\n- 1042\n")).toEqual([[2, 1, "not-a-map"]]);
    expect(problems("1042\n")).toEqual([[1, 1, "not-a-map"]]);
  });

  it("reports several documents in one file at the separator", () => {
    expect(problems("account: 1042\n---\naccount: 1043\n")).toEqual([[2, 1, "multiple-documents"]]);
  });

  it("accepts a byte order mark and Windows line ends", () => {
    const text = `\ufeff${declarationText(1042).replaceAll("\n", "\r\n")}`;
    expect(problems(text)).toEqual([]);
  });

  it("keeps reporting other files when one is broken", () => {
    const result = validateTexts({
      "integrations/1042.yaml": "account: [\n",
      "integrations/1043.yaml": declarationText(1043),
    });
    expect(where(result)).toEqual([["integrations/1042.yaml", 2, 1, "yaml-syntax"]]);
    expect(result.declared.map((d) => d.file)).toEqual(["integrations/1043.yaml"]);
  });
});
