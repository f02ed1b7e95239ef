import type { Diagnostic } from "../types/diagnostic.ts";

/** GitHub shows at most this many annotations of each kind per step; the rest would be dropped silently. */
const maxAnnotationsPerSeverity = 10;

/** Escapes a workflow command's message as GitHub's runner unescapes it. */
export function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a workflow command's property value, where `:` and `,` are separators too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

function annotation(d: Diagnostic): string {
  const properties = [
    `file=${escapeProperty(d.file)}`,
    `line=${d.line}`,
    `col=${d.column}`,
    ...(d.endLine !== undefined ? [`endLine=${d.endLine}`] : []),
    ...(d.endColumn !== undefined && d.endLine === d.line ? [`endColumn=${d.endColumn}`] : []),
    `title=${escapeProperty(d.code)}`,
  ];
  return `::${d.severity} ${properties.join(",")}::${escapeData(d.message)}`;
}

/**
 * GitHub Actions workflow commands: one annotation per diagnostic, at most ten per severity, then
 * one summary line that says how many more there are and how to see them.
 */
export function renderDiagnosticsGithub(result: {
  files: number;
  diagnostics: readonly Diagnostic[];
}): string {
  const out: string[] = [];
  const hidden = { error: 0, warning: 0 };
  const shown = { error: 0, warning: 0 };
  for (const d of result.diagnostics) {
    if (shown[d.severity] < maxAnnotationsPerSeverity) {
      shown[d.severity]++;
      out.push(annotation(d));
    } else {
      hidden[d.severity]++;
    }
  }
  if (hidden.error + hidden.warning > 0) {
    const parts = [
      hidden.error > 0 ? `${hidden.error} more error${hidden.error === 1 ? "" : "s"}` : "",
      hidden.warning > 0 ? `${hidden.warning} more warning${hidden.warning === 1 ? "" : "s"}` : "",
    ].filter(Boolean);
    out.push(
      `::notice title=emi validate::${escapeData(`${parts.join(" and ")} not annotated (GitHub shows ${maxAnnotationsPerSeverity} of each kind); run emi validate to see them all`)}`,
    );
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}
