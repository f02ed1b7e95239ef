import type { Diagnostic, Severity } from "../types/diagnostic.ts";
import type { DiagnosticCode } from "../types/diagnostic-code.ts";
import { looksLikeSecret } from "./looks-like-secret.ts";
import { lineColumnAt, type PositionIndex, type SourceRange } from "./source-positions.ts";

/** What a diagnostic needs to know of its file to turn offsets into lines and columns. */
export interface LocatableSource {
  file: string;
  lineStarts: readonly number[];
  positions: PositionIndex;
}

/** The parts of a diagnostic that do not depend on where it is. */
export interface DiagnosticDraft {
  code: DiagnosticCode;
  message: string;
  severity?: Severity;
}

/** A key that looks like a secret must not travel in a diagnostic's path either. */
function redactPointer(pointer: string): string {
  return pointer
    .split("/")
    .map((token) => (looksLikeSecret(token) ? "…" : token))
    .join("/");
}

/** Builds a diagnostic for `range` of the source's text. */
export function diagnosticAtRange(
  source: Pick<LocatableSource, "file" | "lineStarts">,
  range: SourceRange,
  path: string,
  draft: DiagnosticDraft,
): Diagnostic {
  const start = lineColumnAt(source.lineStarts, range[0]);
  const end = lineColumnAt(source.lineStarts, Math.max(range[0], range[1]));
  return {
    file: source.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    code: draft.code,
    severity: draft.severity ?? "error",
    message: draft.message,
    path: redactPointer(path),
  };
}

/**
 * Builds a diagnostic at the key or the value that `pointer` names. A pointer to something absent
 * (a missing field) falls back to the closest node that exists, so every diagnostic has a place.
 */
export function diagnosticAt(
  source: LocatableSource,
  pointer: string,
  target: "key" | "value",
  draft: DiagnosticDraft,
): Diagnostic {
  let at = pointer;
  let position = source.positions.get(at);
  while (!position && at !== "") {
    at = at.slice(0, at.lastIndexOf("/"));
    position = source.positions.get(at);
  }
  const range = position
    ? target === "key" || at !== pointer
      ? (position.key ?? position.value)
      : position.value
    : [0, 0];
  return diagnosticAtRange(source, range as SourceRange, pointer, draft);
}
