import { sqlDriverOf } from "../store/sql-driver-of.ts";
import type { Store } from "../store/store.ts";
import { WebhookInboxSql } from "../store/webhook-inbox-sql.ts";
import type { WatchRecord } from "../watch/watch-record.ts";

/**
 * What `emi sync --watch` needs from the webhook inbox: which accounts have events waiting (due at
 * once), and, after a successful run of one, the removal of the events it covered — those received
 * before the run started, whose profiles its incremental read (updatedSince) took in.
 */
export function watchInbox(store: Store): {
  due: () => Promise<ReadonlySet<number>>;
  settled: (record: WatchRecord) => Promise<void>;
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
    async settled(record) {
      if (inbox === null || record.type !== "run" || record.failed) return;
      const started =
        record.startedAt ?? new Date(Date.parse(record.time) - record.seconds * 1000).toISOString();
      await inbox.removeInboxEventsBefore(record.account, started).catch(() => 0);
    },
  };
}
