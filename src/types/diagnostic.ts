import type { DiagnosticCode } from "./diagnostic-code.ts";

/** How serious a diagnostic is: errors make `emi validate` exit 1, warnings do not. */
export type Severity = "error" | "warning";

/** One problem found in a declaration, pointing at the exact place in the file. */
export interface Diagnostic {
  /** Path of the file, relative to the working directory, with forward slashes. */
  file: string;
  /** 1-based line and column of the start of the offending key or value. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** A stable, kebab-case code such as `unknown-key` or `sister-claimed-twice`. */
  code: DiagnosticCode;
  severity: Severity;
  /** A message a person can act on. Never contains a secret. */
  message: string;
  /** JSON pointer into the declaration, e.g. `/actito/endpoint`; "" for the whole file. */
  path: string;
}
