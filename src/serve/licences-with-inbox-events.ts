import type { Store } from "../store/store.ts";
import { licenceLeaseName } from "../sync/licence-lease.ts";
import type { WebhookInboxStore } from "./webhook-inbox-store.ts";

/**
 * The licences (`licence:<endpoint>/<entity>`, the lease names) that have webhook events waiting in
 * the inbox, with the accounts concerned. The hook for `emi sync --watch`: a licence in this map is
 * due at once, whatever its interval says (DESIGN.md, "Continuous operation").
 */
export async function licencesWithInboxEvents(
  store: Pick<Store, "findByAccount">,
  inbox: Pick<WebhookInboxStore, "accountsWithInbox">,
): Promise<Map<string, number[]>> {
  const due = new Map<string, number[]>();
  for (const account of await inbox.accountsWithInbox()) {
    const entry = await store.findByAccount(account);
    if (entry?.status !== "active") continue;
    const licence = licenceLeaseName(`${entry.endpoint}/${entry.entity}`);
    due.set(licence, [...(due.get(licence) ?? []), account]);
  }
  return due;
}
