import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as yaml from "yaml";
import { indexYamlPositions } from "../../src/config/index-yaml-positions.ts";
import { parseYamlSubset } from "../../src/config/parse-yaml-subset.ts";

// The fast path must never read a declaration differently from `yaml`: whenever it answers, its
// value and every position (keys, values, collections' ends) are the full parser's, and the full
// parser found nothing to report; otherwise it steps aside. Documents are generated around the
// subset's edges: plain, quoted and special scalars, flow collections, nesting at odd indents,
// nulls before spaces and comments, comment and blank lines, duplicate, special and very long keys.

const word = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyz".split(""),
  ..."ABCDEFGHIJ".split(""),
  "entity",
  "apiKey",
  "x-y",
  "k_1",
  "Ab",
);
const key = fc.oneof(
  { weight: 60, arbitrary: word },
  { weight: 1, arbitrary: fc.constantFrom("true", "null", "__proto__", "1a", "a b", "a:b", "-a") },
  { weight: 1, arbitrary: fc.integer({ min: 1020, max: 1030 }).map((n) => "k".repeat(n)) },
);
const ordinary = fc.constantFrom(
  "x",
  "hello world",
  "env:ACTITO_KEY",
  "a#b",
  "x y  z",
  "crm@acme.example",
  "api3",
  "nothing",
  "trueish",
  "12",
  "0",
);
const edgy = fc.constantFrom(
  "null",
  "Null",
  "~",
  "true",
  "FALSE",
  "007",
  "1.5",
  "-1",
  "+1",
  "0x1f",
  "1e3",
  ".5",
  "123456789012345",
  "1234567890123456",
  "a: b",
  "a:",
  "- x",
  "@x",
  "&x",
  "*x",
  "!x",
  "%x",
  "|",
  ">",
  "?",
  "[x",
  "x]",
  "{x",
  "x,y",
);
const plain = fc.oneof({ weight: 6, arbitrary: ordinary }, { weight: 1, arbitrary: edgy });
const quoted = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "''",
      "'it''s'",
      "'a # b'",
      "'x",
      '""',
      '"q # r"',
      '"esc\\"aped"',
      '"tab\\t"',
      '"x',
    ),
  },
  { weight: 2, arbitrary: plain.map((text) => `'${text.replaceAll("'", "''")}'`) },
  { weight: 2, arbitrary: plain.map((text) => `"${text.replaceAll('"', "")}"`) },
);
const scalar = fc.oneof({ weight: 6, arbitrary: plain }, { weight: 1, arbitrary: quoted });
const space = fc.constantFrom("", " ", "  ");
const trailing = fc.oneof(
  { weight: 8, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom(" ", "   ", " # note", "  #c", "#c") },
);
const flow = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(key, scalar), { maxLength: 3 }),
    space,
    fc.constantFrom(",", ", ", ", ", " ,", ",,", ""),
    fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  )
  .map(([isMap, items, pad, comma, trailingComma]) => {
    const inner = items.map(([k, v]) => (isMap ? `${k}: ${v}` : v)).join(comma);
    const [open, close] = isMap ? ["{", "}"] : ["[", "]"];
    return `${open}${pad}${inner}${trailingComma && items.length > 0 ? "," : ""}${pad}${close}`;
  });

interface Block {
  lines: string[];
}
const indentStep = fc.constantFrom(1, 2, 2, 2, 4);

function blockMap(depth: number): fc.Arbitrary<Block> {
  const entry = fc
    .tuple(
      key,
      valueAt(depth),
      fc.oneof(
        { weight: 20, arbitrary: fc.constant(": ") },
        { weight: 3, arbitrary: fc.constant(":  ") },
        { weight: 1, arbitrary: fc.constant(":") },
      ),
    )
    .map(([k, value, colon]) =>
      value.kind === "inline"
        ? [`${k}${colon}${value.text}`]
        : value.kind === "null"
          ? [`${k}:${value.text}`]
          : [`${k}:${value.tail}`, ...value.lines],
    );
  return fc.array(entry, { minLength: 1, maxLength: 4 }).map((entries) => ({ lines: entries.flat() }));
}

