/**
 * The default branch of an exhaustive `switch` over a closed union: it only compiles when every
 * member is handled, and throws if a value from outside the union (bad data) gets there anyway.
 */
export function unreachable(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
