import { describe, expect, it } from "vitest";
import { formatAnnotations } from "../../src/github/format-annotations.ts";
import type { Diagnostic } from "../../src/types/diagnostic.ts";

const diagnostic = (i: number, severity: Diagnostic["severity"] = "error"): Diagnostic => ({
  file: "integrations/1042,a:b.yaml",
  line: i + 1,
  column: 3,
  code: "unknown-key",
  severity,
  message: `bad key %${i}\nsecond line`,
  path: "/x",
});

describe("formatAnnotations", () => {
  it("escapes properties and messages as GitHub's runner expects", () => {
    expect(formatAnnotations([diagnostic(0)])).toBe(
      "::error file=integrations/1042%2Ca%3Ab.yaml,line=1,col=3,title=unknown-key::bad key %250%0Asecond line\n",
    );
  });

  it("annotates at most ten per severity and says how many more there are", () => {
    const out = formatAnnotations([
      ...Array.from({ length: 14 }, (_, i) => diagnostic(i)),
      ...Array.from({ length: 3 }, (_, i) => diagnostic(i, "warning")),
    ]);
    const lines = out.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith("::warning "))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/4 more errors/);
  });
});
