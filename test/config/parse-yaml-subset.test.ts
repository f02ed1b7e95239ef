import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isMap, type Node, parseDocument } from "yaml";
import * as yaml from "yaml";
import { indexYamlPositions } from "../../src/config/index-yaml-positions.ts";
import { parseYamlSubset } from "../../src/config/parse-yaml-subset.ts";
import { declarationText } from "./declaration-text.ts";

const examples = readdirSync(new URL("../../integrations/", import.meta.url)).map((name) =>
  readFileSync(new URL(`../../integrations/${name}`, import.meta.url), "utf8"),
);

// Inside the subset: the fast parser must answer, and agree with the full parser.
const inside = [
  ...examples,
  declarationText(1042, { sisters: [1043, 1044] }),
  "a: 1\nb:\n  c: x y z  # comment\n  d: 'it''s'\n  e: \"quoted # not a comment\"\nf: [1, 2, three]\n",
  "a:\n- 1\n- 2\nb: {}\nc: []\nd:\ne: ~\nf: TRUE\ng: false\nh: null\n",
  "# only a comment first\n\na: env:ACTITO_KEY\nb: {x: 1,y: two}\nc: a#b\nd: 0\n",
  "sisterAccounts:\n  # a comment between items\n  - 1043\n\n  - 1044\n",
  "a: 1   \nb:    # comment\n  c: x#y  \nkey-with-dash: nope\nn: nothing\nt: trueish\nf: False\n",
  "a: {  b: 1 ,c: '' }\nd: [ ]\ne: ''\n",
  "a: b #c: d\nx: {b: c:d}\n",
];

// Outside the subset: the fast parser must step aside so the full parser decides (and reports).
const outside = [
  "a: &x 1\nb: *x\n",
  "a: !!str 1\n",
  "a: |\n  text\n",
  "a: 'unterminated\n",
  "a: b\n  continued\n",
  "a: 1\na: 2\n",
  "---\na: 1\n",
  "a: 1.5\n",
  "a: 0x1f\n",
  "a: 012\n",
  "a: -1\n",
  'a: "esc\\"aped"\n',
  "a: [1, [2]]\n",
  "a: [1, 2,]\n",
  "a: b: c\n",
  "- 1\n",
  "  a: 1\n",
  "a:\tb\n",
  "a: 1\n b: 2\n",
  "true: 1\n",
  "__proto__: 1\n",
  "a:\n  - {b: 1}\n",
  "? a\n: b\n",
  "a: 1 # ok\nb: @x\n",
  "",
  "a:1\n",
  "a: 1\n...\n",
];

function fullParse(text: string) {
  const doc = parseDocument(text);
  const contents = doc.contents as Node;
  return { value: doc.toJS(), positions: isMap(contents) ? indexYamlPositions(yaml, contents) : new Map() };
}

describe("parseYamlSubset", () => {
  it.each(inside.map((text, i) => [i, text]))(
    "agrees with the full parser on value and positions (%i)",
    (_i, text) => {
      const fast = parseYamlSubset(text);
      expect(fast).toBeDefined();
      const full = fullParse(text);
      expect(fast!.value).toEqual(full.value);
      for (const [pointer, position] of full.positions) {
        const mine = fast!.positions.get(pointer);
        expect(mine, pointer).toBeDefined();
        expect(mine!.key, pointer).toEqual(position.key);
        expect(mine!.value[0], pointer).toBe(position.value[0]);
        if (typeof yaml.parseDocument(text).getIn(pointer.split("/").slice(1)) !== "object") {
          expect(mine!.value[1], pointer).toBe(position.value[1]);
        }
      }
    },
  );

  it.each(outside.map((text) => [JSON.stringify(text), text]))("steps aside for %s", (_name, text) => {
    expect(parseYamlSubset(text)).toBeUndefined();
  });

  it("leaves positions empty when they are not asked for", () => {
    expect(parseYamlSubset(declarationText(1042), false)?.positions.size).toBe(0);
  });
});
