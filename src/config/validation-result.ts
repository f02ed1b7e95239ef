import type { Declared } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";

/** What validating a folder of declarations found. */
export interface ValidationResult {
  /** How many declaration files were read. */
  files: number;
  /** The files that passed every check, typed and normalised, in stable (file name) order. */
  declared: Declared[];
  /** Every problem found, in file then position order. */
  diagnostics: Diagnostic[];
}
