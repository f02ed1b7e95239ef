import { readActitoQuota } from "../actito/actito-quota.ts";
import { checkedBaseUrl } from "../actito/endpoints.ts";

/**
 * Checks `EMI_ACTITO_URL` and the quota knobs (`EMI_ACTITO_CALLS_PER_MINUTE`,
 * `EMI_ACTITO_MAX_CONCURRENT`) before a command starts, so a typo in it stops the command at once
 * rather than in the middle of a plan or sync. Unset or blank is fine: Actito's own endpoints
 * are used then.
 */
export function checkActitoUrl(env: Record<string, string | undefined>): void {
  const value = env.EMI_ACTITO_URL?.trim();
  if (value !== undefined && value !== "") checkedBaseUrl(value);
  readActitoQuota(env);
}
