import type { Diagnostic } from "../types/diagnostic.ts";
import { OutputFormatVersion } from "./output-format-versions.ts";

/** `{ "formatVersion": 1, "valid": bool, "files": N, "diagnostics": [...] }`: the machine-readable form. */
export function renderDiagnosticsJson(result: { files: number; diagnostics: readonly Diagnostic[] }): string {
  const valid = !result.diagnostics.some((d) => d.severity === "error");
  return `${JSON.stringify(
    {
      formatVersion: OutputFormatVersion.validate,
      valid,
      files: result.files,
      diagnostics: result.diagnostics,
    },
    null,
    2,
  )}\n`;
}
