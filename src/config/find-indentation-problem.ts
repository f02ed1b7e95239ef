/** The first line whose indentation YAML cannot read, in plain words; see {@link findIndentationProblem}. */
export interface IndentationProblem {
  code: "tab-indent" | "bad-indent";
  /** 1-based line and column of the first wrong indentation character or of the line's content. */
  line: number;
  column: number;
  message: string;
}

const plural = (n: number) => `${n} space${n === 1 ? "" : "s"}`;

function keyOf(content: string): string | undefined {
  return /^(?:-\s+)?([A-Za-z_][\w-]*)\s*:/.exec(content)?.[1];
}

/**
 * Looks for the indentation mistakes people make by hand in a block-style YAML file (a tab, three
 * spaces where two were meant, a key indented under a key that already has a value) and names the
 * line it is on. YAML parsers report such a mistake as a cascade of errors elsewhere ("nested
 * mappings are not allowed in compact mappings" on the line before): this finds the cause.
 * Flow collections (`[…]`, `{…}`), block scalars (`|`, `>`) and comments are skipped over.
 * Returns undefined when the indentation looks right.
 */
export function findIndentationProblem(text: string): IndentationProblem | undefined {
  const lines = text.split(/\r?\n/);
  const levels: { indent: number; key: string | undefined; line: number }[] = [];
  let previous: { indent: number; opens: boolean; key: string | undefined; line: number } | undefined;
  let flowDepth = 0;
  let blockScalarIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const lineNumber = i + 1;
    const leading = /^[ \t]*/.exec(raw)?.[0] ?? "";
    const content = raw.slice(leading.length);
    if (content === "" || content.startsWith("#")) continue;
    if (blockScalarIndent !== undefined) {
      if (leading.length > blockScalarIndent && !leading.includes("\t")) continue;
      blockScalarIndent = undefined;
    }
    if (flowDepth > 0) {
      flowDepth = Math.max(0, flowDepth + depthChange(content));
      continue;
    }
    if (content === "---" || content === "...") continue;
    const tab = leading.indexOf("\t");
    if (tab !== -1) {
      const more = lines.slice(i + 1).filter((l) => /^[ ]*\t/.test(l)).length;
      return {
        code: "tab-indent",
        line: lineNumber,
        column: tab + 1,
        message:
          "this line is indented with a tab; YAML allows only spaces: indent with spaces (2 per level)" +
          (more > 0 ? ` (${more} more line${more === 1 ? "" : "s"} below too)` : ""),
      };
    }
    const indent = leading.length;
    const key = keyOf(content);
    if (previous && indent > previous.indent && !previous.opens) {
      const sibling = levels.at(-1);
      const what = key ? `"${key}"` : "this line";
      return {
        code: "bad-indent",
        line: lineNumber,
        column: indent + 1,
        message:
          `${what} is indented by ${plural(indent)}, more than line ${previous.line}` +
          (previous.key ? ` ("${previous.key}")` : "") +
          `, which already has a value` +
          (sibling ? `: indent it by ${plural(sibling.indent)} like the line above` : ""),
      };
    }
    let inner: (typeof levels)[number] | undefined;
    while (levels.length > 0 && levels.at(-1)!.indent > indent) inner = levels.pop();
    const top = levels.at(-1);
    if (top !== undefined && top.indent !== indent && indent < (previous?.indent ?? 0)) {
      const like = (level: (typeof levels)[number]) => `line ${level.line} (${plural(level.indent)})`;
      return {
        code: "bad-indent",
        line: lineNumber,
        column: indent + 1,
        message: `this line is indented by ${plural(indent)}, which lines up with no line above it: indent it like ${inner ? `${like(inner)} or ` : ""}${like(top)}`,
      };
    }
    if (top === undefined || top.indent < indent) levels.push({ indent, key, line: lineNumber });
    // A sequence item "- key: value" opens a mapping two columns further in.
    const item = /^-\s+/.exec(content);
    const itemIndent = item ? indent + item[0].length : indent;
    if (item && keyOf(content)) levels.push({ indent: itemIndent, key, line: lineNumber });
    const value = valueAfterKey(content);
    const opens = value === "" || /^-\s*$/.test(content);
    if (value !== undefined && /^[|>][0-9+-]*\s*(#.*)?$/.test(value)) blockScalarIndent = itemIndent;
    flowDepth = Math.max(0, depthChange(value ?? content));
    previous = { indent: item && keyOf(content) ? itemIndent : indent, opens, key, line: lineNumber };
  }
  return undefined;
}

/** The value after `key:` on a line, without a trailing comment; undefined when the line has no key. */
function valueAfterKey(content: string): string | undefined {
  const match = /^(?:-\s+)?[^\s#:'"][^:#]*?:(?:\s+|$)(.*)$/.exec(content);
  if (!match) return undefined;
  return (match[1] ?? "").replace(/\s+#.*$/, "").trim();
}

/** How many flow collections a line opens minus how many it closes, outside quoted strings. */
function depthChange(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#") break;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
  }
  return depth;
}
