import { normaliseEmail } from "../store/normalise-email.ts";
import type { IntegrationSyncContext } from "./integration-sync-context.ts";
import { carriesReaid, profileEmail, reaidOfEmail } from "./profile-fields.ts";

/** A refused or rejected profile as it is now, and whether another profile holds its REAID. */
export interface RefusedProfile {
  profileId: number;
  email: string;
  reaid: string;
  /** It carries its e-mail's REAID now. */
  holds: boolean;
  /** Another profile with the same e-mail carries that REAID. */
  twin: boolean;
}

/**
 * Reads the profile `ref` and, if it lacks its e-mail's REAID, asks Actito which profile carries that
 * REAID (the attribute is unique, so it names one profile). Null when the profile is gone or has no
 * e-mail. Two calls at most, and only for rows Actito refused: never on the bulk path.
 */
export async function lookUpRefused(
  ctx: IntegrationSyncContext,
  ref: string,
): Promise<RefusedProfile | null> {
  const { api, store, target, namespace } = ctx;
  const profile = await api.getProfile(target.entity, target.tableId, ref);
  const email = profileEmail(profile?.attributes[target.emailAttribute]);
  if (!profile || email === null) return null;
  const reaid = reaidOfEmail(await store.getOrCreateReaids(namespace, [email]), email, profile.profileId);
  const base = { profileId: profile.profileId, email, reaid };
  if (profile.attributes[target.reaidAttribute] === reaid) return { ...base, holds: true, twin: false };
  const holder = await api.getProfile(target.entity, target.tableId, `${target.reaidAttribute}=${reaid}`);
  const holderEmail = holder?.attributes[target.emailAttribute];
  const twin =
    !carriesReaid(profile.attributes[target.reaidAttribute]) &&
    holder !== null &&
    holder.profileId !== profile.profileId &&
    typeof holderEmail === "string" &&
    normaliseEmail(holderEmail) === normaliseEmail(email);
  return { ...base, holds: false, twin };
}
