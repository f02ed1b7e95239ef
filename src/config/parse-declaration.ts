import { createRequire } from "node:module";
import type { Node, YAMLError } from "yaml";
import type { Diagnostic } from "../types/diagnostic.ts";
import type { ValidationCode } from "../types/diagnostic-code.ts";
import { findIndentationProblem } from "./find-indentation-problem.ts";
import { findInvalidUtf8 } from "./find-invalid-utf8.ts";
import { indexYamlPositions } from "./index-yaml-positions.ts";
import { diagnosticAtRange } from "./locate-diagnostic.ts";
import { parseYamlSubset } from "./parse-yaml-subset.ts";
import { lineColumnAt, lineStartsOf, type PositionIndex } from "./source-positions.ts";

/** Declarations are a dozen lines; anything this big is a mistake or an attack. */
export const maxDeclarationBytes = 1024 * 1024;

/**
 * Aliases have no use in a declaration; a few are tolerated, and the cap stops an alias bomb
 * ("billion laughs") while it is being expanded, before it can grow memory.
 */
const maxAliasCount = 10;

/** One declaration file after parsing: its text, its plain value when it parsed, and what went wrong. */
export interface ParsedDeclaration {
  /** Path relative to the working directory, forward slashes. */
  file: string;
  text: string;
  readonly lineStarts: number[];
  /** The file's content as a plain object, present only when it parsed cleanly as one YAML map. */
  value?: Record<string, unknown>;
  readonly positions: PositionIndex;
  /** YAML-level problems; empty when `value` is present, except for warnings. */
  diagnostics: Diagnostic[];
}

const yamlCodes: Partial<Record<YAMLError["code"], { code: ValidationCode; message?: string }>> = {
  DUPLICATE_KEY: { code: "duplicate-key" },
  TAB_AS_INDENT: {
    code: "tab-indent",
    message: "tabs are not allowed for indentation in YAML; indent with spaces",
  },
  MULTIPLE_DOCS: {
    code: "multiple-documents",
    message:
      "the file holds more than one YAML document (a line `---`); put each integration in its own file",
  },
};

const utf8 = new TextDecoder("utf-8");

// The full YAML parser is loaded only for files outside the fast subset (rare): loading its
// sixty modules costs more than parsing ten thousand plain declarations. createRequire keeps the
// load on Node's CommonJS path, outside the ESM loader hooks that run TypeScript.
let yamlModule: typeof import("yaml") | undefined;
function yaml(): typeof import("yaml") {
  yamlModule ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yamlModule;
}

/**
 * A declaration in the fast subset: its positions and line table are computed only when a
 * diagnostic asks for them, which valid files (the common case) never do.
 */
class SubsetDeclaration implements ParsedDeclaration {
  readonly diagnostics: Diagnostic[] = [];
  private starts: number[] | undefined;
  private index: PositionIndex | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly value: Record<string, unknown>,
  ) {}

  get lineStarts(): number[] {
    this.starts ??= lineStartsOf(this.text);
    return this.starts;
  }

  get positions(): PositionIndex {
    this.index ??= parseYamlSubset(this.text)?.positions ?? new Map();
    return this.index;
  }
}

function fileLevel(file: string, text: string, code: ValidationCode, message: string): ParsedDeclaration {
  const lineStarts = lineStartsOf(text);
  return {
    file,
    text,
    lineStarts,
    positions: new Map(),
    diagnostics: [diagnosticAtRange({ file, lineStarts }, [0, 0], "", { code, message })],
  };
}

/**
 * Parses one declaration file. Every problem becomes a diagnostic: over-large files, bytes that are
 * not UTF-8, YAML syntax errors, duplicate keys, tab indentation, several documents, too many
 * aliases, an empty file, or content that is not a map. Pure: reads nothing but its arguments.
 * `size` is the file's real size when the caller did not read an over-large file's bytes.
 */
