import type { RegistryEntry } from "../store/store.ts";
import type { ScheduleEntry } from "../store/sync-schedule.ts";
import type { DesiredIntegration } from "../types/declared.ts";

/** Why an integration is synced in this cycle. */
type DueWhy = "never synced" | "interval" | "marked due" | "inbox" | "retry";

interface DueSync {
  integration: DesiredIntegration;
  /** Read the whole table (the daily backstop), not only what changed. */
  full: boolean;
  why: DueWhy;
}

export interface DueInput {
  integrations: readonly DesiredIntegration[];
  registry: ReadonlyMap<number, RegistryEntry>;
  schedule: ReadonlyMap<number, ScheduleEntry>;
  /** Accounts with webhook events waiting in the inbox. */
  inbox: ReadonlySet<number>;
  /** Accounts whose licence was busy, and when this worker may try them again (epoch ms). */
  busyUntil: ReadonlyMap<number, number>;
  now: number;
  intervalMs: number;
  fullEveryMs: number;
}

export interface DuePlan {
  due: DueSync[];
  /** The integrations `--watch` keeps fresh: declared with emailSync, active in the registry. */
  watched: DesiredIntegration[];
  /** When the next watched integration falls due, if none is due now. */
  next: { account: number; at: number } | null;
}

/**
 * Which integrations a `--watch` cycle syncs, as a pure function of the declarations, the registry,
 * the schedule and the clock. Only declarations with `emailSync` that the registry holds as active
 * are watched (apply activates; the worker never does). One is due when it never synced, its last
 * success is older than the interval, something marked it due (apply found its licence busy) or
 * the inbox has events for it; one that failed waits for its backoff first, and one whose licence
 * was busy waits for its next try. A due one reads the whole table when its last full read is
 * older than `fullEveryMs`.
 */
export function dueIntegrations(input: DueInput): DuePlan {
  const due: DueSync[] = [];
  const watched: DesiredIntegration[] = [];
  let next: DuePlan["next"] = null;
  const later = (account: number, at: number) => {
    if (next === null || at < next.at) next = { account, at };
  };
  for (const integration of input.integrations) {
    const entry = input.registry.get(integration.account);
    if (!integration.emailSync || entry?.status !== "active" || entry.account !== integration.account)
      continue;
    watched.push(integration);
    const account = integration.account;
    const s = input.schedule.get(account);
    const notBefore = Math.max(s?.retryAt ? Date.parse(s.retryAt) : 0, input.busyUntil.get(account) ?? 0);
    const lastSuccess = s?.lastSuccessAt ? Date.parse(s.lastSuccessAt) : null;
    const why: DueWhy | null =
      notBefore > input.now
        ? null
        : input.inbox.has(account)
          ? "inbox"
          : s?.dueReason
            ? "marked due"
            : (s?.failures ?? 0) > 0
              ? "retry"
              : lastSuccess === null
                ? "never synced"
                : input.now - lastSuccess >= input.intervalMs
                  ? "interval"
                  : null;
    if (why === null) {
      const pressing =
        (s?.failures ?? 0) > 0 || s?.dueReason || input.inbox.has(account) || lastSuccess === null;
      later(account, pressing ? notBefore : Math.max(notBefore, lastSuccess + input.intervalMs));
      continue;
    }
    const lastFull = s?.lastFullAt ? Date.parse(s.lastFullAt) : null;
    due.push({
      integration,
      full: lastFull === null || input.now - lastFull >= input.fullEveryMs,
      why,
    });
  }
  return { due, watched, next: due.length > 0 ? null : next };
}
