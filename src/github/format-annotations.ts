import { renderDiagnosticsGithub } from "./render-diagnostics-github.ts";
import type { Diagnostic } from "../types/diagnostic.ts";

/**
 * Diagnostics as GitHub workflow commands (`::error file=…,line=…,col=…,title=CODE::message`),
 * at most ten per severity and then one summary line. The rendering is `emi validate --format
 * github`'s, reused so that plan and validate annotate identically.
 */
export function formatAnnotations(diagnostics: readonly Diagnostic[]): string {
  return renderDiagnosticsGithub({ files: 0, diagnostics });
}
