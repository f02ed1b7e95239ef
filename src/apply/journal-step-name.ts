/**
 * Every step apply journals. A step left pending by a crash is checked by recoverPendingSteps,
 * whose `switch` over this union is exhaustive: a new step does not compile until it has a recovery.
 * Steps that write say where, so their recovery knows where to look.
 */
export const JOURNAL_STEPS = [
  /** Reads: Actito accepts the key. */
  "verify-key",
  /** Reads: the table the plan resolved (or, for a plan made without the key, picks it). */
  "resolve-table",
  /** Writes Actito: the REAID attribute. */
  "add-attribute",
  /** Writes the store: the integration's registry entry. */
  "write-registry",
  /** Writes the store: the service keys of accounts leaving an integration revoked. */
  "revoke-service-keys",
  /** Writes the store: sister accounts released. */
  "release-sisters",
  /** Writes the store: the integration deactivated. */
  "deactivate",
  /** Writes the store: a sync marked due. */
  "sync-due",
  /** Writes the store: another namespace's REAIDs moved to this one. */
  "take-over-reaids",
  /** Writes Actito (webhook subscriptions) and the store (the shared secret's hash). */
  "ensure-webhooks",
] as const;

export type JournalStepName = (typeof JOURNAL_STEPS)[number];

/** Whether a name read back from the journal is a step this emi knows (an older or newer one may not). */
export function isJournalStepName(name: string): name is JournalStepName {
  return (JOURNAL_STEPS as readonly string[]).includes(name);
}
