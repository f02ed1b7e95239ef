import { createColors } from "picocolors";
import { looksLikeSecret } from "../config/looks-like-secret.ts";
import { terminalSafe } from "../plan/terminal-safe.ts";
import type { Diagnostic } from "../types/diagnostic.ts";

/** How to render: excerpts need the files' text; colour only on a terminal. */
export interface TextRenderOptions {
  /** File text by file name; a diagnostic whose file is absent is printed without an excerpt. */
  sources?: ReadonlyMap<string, string>;
  color?: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The closing line: "3 errors in 3 of 12 files." */
export function summaryLine(files: number, diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length === 0) return `No problems in ${plural(files, "file")}.`;
  const affected = new Set(diagnostics.map((d) => d.file)).size;
  const counts = [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""]
    .filter(Boolean)
    .join(" and ");
  return `${counts} in ${affected} of ${plural(files, "file")}.`;
}

// Candidate tokens for redaction: anything long and opaque enough to be a key or token.
const tokenPattern = /[A-Za-z0-9+/=_.-]{24,}/g;

/**
 * Replaces anything secret on one source line before it is shown: the ranges that `literal-secret`
 * flagged, and any other token shaped like a key.
 */
function redact(text: string, lineNumber: number, secrets: readonly Diagnostic[]): string {
  let line = text;
  for (const d of secrets) {
    const endLine = d.endLine ?? d.line;
    if (lineNumber < d.line || lineNumber > endLine) continue;
    const start = lineNumber === d.line ? d.column - 1 : 0;
    const end = lineNumber === endLine && d.endColumn !== undefined ? d.endColumn - 1 : line.length;
    const quote = line[start] === '"' || line[start] === "'" ? line[start] : "";
    line = `${line.slice(0, start)}${quote}…${quote}${line.slice(Math.max(end, start + 1))}`;
  }
  // A tab would shift the caret; YAML only allows it in places where one space reads the same.
  return line.replaceAll("\t", " ").replace(tokenPattern, (token) => (looksLikeSecret(token) ? "…" : token));
}

function excerpt(
  d: Diagnostic,
  lines: readonly string[],
  secrets: readonly Diagnostic[],
  caret: (s: string) => string,
) {
  const current = lines[d.line - 1];
  if (current === undefined) return [];
  const width = String(d.line).length;
  const shown = (n: number) => redact(lines[n - 1] ?? "", n, secrets);
  const out: string[] = [];
  if (d.line > 1) out.push(`   ${String(d.line - 1).padStart(width)} | ${shown(d.line - 1)}`);
  const text = shown(d.line);
  out.push(` > ${String(d.line).padStart(width)} | ${text}`);
  const isSecret = secrets.includes(d);
  const span =
    isSecret || d.endLine !== d.line || d.endColumn === undefined
      ? isSecret && /["']/.test(text[d.column - 1] ?? "")
        ? 3
        : 1
      : Math.max(1, d.endColumn - d.column);
  out.push(`   ${" ".repeat(width)} | ${" ".repeat(d.column - 1)}${caret("^".repeat(span))}`);
  return out;
}

/**
 * `file:line:col  severity  code  message`, one per diagnostic, each followed by a source excerpt
 * with a caret when the file's text is given, then a summary line. Never shows a secret.
 */
export function renderDiagnosticsText(
  result: { files: number; diagnostics: readonly Diagnostic[] },
  options: TextRenderOptions = {},
): string {
  const c = createColors(options.color ?? false);
  const out: string[] = [];
  for (const d of result.diagnostics) {
    const severity = d.severity === "error" ? c.red(c.bold("error")) : c.yellow(c.bold("warning"));
    out.push(`${c.bold(`${d.file}:${d.line}:${d.column}`)}  ${severity}  ${c.dim(d.code)}  ${d.message}`);
    const text = options.sources?.get(d.file);
    if (text === undefined) continue;
    const secrets = result.diagnostics.filter((s) => s.file === d.file && s.code === "literal-secret");
    out.push(...excerpt(d, text.split(/\r?\n/), secrets, d.severity === "error" ? c.red : c.yellow));
  }
  if (result.diagnostics.length > 0) out.push("");
  out.push(summaryLine(result.files, result.diagnostics));
  return terminalSafe(`${out.join("\n")}\n`, { keepColour: options.color });
}
