import { open, realpath } from "node:fs/promises";
import { ageIdentityConfigured, readAgeIdentities } from "./age-identities.ts";
import { rememberSecret } from "./known-secrets.ts";
import { envNameAllowed, loadRepoConfig, repoRootOf } from "./load-repo-config.ts";
import { confinedPath, MAX_SECRET_FILE_BYTES, realPathInside, secretPathOf } from "./secret-path.ts";

/**
 * Where a secret reference is resolved: the environment, and the repository whose root `file:`
 * and `age:` paths are relative to (and must stay inside).
 */
export interface SecretSource {
  env: Record<string, string | undefined>;
  /** The working directory; the repository root when `root` is not given. */
  cwd: string;
  /** The declarations repository's root (the parent of `--dir`). */
  root?: string;
  /** The variables `env:` may read (emi.config.yaml `secretEnvAllowList`); default `ACTITO_*`. */
  envAllowList?: readonly string[];
}

/**
 * Why a secret is not here. `unset`, `unreadable` and `no-identity` are normal on a fork's pull
 * request (plan warns); `undecryptable` and `not-allowed` are mistakes (plan errs).
 */
export type SecretMissReason = "unset" | "unreadable" | "no-identity" | "undecryptable" | "not-allowed";

/** The outcome of reading a secret: its value, or why not, in words that never carry a secret. */
export type SecretReading =
  | { ok: true; value: string }
  | { ok: false; reason: SecretMissReason; message: string };

const DEFAULT_ALLOW_LIST = ["ACTITO_*"];
/** An API key file is a line; anything larger is not one. */

/**
 * Reads `env:NAME`, `file:PATH` or `age:PATH`. Confinement is enforced again here (validate did it
 * first): an `env:` name outside the allow-list and a path leading out of the repository are never
 * read. A missing and an unreadable file give the same message, so nothing tells whether a file
 * exists. The value is trimmed and stays in memory.
 */
export async function readSecret(ref: string, source: SecretSource): Promise<SecretReading> {
  const miss = (reason: SecretMissReason, message: string): SecretReading => ({ ok: false, reason, message });
  if (ref.startsWith("env:")) {
    const name = ref.slice(4);
    if (!envNameAllowed(name, source.envAllowList ?? DEFAULT_ALLOW_LIST)) {
      return miss(
        "not-allowed",
        `${ref} is not an allowed secret variable (see secretEnvAllowList in emi.config.yaml)`,
      );
    }
    const value = source.env[name]?.trim();
    if (!value) return miss("unset", `${ref} is not set here`);
    // Masked before posting to GitHub even when the variable's name does not look secret.
    rememberSecret(value);
    return { ok: true, value };
  }
  const target = secretPathOf(ref);
  if (!target) return miss("not-allowed", "the secret reference is not env:NAME, file:PATH or age:PATH");
  const root = source.root ?? source.cwd;
  const full = confinedPath(target.path, root);
  if (full === null || !(await realPathInside(full, root))) {
    return miss("not-allowed", `${ref} is outside the repository`);
  }
  const text = await readSmallFile(full, root);
  if (target.scheme === "file") {
    const value = text?.trim();
    if (!value) return miss("unreadable", `${ref} is not readable here`);
    rememberSecret(value);
    return { ok: true, value };
  }
  if (text === null) return miss("unreadable", `${ref} is not readable here`);
  return decryptAge(ref, target.path, text, source);
}

/** The file's text, or null when it is missing, unreadable, not a file, too large or leads out. */
async function readSmallFile(full: string, root: string): Promise<string | null> {
  try {
    // Read through the real path just checked, so a link swapped in afterwards is not followed out.
    const real = await realpath(full);
    if (!(await realPathInside(real, root))) return null;
    const handle = await open(real, "r");
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > MAX_SECRET_FILE_BYTES) return null;
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

async function decryptAge(
  ref: string,
  path: string,
  armored: string,
  { env, cwd }: SecretSource,
): Promise<SecretReading> {
  if (!ageIdentityConfigured(env)) {
    return {
      ok: false,
      reason: "no-identity",
      message: `no secret available here for ${ref} (EMI_AGE_IDENTITY is not set)`,
    };
  }
  const identities = await readAgeIdentities(env, cwd);
  const cannot: SecretReading = {
    ok: false,
    reason: "undecryptable",
    message:
      identities.unreadableFile !== undefined && identities.keys.length === 0
        ? `cannot decrypt ${path}: EMI_AGE_IDENTITY_FILE (${identities.unreadableFile}) is not readable here`
        : `cannot decrypt ${path} with the identities in ${identities.source}`,
  };
  if (identities.keys.length === 0) return cannot;
  try {
    const { Decrypter, armor } = await import("age-encryption");
    const decrypter = new Decrypter();
    for (const key of identities.keys) decrypter.addIdentity(key);
    const value = (await decrypter.decrypt(armor.decode(armored), "text")).trim();
    if (value === "") return cannot;
    rememberSecret(value);
    return { ok: true, value };
  } catch {
    // Never more detail: the library's message could describe the identity or the file's insides.
    return cannot;
  }
}

/**
 * The secret source of a declarations folder: its repository root (the parent of `dir`) and the
 * allow-list of the repository's emi.config.yaml (problems in that file are validate's to report).
 */
export async function secretSourceFor(
  dir: string,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<SecretSource> {
  return secretSourceFrom(await loadRepoConfig(repoRootOf(dir, cwd), { cwd }), env, cwd);
}

/** The secret source of a validated folder: its repository's root and allow-list. */
export function secretSourceFrom(
  repository: { root: string; config: { secretEnvAllowList: string[] } } | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): SecretSource {
  return repository
    ? { env, cwd, root: repository.root, envAllowList: repository.config.secretEnvAllowList }
    : { env, cwd };
}
