import { identityLines } from "../config/age-identities.ts";
import { knownSecrets } from "../config/known-secrets.ts";

/** Names of environment variables whose values are secrets (EMI_AGE_IDENTITY among them). */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|PRIVATE|IDENTITY)/i;

/** Short values are too likely to appear by chance to be masked meaningfully. */
const MIN_SECRET_LENGTH = 8;

/**
 * The secret values present in the environment: variables named like a token, key or password,
 * and the password of a store URL (EMI_STORE, DATABASE_URL…). Used as a last line of defence
 * before anything is posted to GitHub.
 */
export function secretValuesIn(env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    const trimmed = value.trim();
    if (SECRET_NAME.test(name) && trimmed.length >= MIN_SECRET_LENGTH) values.add(trimmed);
    // An identity variable holds several lines: each key is masked on its own.
    for (const identity of identityLines(trimmed)) values.add(identity);
    const password = urlPassword(trimmed);
    if (password && password.length >= 4) {
      values.add(password);
      values.add(encodeURIComponent(password));
    }
  }
  // Keys read from files or decrypted from age: files are not in the environment.
  for (const secret of knownSecrets()) values.add(secret);
  return [...values].sort((a, b) => b.length - a.length);
}

function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(value)) return undefined;
  try {
    const password = new URL(value).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces every secret value of the environment found in `text` with `***`, as GitHub Actions
 * masks its logs. emi never puts a secret into a report on purpose; this catches a mistake
 * before it becomes a public comment.
 */
export function scrubSecrets(text: string, env: Record<string, string | undefined>): string {
  let result = text;
  for (const secret of secretValuesIn(env)) {
    if (result.includes(secret)) result = result.split(secret).join("***");
  }
  return result;
}
