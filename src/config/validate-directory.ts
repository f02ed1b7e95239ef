import type { Declared } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";

export interface ValidationResult {
  /** How many declaration files were read. */
  files: number;
  /** The files that passed every check, typed and normalised, in stable (file name) order. */
  declared: Declared[];
  /** Every problem found, in file then position order. */
  diagnostics: Diagnostic[];
}

/** Placeholder until the validate issue lands (src/config owns this file). */
export async function validateDirectory(_dir: string, _options: { cwd: string }): Promise<ValidationResult> {
  return { files: 0, declared: [], diagnostics: [] };
}
