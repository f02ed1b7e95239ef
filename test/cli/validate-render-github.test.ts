import { describe, expect, it } from "vitest";
import {
  escapeData,
  escapeProperty,
  renderDiagnosticsGithub,
} from "../../src/github/render-diagnostics-github.ts";
import type { Diagnostic } from "../../src/types/diagnostic.ts";

const diagnostic = (i: number, severity: Diagnostic["severity"] = "error"): Diagnostic => ({
  file: `integrations/${1000 + i}.yaml`,
  line: i,
  column: 1,
  code: "unknown-key",
  severity,
  message: `problem ${i}`,
  path: "/x",
});

describe("renderDiagnosticsGithub", () => {
  it("escapes messages and properties as GitHub's runner expects", () => {
    expect(escapeData("100% sure\r\nnext: a,b")).toBe("100%25 sure%0D%0Anext: a,b");
    expect(escapeProperty("dir,with:odd%\nname")).toBe("dir%2Cwith%3Aodd%25%0Aname");
    const out = renderDiagnosticsGithub({
      files: 1,
      diagnostics: [{ ...diagnostic(1), file: "a,b:c.yaml", message: "50%\nmore" }],
    });
    expect(out).toBe("::error file=a%2Cb%3Ac.yaml,line=1,col=1,title=unknown-key::50%25%0Amore\n");
  });

  it("annotates at most ten of each severity, then says how many more there are", () => {
    const diagnostics = [
      ...Array.from({ length: 13 }, (_, i) => diagnostic(i + 1)),
      ...Array.from({ length: 11 }, (_, i) => diagnostic(i + 1, "warning")),
    ];
    const lines = renderDiagnosticsGithub({ files: 24, diagnostics }).trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith("::warning "))).toHaveLength(10);
    expect(lines).toHaveLength(21);
    expect(lines.at(-1)).toBe(
      "::notice title=emi validate::3 more errors and 1 more warning not annotated (GitHub shows 10 of each kind); run emi validate to see them all",
    );
  });

  it("prints nothing when there is nothing to annotate", () => {
    expect(renderDiagnosticsGithub({ files: 3, diagnostics: [] })).toBe("");
  });
});
