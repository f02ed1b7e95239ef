import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";

/** Where a secret reference is resolved: the environment and the repository root for `file:` paths. */
export interface SecretSource {
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * Resolves `env:NAME` or `file:PATH` to the secret, or null when it is not available here
 * (a fork's pull request has no secrets: plan must still run). The value is trimmed.
 */
export async function resolveSecret(ref: string, source: SecretSource): Promise<string | null> {
  if (ref.startsWith("env:")) {
    const value = source.env[ref.slice(4)];
    return value && value.trim() !== "" ? value.trim() : null;
  }
  if (ref.startsWith("file:")) {
    const path = ref.slice(5);
    try {
      const value = (await readFile(isAbsolute(path) ? path : resolve(source.cwd, path), "utf8")).trim();
      return value === "" ? null : value;
    } catch {
      return null;
    }
  }
  return null;
}
