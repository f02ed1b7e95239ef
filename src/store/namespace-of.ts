import type { RegistryEntry } from "./store.ts";

/**
 * The REAID namespace of an integration: its owner account as a string (e.g. "1042"). Sister
 * accounts share it, which is what lets one e-mail keep one REAID across them.
 */
export function namespaceOf(entry: Pick<RegistryEntry, "account">): string {
  return String(entry.account);
}
