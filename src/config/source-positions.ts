/** A half-open range of UTF-16 offsets into a file's text: `[start, end)`. */
export type SourceRange = readonly [start: number, end: number];

/** Where one node of a declaration sits in its file: its key (absent for the root and list items) and value. */
interface NodePosition {
  key?: SourceRange;
  value: SourceRange;
}

/** Every node of a parsed declaration, by JSON pointer (`""` is the root, `/actito/endpoint` a field). */
export type PositionIndex = Map<string, NodePosition>;

/** A 1-based line and column. */
export interface LineColumn {
  line: number;
  column: number;
}

/** Offsets at which each line of `text` starts; index 0 is line 1. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  let at = text.indexOf("\n");
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf("\n", at + 1);
  }
  return starts;
}

/** Converts an offset into a 1-based line and column, using the table from {@link lineStartsOf}. */
export function lineColumnAt(lineStarts: readonly number[], offset: number): LineColumn {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low]! + 1 };
}

/** Appends one reference token to a JSON pointer, escaping `~` and `/` as RFC 6901 says. */
export function childPointer(pointer: string, token: string | number): string {
  return `${pointer}/${String(token).replaceAll("~", "~0").replaceAll("/", "~1")}`;
}
