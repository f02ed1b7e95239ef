import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { STORE_KEY_BYTES } from "./address-hasher.ts";
import { StoreError } from "./errors.ts";

/** Where the key of a store may come from, as the command that opens the store knows it. */
export interface StoreKeyOptions {
  /**
   * `required` (the default): the command hashes addresses and fails without the key.
   * `optional`: the store opens without a key when none is found (`plan`, `state`), and anything
   * that needs one (a REAID by address, a migration of addresses) is refused.
   */
  need?: "required" | "optional";
  /** The environment (EMI_STORE_KEY_FILE); the process's by default. */
  env?: Record<string, string | undefined>;
  /** A key given directly, as base64url text (tools and tests). */
  key?: string;
  /**
   * The key kept age-encrypted in the declarations repository (`secrets/store-key.age`): its text
   * when the file is there and can be decrypted, null when there is no such file. It throws when
   * the file is there but cannot be decrypted here.
   */
  repositoryKey?: { place: string; read: () => Promise<string | null> };
}

/** The key a store was opened with, or how to make one for a store that has none yet. */
export interface StoreKeyring {
  key: Uint8Array | null;
  /** Makes and saves a new key (mode 0600); null where emi may not make one. */
  create: (() => Promise<Uint8Array>) | null;
  /**
   * Reads the key where `create` would make it, if it is there now: another process opening the
   * same new store may have made it since emi looked.
   */
  reread: () => Promise<Uint8Array | null>;
  /** Where emi looked, for a missing key's message. */
  lookedAt: string[];
  need: "required" | "optional";
}

/** The environment variable naming a key file (production: a mounted secret). */
const STORE_KEY_FILE_VARIABLE = "EMI_STORE_KEY_FILE";

/**
 * Finds the key of the store at `place`: a SQLite file's path, `:memory:`, or null for PostgreSQL.
 * In order: a key given directly, the file EMI_STORE_KEY_FILE names, the repository's age file,
 * and, for a SQLite file, the key file beside it (`state.db.key`). A file that does not exist yet
 * is where a new key is made (EMI_STORE_KEY_FILE's, else the one beside a SQLite file); an
 * in-memory store gets a key that lives as long as it does.
 */
export async function findStoreKey(
  place: string | null,
  options: StoreKeyOptions = {},
  cwd = process.cwd(),
): Promise<StoreKeyring> {
  const need = options.need ?? "required";
  if (options.key !== undefined) {
    const key = parseKey(options.key, "the given store key");
    return { key, create: null, reread: async () => key, lookedAt: [], need };
  }
  const lookedAt: string[] = [];
  const env = options.env ?? process.env;
  let create: (() => Promise<Uint8Array>) | null = null;
  let reread = async (): Promise<Uint8Array | null> => null;
  const rereadOf = (path: string) => async () => {
    const text = await readKeyFile(path);
    return text === null ? null : parseKey(text, path);
  };
  // What every outcome below returns: the key found (or null) and how to make one.
  const keyring = (key: Uint8Array | null, make: typeof create): StoreKeyring => ({
    key,
    create: make,
    reread,
    lookedAt,
    need,
  });
  const named = env[STORE_KEY_FILE_VARIABLE]?.trim();
  if (named) {
    const path = resolve(cwd, named);
    lookedAt.push(`${STORE_KEY_FILE_VARIABLE} (${path})`);
    const text = await readKeyFile(path);
    if (text !== null) return keyring(parseKey(text, path), null);
    create = () => makeKeyFile(path);
    reread = rereadOf(path);
  }
  if (options.repositoryKey) {
    lookedAt.push(options.repositoryKey.place);
    const text = await options.repositoryKey.read();
    if (text !== null) return keyring(parseKey(text, options.repositoryKey.place), null);
  }
  if (place === ":memory:") {
    return keyring(null, create ?? (async () => randomBytes(STORE_KEY_BYTES)));
  }
  if (place !== null) {
    const beside = storeKeyFileOf(place);
    lookedAt.push(beside);
    const text = await readKeyFile(beside);
    if (text !== null) return keyring(parseKey(text, beside), null);
    if (!create) {
      create = () => makeKeyFile(beside);
      reread = rereadOf(beside);
    }
  }
  return keyring(null, create);
}

/** The key file beside an embedded store: `state.db` → `state.db.key`. */
function storeKeyFileOf(sqlitePath: string): string {
  return `${sqlitePath}.key`;
}

/** A new store key as the text a key file holds (base64url of 32 random bytes). */
export function newStoreKeyText(): string {
  return randomBytes(STORE_KEY_BYTES).toString("base64url");
}

/** The error for a store whose key cannot be found, naming every place emi looked. */
export function missingKey(keyring: StoreKeyring, why: string): StoreError {
  const places = keyring.lookedAt.length > 0 ? keyring.lookedAt.join(", ") : "nowhere (no place was given)";
  return new StoreError(
    "no-store-key",
    `${why}, but its store key was not found; emi looked at ${places}. Set ${STORE_KEY_FILE_VARIABLE} to the key's file, or put it age-encrypted in secrets/store-key.age (docs/privacy.md). A lost key cannot be found again: see "Lost key" there`,
  );
}

async function readKeyFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return null;
    throw new StoreError(
      "no-store-key",
      `cannot read the store key file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function parseKey(text: string, from: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, "base64url");
  if (!/^[A-Za-z0-9_-]+$/.test(trimmed) || bytes.length !== STORE_KEY_BYTES) {
    throw new StoreError(
      "no-store-key",
      `${from} does not hold a store key (${STORE_KEY_BYTES} bytes as base64url on one line)`,
    );
  }
  return bytes;
}

/**
 * Writes a new key where none is, readable by its owner only, never over one: the key is written
 * whole to a file of its own, then linked into place (which fails if the place is taken), so a
 * process reading it never sees a half-written key.
 */
async function makeKeyFile(path: string): Promise<Uint8Array> {
  const text = newStoreKeyText();
  await mkdir(dirname(path), { recursive: true });
  const draft = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.new`;
  await writeFile(draft, `${text}\n`, { flag: "wx", mode: 0o600 });
  try {
    await link(draft, path);
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as { code?: string }).code === "EEXIST") return parseKey(await readFile(path, "utf8"), path);
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
  return Buffer.from(text, "base64url");
}
