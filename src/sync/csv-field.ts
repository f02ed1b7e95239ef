/**
 * One CSV field as RFC 4180 wants it: quoted only when it holds the separator, a quote or a line
 * break (REAIDs and profile ids never do, e-mails rarely), so the common case costs nothing.
 */
export function csvField(value: string, separator: string): string {
  if (value.includes(separator) || value.includes('"') || value.includes("\n") || value.includes("\r")) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}
