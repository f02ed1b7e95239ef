import { resolveSecret, type SecretSource } from "./resolve-secret.ts";

/** Resolves a secret reference (`env:NAME`, `file:PATH`) to the secret, or null when it is not available here. */
export type SecretResolver = (ref: string) => Promise<string | null>;

/**
 * Secrets as a run's steps ask for them: a SecretSource (each step resolving for itself), or the
 * resolver of the run (`resolveSecretsOnce`), which apply shares between refresh, activation and sync.
 */
export type Secrets = SecretSource | SecretResolver;

/**
 * A resolver that reads each reference once for the run (one `resolveSecret` per integration, not
 * one per step) and keeps the values only in memory, for as long as the run holds the resolver.
 * A long-running process takes a new one per run, so a rotated key is read again.
 */
export function resolveSecretsOnce(source: SecretSource): SecretResolver {
  const resolved = new Map<string, Promise<string | null>>();
  return (ref) => {
    let secret = resolved.get(ref);
    if (secret === undefined) {
      secret = resolveSecret(ref, source);
      resolved.set(ref, secret);
    }
    return secret;
  };
}

/** The resolver for `secrets`: the run's own, or a fresh one over a SecretSource. */
export function secretResolver(secrets: Secrets): SecretResolver {
  return typeof secrets === "function" ? secrets : resolveSecretsOnce(secrets);
}
