import type { ProfileTable } from "./types.ts";

/** Which of an entity's profile tables an integration means, or why none. */
export type TableChoice =
  | { status: "found"; table: ProfileTable }
  | { status: "missing" | "ambiguous"; candidates: string[] };

/**
 * The one rule for an integration's profile table, used by refresh, activation and sync: the table
 * named `name`, or, when no name is declared, the entity's only table. `candidates` (sorted) lets
 * the caller say which tables there are.
 */
export function pickProfileTable(tables: readonly ProfileTable[], name: string | undefined): TableChoice {
  const table =
    name !== undefined ? tables.find((t) => t.name === name) : tables.length === 1 ? tables[0] : undefined;
  if (table) return { status: "found", table };
  return {
    status: name === undefined && tables.length > 1 ? "ambiguous" : "missing",
    candidates: tables.map((t) => t.name).sort(),
  };
}

/** What to tell a person when no table was picked. */
export function noTableMessage(
  entity: string,
  name: string | undefined,
  choice: Exclude<TableChoice, { status: "found" }>,
): string {
  const names = choice.candidates.join(", ") || "none";
  return name !== undefined
    ? `entity ${entity} has no profile table "${name}" (tables: ${names})`
    : `entity ${entity} has ${choice.candidates.length} profile tables (${names}): declare actito.profileTable`;
}
