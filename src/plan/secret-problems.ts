import type { ChangeProblem } from "./plan-types.ts";
import { keyWorksHint } from "./find-key-endpoint.ts";
import type { AccountLive } from "./refresh-live-state.ts";

/**
 * The problems a change gets from its secret: the missing variable or file named as a warning
 * ("env:ACTITO_KEY_ACME is not set here: live facts unknown"), an error when it cannot be used at
 * all or when `requireSecrets` (`--require-secrets`) says every secret must be here.
 */
export function secretProblems(live: AccountLive | undefined, requireSecrets: boolean): ChangeProblem[] {
  const missing = live?.secretMissing;
  if (!missing) return [];
  const mistake = missing.reason === "undecryptable" || missing.reason === "not-allowed";
  if (mistake) return [{ severity: "error", code: "secret-unusable", message: missing.message }];
  return [
    {
      severity: requireSecrets ? "error" : "warning",
      code: "secret-unavailable",
      message: `${missing.message}: ${requireSecrets ? "--require-secrets needs every secret" : "live facts unknown"}`,
    },
  ];
}

/** Adds "the key works on api3 (ENV-3, Paris): set endpoint: api3" to a key-rejected problem. */
export function withEndpointHint(problems: ChangeProblem[], live: AccountLive | undefined): void {
  if (!live?.keyWorksOn) return;
  const rejected = problems.find((p) => p.code === "key-rejected");
  if (!rejected) return;
  rejected.hint = keyWorksHint(live.keyWorksOn);
  rejected.message = `${rejected.message}; ${rejected.hint}`;
}
