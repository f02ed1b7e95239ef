import { unreachable } from "../types/unreachable.ts";

/** The health words of a run that got as far as reading Actito. */
export type RanHealth = "in sync" | "degraded" | "waiting for quota";

/** The one-word health of any run, as `SyncResult.health` and the NDJSON events show it. */
export type SyncRunHealth = RanHealth | "skipped";

/**
 * How one integration's sync ended, as data: readers switch on `kind` (and the compiler checks they
 * handle every one); nobody reads `reason` back. `reason` stays the words for people.
 */
export type SyncOutcome =
  /** The run read Actito and ended with this health (`waiting for quota`: the writes wait for tomorrow). */
  | { kind: "synced"; health: RanHealth }
  /** An operational error stopped it (`reason` says which): `emi sync` exits 1, the schedule backs off. */
  | { kind: "failed" }
  /**
   * Another process holds the licence's lease (`holder`, until `until`, held since `since` when the
   * store says): marked due, tried again later.
   */
  | { kind: "skipped-busy"; holder: string; until: string; since?: string }
  /** `emailSync: false`: nothing to sync. */
  | { kind: "skipped-email-sync-off" }
  /** Not active in the registry yet: `emi apply` first. */
  | { kind: "skipped-inactive" }
  /** Stopped on purpose (a worker's SIGTERM); it resumes from its checkpoint. */
  | { kind: "skipped-stopped" };

/** The one-word health of an outcome, as `SyncResult.health` and the NDJSON events show it. */
export function healthOf(outcome: SyncOutcome): SyncRunHealth {
  switch (outcome.kind) {
    case "synced":
      return outcome.health;
    case "failed":
      return "degraded";
    case "skipped-busy":
    case "skipped-email-sync-off":
    case "skipped-inactive":
    case "skipped-stopped":
      return "skipped";
    default:
      return unreachable(outcome, "sync outcome");
  }
}

/**
 * Whether a run leaves nothing for the webhook inbox's events of its account to ask for: it read
 * every profile changed before it started, or there is nothing to sync. A failed run, a busy
 * licence or a stop leave the events for the next run.
 */
export function settlesInbox(outcome: SyncOutcome): boolean {
  switch (outcome.kind) {
    case "synced":
    case "skipped-email-sync-off":
    case "skipped-inactive":
      return true;
    case "failed":
    case "skipped-busy":
    case "skipped-stopped":
      return false;
    default:
      return unreachable(outcome, "sync outcome");
  }
}