export function parseDeclaration(file: string, bytes: Uint8Array, size = bytes.length): ParsedDeclaration {
  if (size > maxDeclarationBytes) {
    return fileLevel(
      file,
      "",
      "file-too-large",
      `the file has ${size} bytes; a declaration may have at most ${maxDeclarationBytes} (1 MiB)`,
    );
  }
  const invalidAt = findInvalidUtf8(bytes);
  if (invalidAt !== -1) {
    // Report the place of the first bad byte on the text before it, which is valid.
    const before = utf8.decode(bytes.subarray(0, invalidAt));
    const parsed = fileLevel(file, before, "not-utf8", "");
    const diagnostic = diagnosticAtRange(parsed, [before.length, before.length], "", {
      code: "not-utf8",
      message: `byte ${invalidAt} is not valid UTF-8; save the file as UTF-8`,
    });
    return { ...parsed, diagnostics: [diagnostic] };
  }
  const text = utf8.decode(bytes); // drops a UTF-8 byte order mark

  const fast = parseYamlSubset(text, false);
  if (fast) {
    return new SubsetDeclaration(file, text, fast.value);
  }

  const lineStarts = lineStartsOf(text);
  const source = { file, lineStarts };
  const { isMap, parseDocument, visit } = yaml();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const diagnostics: Diagnostic[] = syntaxDiagnostics(source, text, doc.errors);
  for (const warning of doc.warnings) {
    diagnostics.push(
      diagnosticAtRange(source, warning.pos, "", {
        code: "yaml-warning",
        message: warning.message,
        severity: "warning",
      }),
    );
  }
  const empty = { file, text, lineStarts, positions: new Map() as PositionIndex, diagnostics };
  if (doc.errors.length > 0) return empty;

  const contents = doc.contents as Node | null;
  if (contents === null) {
    diagnostics.push(
      diagnosticAtRange(source, [0, 0], "", {
        code: "empty-file",
        message: "the file holds no declaration; write the integration's fields or delete the file",
      }),
    );
    return empty;
  }
  const range = contents.range ?? [0, 0, 0];
  if (!isMap(contents)) {
    const what = contents.constructor.name === "YAMLSeq" ? "a list" : "a single value";
    diagnostics.push(
      diagnosticAtRange(source, [range[0], range[1]], "", {
        code: "not-a-map",
        message: `the file holds ${what}; a declaration is a map of fields such as \`account: 1042\``,
      }),
    );
    return empty;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let aliasRange: [number, number] = [range[0], range[0]];
    visit(doc, {
      Alias(_key, node) {
        if (node.range) aliasRange = [node.range[0], node.range[1]];
        return visit.BREAK;
      },
    });
    diagnostics.push(
      diagnosticAtRange(source, aliasRange, "", {
        code: "too-many-aliases",
        message: `the YAML aliases (*name) expand beyond ${maxAliasCount} copies; write the values out instead`,
      }),
    );
    return empty;
  }
  return {
    ...empty,
    value: value as Record<string, unknown>,
    positions: indexYamlPositions(yaml(), contents),
  };
}

/**
 * The file's YAML errors as diagnostics, without the cascade one mistake causes: an indentation
 * mistake (the usual cause) is reported once, on its own line, in plain words; otherwise the first
 * syntax error is kept (what follows it is the parser's guesswork) along with duplicate keys and
 * extra documents, which are independent of it.
 */
function syntaxDiagnostics(
  source: { file: string; lineStarts: number[] },
  text: string,
  errors: readonly YAMLError[],
): Diagnostic[] {
  if (errors.length === 0) return [];
  const independent = new Set<YAMLError["code"]>(["DUPLICATE_KEY", "MULTIPLE_DOCS"]);
  const firstSyntax = errors.find((e) => !independent.has(e.code));
  const kept = errors.filter((e) => independent.has(e.code) || e === firstSyntax);
  const firstLine = firstSyntax ? lineColumnAt(source.lineStarts, firstSyntax.pos[0]).line : 0;
  const indentation = firstSyntax ? findIndentationProblem(text) : undefined;
  // Only when it explains the first error: YAML reports an indentation mistake on its line or the one before.
  const explains =
    indentation !== undefined && indentation.line >= firstLine - 1 && indentation.line <= firstLine + 1;
  const diagnostics = kept
    .filter((e) => !(explains && e === firstSyntax))
    .map((error) => {
      const known = yamlCodes[error.code];
      const message = known?.message ?? yamlMessage(error, text);
      return diagnosticAtRange(source, error.pos, "", { code: known?.code ?? "yaml-syntax", message });
    });
  if (explains) {
    const start = (source.lineStarts[indentation.line - 1] ?? 0) + indentation.column - 1;
    diagnostics.push(
      diagnosticAtRange(source, [start, start + 1], "", {
        code: indentation.code,
        message: indentation.message,
      }),
    );
  }
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

const plainWords: Partial<Record<YAMLError["code"], string>> = {
  BLOCK_AS_IMPLICIT_KEY: "a key must fit on one line: is a colon or a closing quote or bracket missing?",
  MISSING_CHAR: "something is not closed: check for a missing quote, ] or }",
  BAD_INDENT:
    "the indentation of this line does not match the lines around it: indent with 2 spaces per level",
  UNEXPECTED_TOKEN: "this is not valid YAML here: check the line for a stray character",
};

function yamlMessage(error: YAMLError, text: string): string {
  if (error.code === "DUPLICATE_KEY") {
    const line = text.slice(error.pos[0]).split("\n")[0] ?? "";
    const key = line.split(/:(\s|$)/)[0]?.trim() ?? "";
    return `the key "${key}" appears twice in the same map; keep one`;
  }
  const plain = plainWords[error.code];
  if (plain) return plain;
  // The library's messages are clear but start with a capital and may end with a colon.
  const message = error.message.replace(/:\s*$/, "").split("\n")[0] ?? error.message;
  return message.charAt(0).toLowerCase() + message.slice(1);
}
