/**
 * Secrets this process has read from files or decrypted (not from the environment), so that the
 * last line of defence before posting to GitHub (src/github/scrub-secrets.ts) can mask them too.
 * Process-wide on purpose: it is a safety net, not a source of truth.
 */
const known = new Set<string>();

/** Remembers a secret value (values shorter than 8 characters are too common to mask). */
export function rememberSecret(value: string): void {
  if (value.length >= 8) known.add(value);
}

/** Every secret remembered so far. */
export function knownSecrets(): string[] {
  return [...known];
}
