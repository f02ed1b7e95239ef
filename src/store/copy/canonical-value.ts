/** The kind of value a column holds, whatever the database spells its type. */
export type ValueFamily = "integer" | "boolean" | "real" | "text" | "bytes";

/** The family of a declared column type (SQLite's affinity rules, PostgreSQL's type names). */
export function familyOf(type: string): ValueFamily {
  const t = type.toLowerCase();
  if (t === "boolean") return "boolean";
  if (t.includes("int") || t === "numeric") return "integer";
  if (t.includes("real") || t.includes("double") || t.includes("float")) return "real";
  if (t.includes("blob") || t === "bytea") return "bytes";
  return "text";
}

/**
 * One value in a form both databases agree on: integers and booleans as decimal text (`1`/`0`),
 * bytes as hex, text as is; null stays null. Two stores are equal when every row's canonical values are.
 */
export function canonicalValue(value: unknown, family: ValueFamily): string | null {
  if (value === null || value === undefined) return null;
  if (family === "boolean") {
    if (value === true || value === "true" || value === "t" || value === 1 || value === 1n || value === "1")
      return "1";
    if (value === false || value === "false" || value === "f" || value === 0 || value === 0n || value === "0")
      return "0";
  }
  if (Buffer.isBuffer(value)) return value.toString("hex");
  if (family === "bytes" && typeof value === "string" && value.startsWith("\\x")) return value.slice(2);
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  return String(value);
}

/** A canonical value as the target column takes it. */
export function targetValue(
  canonical: string | null,
  family: ValueFamily,
  dialect: "sqlite" | "postgres",
): unknown {
  if (canonical === null) return null;
  if (dialect === "postgres") return family === "bytes" ? Buffer.from(canonical, "hex") : canonical;
  switch (family) {
    case "integer":
    case "boolean":
      return BigInt(canonical);
    case "real":
      return Number(canonical);
    case "bytes":
      return Buffer.from(canonical, "hex");
    default:
      return canonical;
  }
}
