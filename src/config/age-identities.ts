import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

/** The identities a process may decrypt `age:` secrets with, and how to name where they came from. */
export interface AgeIdentities {
  /** `AGE-SECRET-KEY-…` lines; empty when none is configured. */
  keys: string[];
  /** `EMI_AGE_IDENTITY`, `EMI_AGE_IDENTITY_FILE`, or both: for messages (never the keys). */
  source: string;
  /** Set when EMI_AGE_IDENTITY_FILE names a file that cannot be read (its path is not a secret). */
  unreadableFile?: string;
}

const IDENTITY_LINE = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Za-z]+$/;

/** The identity lines of a text (age-keygen's output: comments and blank lines are skipped). */
export function identityLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => IDENTITY_LINE.test(line));
}

/**
 * Reads the identities from `EMI_AGE_IDENTITY` (one or more lines) and the file named by
 * `EMI_AGE_IDENTITY_FILE` (relative to `cwd`). A file that cannot be read adds nothing and is named
 * in `unreadableFile`.
 */
export async function readAgeIdentities(
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): Promise<AgeIdentities> {
  const keys: string[] = [];
  const sources: string[] = [];
  const inline = env.EMI_AGE_IDENTITY;
  if (inline && inline.trim() !== "") {
    sources.push("EMI_AGE_IDENTITY");
    keys.push(...identityLines(inline));
  }
  const file = env.EMI_AGE_IDENTITY_FILE?.trim();
  let unreadableFile: string | undefined;
  if (file) {
    sources.push("EMI_AGE_IDENTITY_FILE");
    const text = await readFile(resolve(cwd, file), "utf8").catch(() => null);
    if (text === null) unreadableFile = file;
    else keys.push(...identityLines(text));
  }
  return {
    keys,
    source: sources.length > 0 ? sources.join(" and ") : "EMI_AGE_IDENTITY",
    ...(unreadableFile !== undefined ? { unreadableFile } : {}),
  };
}

/** Whether any identity variable is set at all (set but unusable is a failure, not "none here"). */
export function ageIdentityConfigured(env: Record<string, string | undefined>): boolean {
  return Boolean(env.EMI_AGE_IDENTITY?.trim() || env.EMI_AGE_IDENTITY_FILE?.trim());
}
