// OWASP "CSV Injection": a cell starting with one of these is run as a formula by spreadsheets.
const formulaStart = /^[=+\-@\t\r]/;

/**
 * A CSV cell that a spreadsheet shows as text instead of running as a formula: a value starting
 * with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's guidance; the
 * caller also quotes every field). `=cmd|'/c calc'!a0@x.example` becomes `'=cmd|'/c calc'!a0@x.example`.
 */
export function neutraliseFormula(cell: string): string {
  return formulaStart.test(cell) ? `'${cell}` : cell;
}
