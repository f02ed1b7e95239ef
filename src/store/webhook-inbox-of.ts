import { SqlStore } from "./sql-store.ts";
import { WebhookInboxSql } from "./webhook-inbox-sql.ts";

/** The webhook inbox kept in a store opened by `openStore`; null for a store without SQL (a test double). */
export function webhookInboxOf(store: object): WebhookInboxSql | null {
  return store instanceof SqlStore ? new WebhookInboxSql(store.sqlDriver) : null;
}
