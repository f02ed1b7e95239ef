import type { WebhookInbox } from "../store/webhook-inbox.ts";

/**
 * What `emi sync --watch` needs from the webhook inbox: which accounts have events waiting (due at
 * once), and, once a run settled one (runWatch's onInboxSettled), the removal of the events it
 * covered — those received before the run started, whose profiles its incremental read
 * (updatedSince) took in. A store that does not answer is an error for the caller (the loop reports
 * it and tries again), never an empty inbox.
 */
export function watchInbox(inbox: Pick<WebhookInbox, "accountsWithInbox" | "removeInboxEventsBefore">): {
  due: () => Promise<ReadonlySet<number>>;
  settled: (account: number, startedAt: string) => Promise<void>;
} {
  return {
    async due() {
      return new Set(await inbox.accountsWithInbox());
    },
    async settled(account, startedAt) {
      await inbox.removeInboxEventsBefore(account, startedAt);
    },
  };
}
