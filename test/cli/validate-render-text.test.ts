import { describe, expect, it } from "vitest";
import { renderDiagnosticsText, summaryLine } from "../../src/cli/render-diagnostics-text.ts";
import type { Diagnostic } from "../../src/types/diagnostic.ts";
import type { DiagnosticCode } from "../../src/types/diagnostic-code.ts";

const at = (
  line: number,
  column: number,
  code: DiagnosticCode,
  extra: Partial<Diagnostic> = {},
): Diagnostic => ({
  file: "integrations/1042.yaml",
  line,
  column,
  code,
  severity: "error",
  message: "m",
  path: "",
  ...extra,
});

describe("renderDiagnosticsText", () => {
  it("summarises errors and warnings over the files they touch", () => {
    expect(summaryLine(12, [at(1, 1, "unknown-key"), at(2, 1, "wrong-type", { file: "x.yaml" })])).toBe(
      "2 errors in 2 of 12 files.",
    );
    expect(summaryLine(3, [at(1, 1, "unknown-key"), at(2, 1, "wrong-type", { severity: "warning" })])).toBe(
      "1 error and 1 warning in 1 of 3 files.",
    );
    expect(summaryLine(1, [])).toBe("No problems in 1 file.");
  });

  it("hides secret-looking tokens on excerpt lines, even on the context line of another problem", () => {
    const key = "QWN0aXRvQXBpS2V5Rm9yTHVtZW4xMjM0NTY3ODkwYWJj";
    const text = `account: 1042\nnote: ${key}\nprofileTable: [\n`;
    const out = renderDiagnosticsText(
      { files: 1, diagnostics: [at(3, 15, "yaml-syntax")] },
      { sources: new Map([["integrations/1042.yaml", text]]) },
    );
    expect(out).toContain("   2 | note: …");
    expect(out).not.toContain(key);
  });

  it("masks a literal-secret value that does not look like a key, across its lines", () => {
    const text = 'account: 1042\napiKey: "hunter2"\nemail: x\n';
    const out = renderDiagnosticsText(
      {
        files: 1,
        diagnostics: [
          at(2, 9, "literal-secret", { endLine: 2, endColumn: 18 }),
          at(3, 8, "invalid-value", { endLine: 3, endColumn: 9 }),
        ],
      },
      { sources: new Map([["integrations/1042.yaml", text]]) },
    );
    expect(out).not.toContain("hunter2");
    expect(out).toContain(' > 2 | apiKey: "…"');
    expect(out).toContain('   2 | apiKey: "…"');
  });
});
