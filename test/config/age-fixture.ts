import { armor, Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";

/** A fresh age key pair: the identity (AGE-SECRET-KEY-1…) and its recipient (age1…). */
export async function ageKeyPair(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** `text` encrypted to the recipients, ASCII-armored as `age -a` writes it. */
export async function encryptArmored(text: string, recipients: readonly string[]): Promise<string> {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(text));
}
