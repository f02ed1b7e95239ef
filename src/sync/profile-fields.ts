import { normaliseEmail } from "../store/normalise-email.ts";

/** The profile's e-mail, or null when it has none: a blank e-mail gets no REAID. */
export function profileEmail(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** The profile carries some REAID (right or wrong). */
export function carriesReaid(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

/**
 * The REAID the store returned for `email`. The store answers for every e-mail it was given, so a
 * missing one is a bug, and writing nothing is safer than writing a guess.
 */
export function reaidOfEmail(reaids: ReadonlyMap<string, string>, email: string, profileId: number): string {
  const reaid = reaids.get(normaliseEmail(email));
  if (reaid === undefined)
    throw new Error(`the store returned no REAID for an e-mail of profile ${profileId}`);
  return reaid;
}
