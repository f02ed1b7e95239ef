import type { Diagnostic } from "../types/diagnostic.ts";
import { UNMANAGED_CONFLICT } from "../types/diagnostic-code.ts";

/**
 * The errors of the declarations themselves among a plan's diagnostics: an account held by another
 * repository (UNMANAGED_CONFLICT) is listed there too, but is a problem of its change, not of a file.
 */
export function declarationErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === "error" && d.code !== UNMANAGED_CONFLICT);
}