function blockSeq(): fc.Arbitrary<Block> {
  return fc
    .array(
      fc.tuple(
        fc.oneof(
          { weight: 20, arbitrary: fc.constant("- ") },
          { weight: 3, arbitrary: fc.constant("-  ") },
          { weight: 1, arbitrary: fc.constant("-") },
        ),
        scalar,
        trailing,
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((items) => ({ lines: items.map(([dash, item, after]) => `${dash}${item}${after}`) }));
}

type Value =
  | { kind: "inline"; text: string }
  | { kind: "null"; text: string }
  | { kind: "block"; tail: string; lines: string[] };

function valueAt(depth: number): fc.Arbitrary<Value> {
  const inline = fc
    .tuple(fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: flow }), trailing)
    .map(([text, after]): Value => ({ kind: "inline", text: `${text}${after}` }));
  const empty = fc
    .constantFrom("", "", " ", "   ", "  # todo", " #", "#x")
    .map((text): Value => ({ kind: "null", text }));
  const nested = fc
    .tuple(
      depth < 3 ? fc.oneof(blockMap(depth + 1), blockSeq()) : blockSeq(),
      indentStep,
      fc.boolean(),
      fc.constantFrom("", " # c", "  "),
    )
    .map(([block, step, sameIndentSeq, tail]): Value => {
      const isSeq = block.lines[0]?.startsWith("-") ?? false;
      const pad = " ".repeat(isSeq && sameIndentSeq ? 0 : step);
      return { kind: "block", tail, lines: block.lines.map((line) => `${pad}${line}`) };
    });
  return fc.oneof(
    { weight: 6, arbitrary: inline },
    { weight: 1, arbitrary: empty },
    { weight: 2, arbitrary: nested },
  );
}

const filler = fc.constantFrom("", "# a comment", "  # indented comment", "   ");
const document = fc
  .tuple(
    blockMap(0),
    fc.array(fc.tuple(fc.nat({ max: 12 }), filler), { maxLength: 2 }),
    fc.constantFrom("\n", "\n", "\n", "", "\n\n", "\n# end\n"),
    fc.oneof(
      { weight: 12, arbitrary: fc.constant(null) },
      {
        weight: 1,
        arbitrary: fc.constantFrom("---", "...", "\tx: 1", "a: 1\r", "- x", " z: 1", "  continued"),
      },
    ),
  )
  .map(([map, extras, end, junk]) => {
    const lines = [...map.lines];
    for (const [at, line] of extras) lines.splice(Math.min(at, lines.length), 0, line);
    if (junk !== null) lines.splice(lines.length >> 1, 0, junk);
    return lines.join("\n") + end;
  });

function fullParse(text: string) {
  const doc = yaml.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const contents = doc.contents as yaml.Node | null;
  return {
    problems: [...doc.errors, ...doc.warnings].map((problem) => problem.code),
    isMap: yaml.isMap(contents),
    value: doc.toJS() as unknown,
    positions: contents && yaml.isMap(contents) ? indexYamlPositions(yaml, contents) : new Map(),
  };
}

describe("parseYamlSubset against yaml", () => {
  it("answers only what yaml reads, with the same value and positions, over generated documents", () => {
    let answered = 0;
    fc.assert(
      fc.property(document, (text) => {
        const fast = parseYamlSubset(text);
        if (fast === undefined) return;
        answered++;
        const full = fullParse(text);
        expect(full.problems).toEqual([]);
        expect(full.isMap).toBe(true);
        expect(fast.value).toEqual(full.value);
        expect(parseYamlSubset(text, false)?.value).toEqual(full.value);
        expect(Object.fromEntries(fast.positions)).toEqual(Object.fromEntries(full.positions));
      }),
      // A few seconds in CI; EMI_YAML_DIFFERENTIAL_RUNS=200000 for a long search.
      { numRuns: Number(process.env.EMI_YAML_DIFFERENTIAL_RUNS ?? 3000) },
    );
    // The generator must exercise the fast path, not only its refusals.
    expect(answered).toBeGreaterThan(600);
  });

  it("steps aside for a block key over 1,024 characters, which yaml refuses (KEY_OVER_1024_CHARS)", () => {
    const text = `${"k".repeat(1025)}: 1\n`;
    expect(fullParse(text).problems).toEqual(["KEY_OVER_1024_CHARS"]);
    expect(parseYamlSubset(text)).toBeUndefined();
  });

  it("places a null value where yaml does: after the spaces, before a comment", () => {
    const text = "a: 1\nentity:  # todo\nb:   \nc: 2\n";
    expect(parseYamlSubset(text)?.positions.get("/entity")).toEqual({ key: [5, 11], value: [14, 14] });
    expect(parseYamlSubset(text)?.positions.get("/b")).toEqual({ key: [21, 22], value: [26, 26] });
  });

  it("ends a block collection where yaml does: after its last line's comment and newline", () => {
    const text = "a:\n  b: 1  # c\nd:\n  - 1\n";
    const positions = parseYamlSubset(text)?.positions;
    expect(positions?.get("/a")?.value).toEqual([5, 15]);
    expect(positions?.get("")?.value).toEqual([0, text.length]);
  });
});
