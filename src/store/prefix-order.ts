/** Characters of each value that prefixOrder sorts by: 4 × 7 bits. */
const PREFIX_CHARACTERS = 4;
/** Positions told apart within one tie of prefixes: 2^24, far above any batch. */
const POSITION_BITS = 24;
const POSITION_LIMIT = 2 ** POSITION_BITS;

/**
 * The positions of `values` (ASCII strings such as base64url hashes and REAIDs) in the order of
 * their first four characters, as SQLite's BINARY collation orders them; values sharing those
 * characters keep their own order. For random values that is the sorted order but for a few
 * neighbours, which is all an index sweep needs (nothing depends on it being exact), and it costs a
 * numeric sort instead of a string comparison in JavaScript per pair: a tenth of the time.
 */
export function prefixOrder(values: readonly string[]): number[] {
  const n = values.length;
  if (n >= POSITION_LIMIT) {
    return values.map((_, i) => i).sort((a, b) => (values[a]! < values[b]! ? -1 : 1));
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    let prefix = 0;
    // Seven bits a character (ASCII); a shorter value counts as padded with the lowest code.
    for (let c = 0; c < PREFIX_CHARACTERS; c++) prefix = prefix * 128 + (value.charCodeAt(c) & 127);
    keys[i] = prefix * POSITION_LIMIT + i;
  }
  keys.sort();
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % POSITION_LIMIT;
  return order;
}
