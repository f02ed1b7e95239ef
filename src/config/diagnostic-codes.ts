import type { DiagnosticCode } from "../types/diagnostic-code.ts";
import { declarationRules } from "./rules/declaration-rules.ts";

/**
 * Every code `emi validate` can report (VALIDATION_CODES, src/types/diagnostic-code.ts), with a
 * one-line summary (SARIF rule descriptions, docs); a test checks none is missing.
 */
export const diagnosticCodes: Readonly<Partial<Record<DiagnosticCode, string>>> = {
  "file-too-large": "A declaration file may be at most 1 MiB.",
  "not-utf8": "A declaration file must be UTF-8 text.",
  "duplicate-declaration-file": "Two files declare one account by name (1042.yaml and 1042.yml).",
  "symlinked-declaration": "A declaration is a symbolic link; emi reads only regular files.",
  "unreadable-file": "A declaration file could not be read.",
  "unreadable-folder": "A folder under the declarations folder could not be listed.",
  "yaml-syntax": "The file is not valid YAML.",
  "yaml-warning": "The YAML parser noticed something that is probably a mistake.",
  "duplicate-key": "A key appears twice in the same map.",
  "tab-indent": "YAML does not allow tabs for indentation.",
  "bad-indent": "A line is indented so that it lines up with nothing above it.",
  "too-many-aliases": "YAML aliases expand beyond the small limit a declaration may use.",
  "multiple-documents": "A declaration file holds exactly one YAML document.",
  "empty-file": "The file holds no declaration.",
  "not-a-map": "A declaration is a map of fields, not a list or a single value.",
  "unknown-key": "A key that the declaration format does not define.",
  "missing-field": "A required field is missing.",
  "wrong-type": "A value has the wrong type.",
  "invalid-value": "A value is outside what the field allows.",
  "duplicate-item": "A list holds the same item twice.",
  "config-unreadable": "emi.config.yaml exists but cannot be read.",
  ...Object.fromEntries(declarationRules.map((rule) => [rule.code, rule.summary])),
};
