import type { WebhookInbox } from "../store/webhook-inbox.ts";
import type { WatchRecord } from "./watch-record.ts";

/**
 * What `emi sync --watch` needs from the webhook inbox: which accounts have events waiting (due at
 * once), and, after a successful run of one, the removal of the events it covered — those received
 * before the run started, whose profiles its incremental read (updatedSince) took in. A store that
 * does not answer is an error for the caller (the loop reports it and tries again), never an empty
 * inbox.
 */
export function watchInbox(inbox: Pick<WebhookInbox, "accountsWithInbox" | "removeInboxEventsBefore">): {
  due: () => Promise<ReadonlySet<number>>;
  settled: (record: WatchRecord) => Promise<void>;
} {
  return {
    async due() {
      return new Set(await inbox.accountsWithInbox());
    },
    async settled(record) {
      if (record.type !== "run" || record.failed) return;
      const started =
        record.startedAt ?? new Date(Date.parse(record.time) - record.seconds * 1000).toISOString();
      await inbox.removeInboxEventsBefore(record.account, started);
    },
  };
}
