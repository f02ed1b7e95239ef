import { sqlDriverOf } from "../store/sql-driver-of.ts";
import type { Store } from "../store/store.ts";
import { WebhookInboxSql } from "../store/webhook-inbox-sql.ts";

/**
 * What `emi sync --watch` needs from the webhook inbox: which accounts have events waiting (due at
 * once), and, once a run settled one (runWatch's onInboxSettled), the removal of the events it
 * covered — those received before the run started, whose profiles its incremental read
 * (updatedSince) took in.
 */
export function watchInbox(store: Store): {
  due: () => Promise<ReadonlySet<number>>;
  settled: (account: number, startedAt: string) => Promise<void>;
} {
  let inbox: WebhookInboxSql | null = null;
  try {
    inbox = new WebhookInboxSql(sqlDriverOf(store));
  } catch {
    inbox = null;
  }
  return {
    async due() {
      if (inbox === null) return new Set();
      return new Set(await inbox.accountsWithInbox().catch(() => []));
    },
    async settled(account, startedAt) {
      if (inbox === null) return;
      await inbox.removeInboxEventsBefore(account, startedAt).catch(() => 0);
    },
  };
}
