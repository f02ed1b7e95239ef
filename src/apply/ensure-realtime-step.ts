import type { ActitoApi, ProfileTable } from "../actito/types.ts";
import type { ConnectActito } from "../actito/connect-actito.ts";
import { type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import type { Change } from "../plan/plan-types.ts";
import { realtimeNeedsWork } from "../plan/realtime-plan.ts";
import { sqlDriverOf } from "../store/sql-driver-of.ts";
import { WebhookInboxSql } from "../store/webhook-inbox-sql.ts";
import type { DesiredIntegration, Endpoint } from "../types/declared.ts";
import { EmiError } from "../types/errors.ts";
import { deactivateRealtime, ensureRealtime } from "./ensure-realtime.ts";
import { journalStep, type StepContext } from "./journal-step.ts";

/**
 * The realtime part of an activation, as the plan showed it (journalled as `ensure-webhooks`):
 * subscriptions made or fixed (secret rotated) when realtime is wanted, switched off when it no
 * longer is. Returns a note for the apply output, or null when there was nothing to do.
 */
export async function ensureRealtimeStep(input: {
  ctx: StepContext;
  /** The store opened by openStore (its SQL connection holds the webhook secrets). */
  store: object;
  client: ActitoApi;
  change: Change;
  desired: DesiredIntegration;
  table: ProfileTable;
}): Promise<string | null> {
  const { change, desired, table } = input;
  const realtime = change.realtime;
  if (!realtime || !realtimeNeedsWork(realtime)) return null;
  const secrets = new WebhookInboxSql(sqlDriverOf(input.store));
  const { entity } = desired.actito;
  const detail = { entity, tableId: table.id, enabled: realtime.enabled, targetUrl: realtime.targetUrl };
  return journalStep(input.ctx, desired.account, "ensure-webhooks", detail, async () => {
    if (!realtime.enabled) {
      return deactivateRealtime({ client: input.client, secrets, account: desired.account, entity });
    }
    if (realtime.targetUrl === null) throw new EmiError("realtime: true needs EMI_PUBLIC_URL");
    return ensureRealtime({
      client: input.client,
      secrets,
      account: desired.account,
      entity,
      table,
      targetUrl: realtime.targetUrl,
      secretRef: desired.actito.apiKey.secretRef,
      rotate: realtime.rotateSecret || change.action === "replace",
      now: () => new Date(),
    });
  });
}

/**
 * After a deactivation (declaration removed): switches the integration's webhook subscriptions off
 * with the key reference stored when realtime was set up. Best effort: a failure is a warning, and
 * the forgotten secret already makes emi serve refuse the deliveries.
 */
export async function deactivateRealtimeStep(input: {
  ctx: StepContext;
  store: object;
  connect: ConnectActito;
  secrets: Secrets;
  change: Change;
  entry: { endpoint: Endpoint; entity: string };
}): Promise<string | null> {
  if (!input.change.realtime) return null;
  const account = input.change.account;
  const store = new WebhookInboxSql(sqlDriverOf(input.store));
  const set = (await store.realtimeAccounts()).get(account);
  if (!set) return null;
  const reading = await secretResolver(input.secrets)(set.secretRef);
  const apiKey = reading.ok ? reading.value : null;
  if (apiKey === null) {
    await store.deleteWebhookSecret(account);
    return `webhooks left in Actito (no ${set.secretRef} here): emi serve now refuses their deliveries`;
  }
  const client = input.connect({ endpoint: input.entry.endpoint, apiKey });
  try {
    return await journalStep(
      input.ctx,
      account,
      "ensure-webhooks",
      { entity: input.entry.entity, enabled: false },
      () => deactivateRealtime({ client, secrets: store, account, entity: input.entry.entity }),
    );
  } finally {
    await client.close();
  }
}
