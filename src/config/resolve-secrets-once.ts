import { readSecret, type SecretReading, type SecretSource } from "./resolve-secret.ts";

/** Reads a secret reference (`env:NAME`, `file:PATH`, `age:PATH`): its value, or why it is not here. */
export interface SecretResolver {
  (ref: string): Promise<SecretReading>;
  /** Where it reads from (the environment also holds emi's own settings, e.g. Actito quotas). */
  readonly source: SecretSource;
}

/**
 * Secrets as a run's steps ask for them: a SecretSource (each step resolving for itself), or the
 * resolver of the run (`resolveSecretsOnce`), which apply shares between refresh, activation and sync.
 */
export type Secrets = SecretSource | SecretResolver;

/**
 * A resolver that reads each reference once for the run (one `readSecret` per integration, not
 * one per step) and keeps the values only in memory, for as long as the run holds the resolver.
 * A long-running process takes a new one per run, so a rotated key is read again.
 */
export function resolveSecretsOnce(source: SecretSource): SecretResolver {
  const resolved = new Map<string, Promise<SecretReading>>();
  const read = (ref: string) => {
    let secret = resolved.get(ref);
    if (secret === undefined) {
      secret = readSecret(ref, source);
      resolved.set(ref, secret);
    }
    return secret;
  };
  return Object.assign(read, { source });
}

/** The resolver for `secrets`: the run's own, or a fresh one over a SecretSource. */
export function secretResolver(secrets: Secrets): SecretResolver {
  return typeof secrets === "function" ? secrets : resolveSecretsOnce(secrets);
}
