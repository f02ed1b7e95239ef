import { childPointer, type PositionIndex } from "./source-positions.ts";

/** A plain value with the position of every node, as the full YAML parser would give it. */
export interface SubsetParse {
  value: Record<string, unknown>;
  positions: PositionIndex;
}

/** Thrown inside the subset parser when the text leaves the subset; never escapes this module. */
class OutsideSubset extends Error {}

function outside(): never {
  throw new OutsideSubset();
}

interface Line {
  start: number;
  /** Where the line ends in the text, past its trailing spaces and comment: its newline or the text's end. */
  eol: number;
  indent: number;
  /** The line without its indentation (and without a trailing `\r`-free end). */
  content: string;
}

/**
 * The plain key that starts at `at` and is followed by `:` and a space or the line's end, or
 * undefined. Written out by character code because it runs on every line of every file.
 */
function keyAt(content: string, at: number): string | undefined {
  let i = at;
  const first = content.charCodeAt(i);
  const letter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  if (!letter(first)) return undefined;
  i++;
  for (;;) {
    const c = content.charCodeAt(i);
    if (letter(c) || (c >= 48 && c <= 57) || c === 45) i++;
    else break;
  }
  if (content.charCodeAt(i) !== 58) return undefined; // ":"
  const after = content.charCodeAt(i + 1);
  if (after !== 32 && !Number.isNaN(after)) return undefined;
  return content.slice(at, i);
}
// yaml refuses an implicit block key of over 1,024 characters (KEY_OVER_1024_CHARS), counting the
// spaces before its value too: long keys go to the full parser, which decides and reports.
const maxBlockKeyLength = 1000;
// Plain keys that YAML would resolve to something other than the same string.
const specialKeys = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE|__proto__)$/;
// Characters that may not start a plain scalar, or start YAML features outside the subset
// (anchors, aliases, tags, block scalars, directives, flow collections, complex keys).
const indicators = new Set([
  "-",
  "?",
  ":",
  ",",
  "[",
  "]",
  "{",
  "}",
  "#",
  "&",
  "*",
  "!",
  "|",
  ">",
  "'",
  '"',
  "%",
  "@",
  "`",
  ".",
]);

