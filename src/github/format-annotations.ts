import type { Diagnostic } from "../types/diagnostic.ts";

/** GitHub shows at most this many annotations of one severity per step; more are dropped silently. */
export const ANNOTATIONS_PER_SEVERITY = 10;

/** Escapes the message of a workflow command (GitHub's toolkit `escapeData`). */
export function escapeCommandData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property of a workflow command (GitHub's toolkit `escapeProperty`). */
export function escapeCommandProperty(value: string): string {
  return escapeCommandData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * Renders diagnostics as GitHub workflow commands
 * (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`), one per line.
 * At most 10 per severity are annotations: when there are more, the 10th says how many were not
 * shown, so no problem goes unmentioned.
 */
export function formatAnnotations(diagnostics: readonly Diagnostic[]): string {
  const lines: string[] = [];
  for (const severity of ["error", "warning"] as const) {
    const ofSeverity = diagnostics.filter((d) => d.severity === severity);
    const overflow = ofSeverity.length > ANNOTATIONS_PER_SEVERITY;
    const shown = overflow ? ofSeverity.slice(0, ANNOTATIONS_PER_SEVERITY - 1) : ofSeverity;
    for (const d of shown) lines.push(annotation(severity, d));
    if (overflow) {
      const rest = ofSeverity.length - shown.length;
      const noun = severity === "error" ? "errors" : "warnings";
      lines.push(
        `::${severity} title=${escapeCommandProperty(`emi: ${rest} more ${noun}`)}::` +
          escapeCommandData(
            `${rest} more ${noun} not shown as annotations; run \`emi validate\` to see them all`,
          ),
      );
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

function annotation(severity: "error" | "warning", d: Diagnostic): string {
  const properties = [`file=${escapeCommandProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`];
  if (d.endLine !== undefined) properties.push(`endLine=${d.endLine}`);
  if (d.endColumn !== undefined) properties.push(`endColumn=${d.endColumn}`);
  properties.push(`title=${escapeCommandProperty(d.code)}`);
  return `::${severity} ${properties.join(",")}::${escapeCommandData(d.message)}`;
}
