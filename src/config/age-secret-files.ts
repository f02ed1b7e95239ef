import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgeIdentities } from "./age-identities.ts";
import { EmiError } from "../types/errors.ts";

/** The folder of age-encrypted keys, relative to the repository root. */
const SECRETS_FOLDER = "secrets";

/** A secret command that cannot do what was asked: a clear message, exit 1. */
export class SecretFileError extends EmiError {}

/** `secrets/1042.age`: where the key of an account is written, relative to the repository root. */
function secretFileOf(account: number): string {
  return `${SECRETS_FOLDER}/${account}.age`;
}

/**
 * Checks the recipients and returns them, or explains what is wrong: none at all, or one that the
 * age library refuses (recipients are public keys: naming one is fine).
 * @throws SecretFileError
 */
export async function checkedRecipients(recipients: readonly string[], from: string): Promise<string[]> {
  if (recipients.length === 0) {
    throw new SecretFileError(
      "no recipients to encrypt to: add ageRecipients to emi.config.yaml (the public keys printed by age-keygen -y), or pass --recipient age1…",
    );
  }
  const { Encrypter } = await import("age-encryption");
  for (const recipient of recipients) {
    try {
      new Encrypter().addRecipient(recipient);
    } catch {
      const shown = recipient.length > 70 ? `${recipient.slice(0, 70)}…` : recipient;
      throw new SecretFileError(
        `${JSON.stringify(shown)} (${from}) is not an age public key: it starts with age1 and is printed by age-keygen -y`,
      );
    }
  }
  return [...new Set(recipients)];
}

/** The key encrypted to the recipients, ASCII-armored (as `age -a` writes it). */
export async function encryptArmored(secret: string, recipients: readonly string[]): Promise<string> {
  const { Encrypter, armor } = await import("age-encryption");
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(secret));
}

/** Writes a file whole or not at all: a temporary file beside it, then a rename. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, text, { flag: "wx" });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes `secrets/<account>.age` under `root`, refusing to replace an existing file unless `force`.
 * @returns the path written, relative to the root.
 * @throws SecretFileError when the file exists (without force) or cannot be written.
 */
export async function writeSecretFile(
  root: string,
  account: number,
  armored: string,
  force: boolean,
): Promise<string> {
  const relativePath = secretFileOf(account);
  const path = join(root, relativePath);
  try {
    await mkdir(join(root, SECRETS_FOLDER), { recursive: true });
    if (force) await writeAtomically(path, armored);
    else await writeFile(path, armored, { flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      throw new SecretFileError(
        `${relativePath} exists already: pass --force to replace it (the key it holds is lost), or npx emi secret rekey to change only who can decrypt it`,
        { cause: error },
      );
    }
    throw new SecretFileError(`cannot write ${relativePath} (${code ?? "write failed"})`, { cause: error });
  }
  return relativePath;
}

/**
 * Re-encrypts every `secrets/*.age` under `root` to `recipients`. Everything is decrypted first:
 * if one file cannot be, nothing is rewritten.
 * @returns the files rewritten, relative to the root.
 * @throws SecretFileError
 */
export async function rekeySecretFiles(
  root: string,
  identities: AgeIdentities,
  recipients: readonly string[],
): Promise<string[]> {
  if (identities.keys.length === 0) {
    throw new SecretFileError(
      "emi secret rekey needs an identity that can decrypt the files: set EMI_AGE_IDENTITY (or EMI_AGE_IDENTITY_FILE) to an AGE-SECRET-KEY-… line",
    );
  }
  const names = await readdir(join(root, SECRETS_FOLDER)).catch(() => [] as string[]);
  const files = names.filter((name) => name.endsWith(".age")).sort();
  const { Decrypter, armor } = await import("age-encryption");
  const decrypter = new Decrypter();
  try {
    for (const key of identities.keys) decrypter.addIdentity(key);
  } catch {
    throw new SecretFileError(`the identities in ${identities.source} are not valid age identities`);
  }
  const plain = new Map<string, Uint8Array>();
  for (const name of files) {
    const relativePath = `${SECRETS_FOLDER}/${name}`;
    try {
      const text = await readFile(join(root, relativePath), "utf8");
      plain.set(relativePath, await decrypter.decrypt(armor.decode(text)));
    } catch (error) {
      throw new SecretFileError(
        `cannot decrypt ${relativePath} with the identities in ${identities.source}: nothing was rewritten`,
        { cause: error instanceof Error ? new Error("decryption failed") : undefined },
      );
    }
  }
  const { Encrypter } = await import("age-encryption");
  for (const [relativePath, bytes] of plain) {
    const encrypter = new Encrypter();
    for (const recipient of recipients) encrypter.addRecipient(recipient);
    await writeAtomically(join(root, relativePath), armor.encode(await encrypter.encrypt(bytes)));
  }
  return [...plain.keys()];
}
