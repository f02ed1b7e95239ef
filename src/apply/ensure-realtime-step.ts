import type { ActitoApi, ProfileTable } from "../actito/types.ts";
import type { ConnectActito } from "../actito/connect-actito.ts";
import { type Secrets, secretResolver } from "../config/resolve-secrets-once.ts";
import type { Change } from "../plan/plan-types.ts";
import { classifyWebhooks, isOurs, REALTIME_EVENTS, realtimeNeedsWork } from "../plan/realtime-plan.ts";
import type { RealtimeAccounts } from "../store/realtime-accounts.ts";
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
  /** Where the hash of the webhook secret is kept. */
  store: RealtimeAccounts;
  client: ActitoApi;
  change: Change;
  desired: DesiredIntegration;
  table: ProfileTable;
}): Promise<string | null> {
  const { change, desired, table } = input;
  const realtime = change.realtime;
  if (!realtime || !realtimeNeedsWork(realtime)) return null;
  const secrets = input.store;
  const { entity } = desired.actito;
  // Enough for recovery to check the step after a crash (recoverWebhooksStep): never the secret.
  const detail = {
    endpoint: desired.actito.endpoint,
    secretRef: desired.actito.apiKey.secretRef,
    entity,
    tableId: table.id,
    enabled: realtime.enabled,
    targetUrl: realtime.targetUrl,
  };
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
  store: RealtimeAccounts;
  connect: ConnectActito;
  secrets: Secrets;
  change: Change;
  entry: { endpoint: Endpoint; entity: string };
}): Promise<string | null> {
  if (!input.change.realtime) return null;
  const account = input.change.account;
  const store = input.store;
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
      {
        endpoint: input.entry.endpoint,
        secretRef: set.secretRef,
        entity: input.entry.entity,
        enabled: false,
      },
      () => deactivateRealtime({ client, secrets: store, account, entity: input.entry.entity }),
    );
  } finally {
    await client.close();
  }
}

/**
 * Recovery of an `ensure-webhooks` step an apply left pending: Actito and the store are read to see
 * where the webhooks are. Subscriptions that should be on and are, with the stored secret, close the
 * step as done; otherwise it failed, and the plan that follows (which reads the webhooks of every
 * realtime integration) sets them up again. Subscriptions that should be off are switched off again
 * here, since a deactivated integration is not planned again. Unknown without the API key.
 */
export async function recoverWebhooksStep(input: {
  store: RealtimeAccounts;
  connect: ConnectActito;
  secrets: Secrets;
  account: number;
  detail: Record<string, unknown>;
}): Promise<["succeeded" | "failed" | "unknown", string]> {
  const { account, detail } = input;
  const entity = String(detail.entity);
  if (typeof detail.endpoint !== "string" || typeof detail.secretRef !== "string") {
    return ["unknown", "the journal does not say which API key made the webhooks: check them in Actito"];
  }
  const reading = await secretResolver(input.secrets)(detail.secretRef);
  if (!reading.ok) return ["unknown", `${reading.message}: Actito cannot be checked`];
  const store = input.store;
  const client = input.connect({ endpoint: detail.endpoint as Endpoint, apiKey: reading.value });
  try {
    const ours = (await client.listWebhookSubscriptions(entity)).filter((s) => isOurs(s, account));
    const stored = (await store.realtimeAccounts()).get(account) ?? null;
    if (detail.enabled === false) {
      if (!ours.some((s) => s.isActive) && stored === null) {
        return ["succeeded", "the webhooks are off and the secret forgotten: the step had happened"];
      }
      const done = await deactivateRealtime({ client, secrets: store, account, entity });
      return ["succeeded", `the webhooks were still on: switched off again (${done})`];
    }
    const tableId = String(detail.tableId);
    const table = await client.getProfileTable(entity, tableId);
    const states = classifyWebhooks(ours, {
      account,
      tableId,
      emailAttribute: table.attributes.find((a) => a.type === "EMAIL_ADDRESS")?.name ?? "emailAddress",
      targetUrl: typeof detail.targetUrl === "string" ? detail.targetUrl : null,
      secretHash: stored?.secretHash ?? null,
    });
    const summary = REALTIME_EVENTS.map((e) => `${e} ${states[e]}`).join(", ");
    return stored !== null && REALTIME_EVENTS.every((e) => states[e] === "ok")
      ? ["succeeded", `the webhooks are in place with the stored secret (${summary}): the step had happened`]
      : [
          "failed",
          `the webhooks are not all in place (${summary}): the plan that follows sets them up again`,
        ];
  } finally {
    await client.close();
  }
}
