import { shortHash } from "./address-hasher.ts";

/** What an address looks like in free text (Actito's rejection reasons, sync reasons). */
const ADDRESS_IN_TEXT = /[^\s"'<>@,;:()[\]\\]+@[^\s"'<>@,;:()[\]\\]+\.[A-Za-z]{2,}/g;

/**
 * Text with every address in it replaced by the short form of its keyed hash, so that a person
 * reading it can still tell two rows apart (`<address Xk3…>`), or by `<address>` where there is no
 * key. `hash` normalises the address first (see ReaidOwnershipStore.addressHash).
 */
export function withoutAddresses(text: string, hash: ((address: string) => string | null) | null): string {
  return text.replace(ADDRESS_IN_TEXT, (address) => {
    const hashed = hash?.(address) ?? null;
    return hashed === null ? "<address>" : `<address ${shortHash(hashed)}>`;
  });
}
