/** Parameters as better-sqlite3 takes them: it refuses booleans and undefined; flags are stored as 0/1. */
export function bindable(params: readonly unknown[]): unknown[] {
  return params.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : (value ?? null)));
}
