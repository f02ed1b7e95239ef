import type { PositionIndex } from "./source-positions.ts";

/** Placeholder: the fast path for plain declarations. */
export function parseYamlSubset(
  _text: string,
): { value: Record<string, unknown>; positions: PositionIndex } | undefined {
  return undefined;
}
