import type { SyncTarget } from "./resolve-sync-target.ts";

/** A write the table needs: put `reaid` on the profile found by `key` in the key column. */
export interface ReaidWrite {
  key: string;
  reaid: string;
  /** The profile key for single-profile calls and rejection records: a profileId or `attr=value`. */
  ref: string;
  profileId: number;
}

/** The profile's value in the import's key column: its profileId, or its e-mail when that is unique. */
export function importKey(target: Pick<SyncTarget, "keyColumn">, profileId: number, email: string): string {
  return target.keyColumn === "profileId" ? String(profileId) : email;
}

/**
 * The single-profile reference for a key-column value. Actito reports an import's rejected rows by
 * key-column value, and single-profile calls need `attr=value` for anything but a profileId, so both
 * paths go through here and a rejection is recorded under the same ref whichever path wrote the row.
 */
export function profileRef(target: Pick<SyncTarget, "keyColumn" | "emailAttribute">, key: string): string {
  return target.keyColumn === "profileId" ? key : `${target.emailAttribute}=${key}`;
}
