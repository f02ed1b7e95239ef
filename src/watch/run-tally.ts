import type { ClientLogEvent } from "../actito/client-log-event.ts";
import type { SyncEvent } from "../sync/sync-events.ts";

/** What one integration's run did, gathered from its sync events and its client's requests. */
export interface RunFacts {
  table: string;
  calls: number;
  imported: boolean;
  importsUsedToday: number | null;
  importsPerDay: number | null;
  seconds: number;
  /** When the sync started under its lease, and when it finished (before the lease is released). */
  startedAt: number | null;
  finishedAt: number | null;
}

/** Gathers RunFacts per account while runSync works; `take` hands them over once the run ended. */
export class RunTally {
  readonly #runs = new Map<number, RunFacts>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Accounts whose sync has started and not finished: what a stop interrupts. */
  readonly running = new Map<number, string>();

  #of(account: number): RunFacts {
    let facts = this.#runs.get(account);
    if (!facts) {
      facts = {
        table: "?",
        calls: 0,
        imported: false,
        importsUsedToday: null,
        importsPerDay: null,
        seconds: 0,
        startedAt: null,
        finishedAt: null,
      };
      this.#runs.set(account, facts);
    }
    return facts;
  }

  onEvent(event: SyncEvent): void {
    const facts = this.#of(event.account);
    facts.table = event.table;
    if (event.type === "sync-started") {
      this.running.set(event.account, event.table);
      facts.startedAt = this.#now();
    }
    if (event.type === "import-submitted") facts.imported = true;
    if (event.type === "sync-finished") {
      this.running.delete(event.account);
      facts.importsUsedToday = event.importsUsedToday;
      facts.importsPerDay = event.importsPerDay;
      facts.seconds = event.seconds;
      facts.finishedAt = this.#now();
    }
  }

  onClientEvent(account: number, event: ClientLogEvent): void {
    if (event.type === "request") this.#of(account).calls++;
  }

  take(account: number): RunFacts {
    const facts = this.#of(account);
    this.#runs.delete(account);
    return facts;
  }
}
