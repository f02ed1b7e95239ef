import type { Diagnostic } from "../types/diagnostic.ts";

/** `{ "valid": bool, "files": N, "diagnostics": [...] }`: the stable machine-readable form. */
export function renderDiagnosticsJson(result: { files: number; diagnostics: readonly Diagnostic[] }): string {
  const valid = !result.diagnostics.some((d) => d.severity === "error");
  return `${JSON.stringify({ valid, files: result.files, diagnostics: result.diagnostics }, null, 2)}\n`;
}
