import type { SyncCheckpoint } from "../store/store.ts";

/** The last full read that reached the end of its table. */
export interface FullReadFacts {
  /** When it ended (ISO). */
  at: string;
  /** Profiles it read. */
  profiles: number;
  /**
   * What it was checked against: Actito's count of the table, the full read before it, or nothing
   * (the first read of a table whose count Actito does not give: `unverified`).
   */
  checkedAgainst: "actito" | "last full read" | null;
}

/**
 * The last complete full read a checkpoint remembers: in the idle facts, or carried by a run under
 * way (RunState.lastFullRead). Null when there was none.
 */
export function fullReadOf(checkpoint: SyncCheckpoint | null): FullReadFacts | null {
  const data = checkpoint?.data as { kind?: unknown; fullRead?: unknown; lastFullRead?: unknown } | undefined;
  const facts = checkpoint?.phase === "idle" ? data?.fullRead : data?.lastFullRead;
  if (typeof facts !== "object" || facts === null) return null;
  const f = facts as Partial<FullReadFacts>;
  return typeof f.at === "string" && typeof f.profiles === "number" ? (f as FullReadFacts) : null;
}
