import { canonicalJson } from "./plan-basis.ts";
import type { Plan } from "./plan-types.ts";

/** The store's keyed HMAC, the same secret that fingerprints API keys (never in a plan or a log). */
export interface PlanSigner {
  fingerprintKey(text: string): string | Promise<string>;
}

// Domain separation: a plan digest can never equal an API key's fingerprint.
const DOMAIN = "emi-plan-digest/1\n";

function digestOf(plan: Omit<Plan, "digest">, signer: PlanSigner): Promise<string> {
  const { digest: _ignored, ...content } = plan as Plan;
  return Promise.resolve(signer.fingerprintKey(`${DOMAIN}${canonicalJson(content)}`));
}

/**
 * The plan with `digest`: an HMAC of its whole content (every field but the digest) made with a key
 * only the store knows, so an edited plan file cannot be made to pass without that store.
 */
export async function signPlan(plan: Plan, signer: PlanSigner): Promise<Plan> {
  return { ...plan, digest: await digestOf(plan, signer) };
}

/** Whether a plan read from a file carries the digest this store would give its content. */
export async function planDigestMatches(plan: Plan, signer: PlanSigner): Promise<boolean> {
  if (typeof plan.digest !== "string") return false;
  return plan.digest === (await digestOf(plan, signer));
}
