import { csvField } from "./csv-field.ts";
import type { ReaidWrite } from "./reaid-write.ts";

/** The column separator of emi's mass-import files. */
export const importSeparator = ";";

/** The header line of a mass-import file: the key column, then the REAID attribute. */
export function importHeader(keyColumn: string, reaidAttribute: string): string {
  return `${csvField(keyColumn, importSeparator)}${importSeparator}${csvField(reaidAttribute, importSeparator)}\n`;
}

/** The CSV lines of these rows, one per row: key, then REAID (a REAID is URL-safe, never quoted). */
export function importLines(rows: readonly ReaidWrite[]): string {
  let text = "";
  for (const row of rows) text += `${csvField(row.key, importSeparator)}${importSeparator}${row.reaid}\n`;
  return text;
}

/**
 * Whether the next page of rows goes into the mass-import file being built, which already holds
 * `fileBytes`: a file never grows past `cap`, so the first page that would pass it starts the next
 * file instead. Pages are never split, because a checkpoint's cursor can only point between pages.
 * (The rows read before a file starts always go in, so a page too big for any file still moves on.)
 */
export function pageFitsInFile(fileBytes: number, pageBytes: number, cap: number): boolean {
  return fileBytes + pageBytes <= cap;
}
