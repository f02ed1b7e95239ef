import type { Node } from "yaml";
import { childPointer, type PositionIndex, type SourceRange } from "./source-positions.ts";

function rangeOf(node: Node | null | undefined, fallback: SourceRange): SourceRange {
  const range = node?.range;
  return range ? [range[0], range[1]] : fallback;
}

/**
 * Records the position of every key and value of a YAML node tree by JSON pointer, so that
 * diagnostics found on the plain value (schema errors, rules) can point back into the file.
 * The yaml module's type guards are passed in because the module itself is loaded lazily.
 */
export function indexYamlPositions(
  {
    isAlias,
    isMap,
    isScalar,
    isSeq,
  }: Pick<typeof import("yaml"), "isAlias" | "isMap" | "isScalar" | "isSeq">,
  root: Node,
  index: PositionIndex = new Map(),
): PositionIndex {
  const walk = (node: Node, pointer: string, key: SourceRange | undefined): void => {
    const value = rangeOf(node, key ?? [0, 0]);
    index.set(pointer, key ? { key, value } : { value });
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const keyRange = rangeOf(keyNode, value);
        const child = pair.value as Node | null;
        const childPath = childPointer(pointer, name);
        if (child && !isAlias(child)) walk(child, childPath, keyRange);
        else index.set(childPath, { key: keyRange, value: rangeOf(child, [keyRange[1], keyRange[1]]) });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = item as Node | null;
        const childPath = childPointer(pointer, i);
        if (child && !isAlias(child)) walk(child, childPath, undefined);
        else index.set(childPath, { value: rangeOf(child, value) });
      });
    }
  };
  walk(root, "", undefined);
  return index;
}
