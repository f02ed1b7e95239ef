import { describe, expect, it } from "vitest";
import { CsvSyntaxError, readCsv } from "../../src/sandbox/read-csv.ts";

describe("readCsv", () => {
  it("reads CRLF and LF lines, quoted separators, doubled quotes and skips blank lines", () => {
    const records = [...readCsv('a;b\r\n"x;y";"say ""hi"""\n\n1;\n', ";")];
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x;y", 'say "hi"'] },
      { line: 4, fields: ["1", ""] },
    ]);
  });

  it("numbers records by the physical line they start on when a quoted field spans lines", () => {
    const records = [...readCsv('a,b\n"one\ntwo",2\nlast,3', ",")];
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(records[1]!.fields[0]).toBe("one\ntwo");
  });

  it("throws CsvSyntaxError with the line when a quote is not closed or text follows it", () => {
    expect(() => [...readCsv('a\n"open\n', ";")]).toThrow(CsvSyntaxError);
    expect(() => [...readCsv('a\n"x"y\n', ";")]).toThrow(/line 2/);
  });
});
