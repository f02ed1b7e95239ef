import type { Declared } from "../types/declared.ts";
import type { Diagnostic } from "../types/diagnostic.ts";
import type { LoadedRepoConfig } from "./load-repo-config.ts";

/** What validating a folder of declarations found. */
export interface ValidationResult {
  /** How many declaration files were read. */
  files: number;
  /** The files that passed every check, typed and normalised, in stable (file name) order. */
  declared: Declared[];
  /** Every problem found, in file then position order. */
  diagnostics: Diagnostic[];
  /** The repository config (emi.config.yaml at the parent of the folder); absent for in-memory validation. */
  repository?: LoadedRepoConfig;
}
