/** `?, ?, …`: `count` placeholders for an IN list. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}

/** The store's timestamps: ISO-8601 text, identical in both databases. */
export function nowIso(): string {
  return new Date().toISOString();
}