/** Resolves a plain scalar as YAML 1.2's core schema does, or leaves the subset when unsure. */
function resolvePlain(text: string): unknown {
  const first = text.charCodeAt(0);
  // Most values start with a letter that none of the special forms below starts with.
  if (first >= 97 && first <= 122 && first !== 110 && first !== 116 && first !== 102) return text;
  if (/^(?:null|Null|NULL|~)$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^(?:0|[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  // Signs, leading zeros, floats, octal and hex: let the full parser decide.
  if (/^[-+0-9]/.test(text)) outside();
  return text;
}

/**
 * Parses the plain subset of YAML that declarations are written in — block maps, block lists of
 * scalars, one-line flow maps and lists of scalars, plain and simply quoted scalars, comments —
 * about ten times faster than the full parser. Returns undefined for anything else (anchors, tags,
 * multi-line scalars, escapes, errors of any kind), so that the full parser handles it and reports
 * problems; when it does return a value, that value and its positions are what the full parser gives.
 * Without `withPositions` the positions are left empty: valid files, the common case, never need them.
 */
export function parseYamlSubset(text: string, withPositions = true): SubsetParse | undefined {
  if (text.includes("\t") || text.includes("\r")) return undefined;
  try {
    return new SubsetParser(text, withPositions).parse();
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

class SubsetParser {
  private readonly lines: Line[] = [];
  private next = 0;
  readonly positions: PositionIndex = new Map();
  private readonly textLength: number;

  constructor(
    text: string,
    private readonly withPositions: boolean,
  ) {
    this.textLength = text.length;
    let start = 0;
    // The deepest comment line since the last content line (-1: none).
    let commentIndent = -1;
    while (start <= text.length) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      let from = start;
      while (text.charCodeAt(from) === 32) from++;
      let to = end;
      while (to > from && text.charCodeAt(to - 1) === 32) to--;
      // Blank and comment-only lines carry nothing; `---` and `...` mark documents.
      if (to > from && text.charCodeAt(from) !== 35) {
        if (text.startsWith("---", start) || text.startsWith("...", start)) outside();
        const indent = from - start;
        // yaml stretches the end of a collection over the comment lines that follow its last line
        // and are indented deeper than it; rather than copy its rules, such comments go to the full
        // parser (a comment no deeper than the line after it cannot belong to what that line closes).
        if (commentIndent > indent) outside();
        commentIndent = -1;
        this.lines.push({ start, eol: end, indent, content: text.slice(from, to) });
      } else if (to > from && this.lines.length > 0) commentIndent = Math.max(commentIndent, from - start);
      start = end + 1;
    }
    // Likewise after the last line, which closes every collection down to the root's indentation.
    if (commentIndent > 0) outside();
  }

  parse(): SubsetParse | undefined {
    const first = this.lines[0];
    if (first?.indent !== 0) return undefined;
    const value = this.blockMap(0, "");
    if (this.next < this.lines.length) outside();
    return { value, positions: this.positions };
  }

  private child(pointer: string, token: string | number): string {
    return this.withPositions ? childPointer(pointer, token) : "";
  }

  /** Where a block collection ends for yaml: after the last line it took, comment and newline included. */
  private collectionEnd(): number {
    const { eol } = this.lines[this.next - 1]!;
    return eol < this.textLength ? eol + 1 : eol;
  }

  private blockMap(indent: number, pointer: string): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    const first = this.lines[this.next]!;
    while (this.next < this.lines.length) {
      const line = this.lines[this.next]!;
      if (line.indent < indent) break;
      if (line.indent > indent) outside();
      const key = keyAt(line.content, 0);
      if (key === undefined || key.length > maxBlockKeyLength) outside();
      if (specialKeys.test(key) || Object.hasOwn(map, key)) outside();
      const keyStart = line.start + indent;
      const keyRange = [keyStart, keyStart + key.length] as const;
      const child = this.child(pointer, key);
      this.next++;
      const restAt = key.length + 1;
      let valueAt = restAt;
      while (line.content.charCodeAt(valueAt) === 32) valueAt++;
      if (valueAt === line.content.length || line.content.charCodeAt(valueAt) === 35) {
        const following = this.lines[this.next];
        if (following && following.indent > indent) {
          map[key] = following.content.startsWith("- ")
            ? this.blockSeq(following.indent, child)
            : this.blockMap(following.indent, child);
        } else if (following && following.indent === indent && following.content.startsWith("- ")) {
          map[key] = this.blockSeq(indent, child);
        } else {
          // An empty value that ends a collection: yaml stretches the collection's end over the
          // blank and comment lines that follow, or not, by rules not worth copying here.
          if (!following || following.indent < indent) outside();
          map[key] = null;
          // yaml places a null after the spaces that follow the colon: at the comment, or at the
          // end of the line (past trailing spaces, before the newline).
          const at = valueAt === line.content.length ? line.eol : line.start + indent + valueAt;
          if (this.withPositions) this.positions.set(child, { key: keyRange, value: [at, at] });
          continue;
        }
        const valuePosition = this.positions.get(child);
        if (valuePosition && this.withPositions) {
          this.positions.set(child, { key: keyRange, value: valuePosition.value });
        }
        continue;
      }
      const { value } = this.inlineValue(line.content, restAt, line.start + indent, child, keyRange);
      map[key] = value;
      const following = this.lines[this.next];
      if (following && following.indent > indent) outside(); // a continued plain scalar
    }
    if (this.withPositions)
      this.positions.set(pointer, { value: [first.start + indent, this.collectionEnd()] });
    return map;
  }

  private blockSeq(indent: number, pointer: string): unknown[] {
    const list: unknown[] = [];
    const first = this.lines[this.next]!;
    while (this.next < this.lines.length) {
      const line = this.lines[this.next]!;
      if (line.indent < indent || (line.indent === indent && !line.content.startsWith("- "))) break;
      if (line.indent > indent) outside();
      this.next++;
      let at = 1;
      while (line.content[at] === " ") at++;
      const base = line.start + indent;
      const item = this.scalar(line.content, at, "block");
      this.ensureLineEnds(line.content, item.to);
      if (this.withPositions)
        this.positions.set(this.child(pointer, list.length), { value: [base + at, base + item.to] });
      list.push(item.value);
      const following = this.lines[this.next];
      if (following && following.indent > indent) outside();
    }
    if (this.withPositions)
      this.positions.set(pointer, { value: [first.start + indent, this.collectionEnd()] });
    return list;
  }

  /** A value on the key's line: a one-line flow map or list, or a scalar. `base` is the content's offset. */
  private inlineValue(
    content: string,
    from: number,
    base: number,
    pointer: string,
    key: readonly [number, number],
  ): { value: unknown; to: number } {
    let at = from;
    while (content[at] === " ") at++;
    const open = content[at];
    if (open === "{" || open === "[") {
      const closing = open === "{" ? "}" : "]";
      const value: Record<string, unknown> | unknown[] = open === "{" ? {} : [];
      let i = at + 1;
      const skip = () => {
        while (content[i] === " ") i++;
      };
      skip();
      if (content[i] === closing) i++;
      else {
        for (;;) {
          skip();
          let itemPointer: string;
          let itemKey: readonly [number, number] | undefined;
          let name = "";
          if (Array.isArray(value)) {
            itemPointer = this.child(pointer, value.length);
          } else {
            const found = keyAt(content, i);
            if (found === undefined) outside();
            name = found!;
            if (specialKeys.test(name) || Object.hasOwn(value, name)) outside();
            itemKey = [base + i, base + i + name.length];
            itemPointer = this.child(pointer, name);
            i += name.length + 1;
            skip();
          }
          const item = this.scalar(content, i, "flow");
          if (this.withPositions)
            this.positions.set(itemPointer, {
              ...(itemKey ? { key: itemKey } : {}),
              value: [base + i, base + item.to],
            });
          if (Array.isArray(value)) value.push(item.value);
          else value[name] = item.value;
          i = item.to;
          skip();
          if (content[i] === ",") {
            i++;
            skip();
            if (content[i] === closing) outside(); // a trailing comma
            continue;
          }
          if (content[i] === closing) {
            i++;
            break;
          }
          outside();
        }
      }
      this.ensureLineEnds(content, i);
      if (this.withPositions) this.positions.set(pointer, { key, value: [base + at, base + i] });
      return { value, to: i };
    }
    const scalar = this.scalar(content, at, "block");
    this.ensureLineEnds(content, scalar.to);
    if (this.withPositions) this.positions.set(pointer, { key, value: [base + at, base + scalar.to] });
    return scalar;
  }

  /** What follows a value on its line may only be spaces and a comment. */
  private ensureLineEnds(content: string, at: number): void {
    if (at === content.length) return;
    let i = at;
    while (content.charCodeAt(i) === 32) i++;
    if (i === at || (i < content.length && content.charCodeAt(i) !== 35)) outside();
  }

  private scalar(content: string, at: number, context: "block" | "flow"): { value: unknown; to: number } {
    const first = content[at];
    if (first === undefined) outside();
    if (first === '"') {
      const close = content.indexOf('"', at + 1);
      if (close === -1) outside();
      const value = content.slice(at + 1, close);
      if (value.includes("\\")) outside();
      return { value, to: close + 1 };
    }
    if (first === "'") {
      let value = "";
      let i = at + 1;
      for (;;) {
        const close = content.indexOf("'", i);
        if (close === -1) outside();
        value += content.slice(i, close);
        if (content[close + 1] === "'") {
          value += "'";
          i = close + 2;
          continue;
        }
        return { value, to: close + 1 };
      }
    }
    if (indicators.has(first!)) outside();
    let end = at;
    while (end < content.length) {
      const c = content[end]!;
      if (c === " " && content[end + 1] === "#") break;
      if (context === "flow" && (c === "," || c === "]" || c === "}")) break;
      if (c === ":" && (end + 1 === content.length || " ,]}".includes(content[end + 1]!))) outside();
      if (context === "flow" && (c === "[" || c === "{")) outside();
      end++;
    }
    while (content[end - 1] === " ") end--;
    return { value: resolvePlain(content.slice(at, end)), to: end };
  }
}
