import type { Store } from "../../src/store/store.ts";
import { type LastRunFacts, lastRunFactsOf } from "../../src/sync/last-run-facts.ts";

/** The last completed run's facts, as `emi drift` reads them. */
export async function getCheckpointFacts(store: Store, account: number): Promise<LastRunFacts | null> {
  return lastRunFactsOf(await store.getCheckpoint(account));
}
