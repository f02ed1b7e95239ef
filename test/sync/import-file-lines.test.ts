import { describe, expect, it } from "vitest";
import { importHeader, importLines, pageFitsInFile } from "../../src/sync/import-file-lines.ts";

const row = (key: string, reaid: string) => ({ key, reaid, ref: `emailAddress=${key}`, profileId: 1 });

describe("mass-import file lines", () => {
  it("writes the header and one line per row, quoting only keys that need it", () => {
    expect(importHeader("emailAddress", "reaid")).toBe("emailAddress;reaid\n");
    expect(importLines([row("a@x.example", "R1"), row('o;"dd"@x.example', "R2")])).toBe(
      'a@x.example;R1\n"o;""dd""@x.example";R2\n',
    );
    expect(importLines([])).toBe("");
  });

  it("puts a page in the file while the file stays within the cap, and starts the next file otherwise", () => {
    expect(pageFitsInFile(90, 10, 100)).toBe(true);
    expect(pageFitsInFile(91, 10, 100)).toBe(false);
    expect(pageFitsInFile(0, 101, 100)).toBe(false);
    expect(pageFitsInFile(20, 0, 100)).toBe(true);
  });
});
