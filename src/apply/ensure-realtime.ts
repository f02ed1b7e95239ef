import { randomBytes } from "node:crypto";
import { redactText } from "../actito/redact-text.ts";
import { realtimeSubscriptionBody } from "../actito/routes.ts";
import type { ActitoApi, ProfileTable } from "../actito/types.ts";
import { isOurs, REALTIME_EVENTS } from "../plan/realtime-plan.ts";
import type { RealtimeAccounts } from "../store/realtime-accounts.ts";
import { hashSecret } from "../store/secret-hash.ts";
import { EmiError } from "../types/errors.ts";

type SecretStore = Pick<RealtimeAccounts, "putWebhookSecret" | "deleteWebhookSecret">;

/**
 * Makes Actito's webhook subscriptions of one integration what `realtime: true` wants: an active
 * BULK subscription for CREATE and one for UPDATE on the e-mail, on this table, posting to
 * `targetUrl` with a fresh shared secret in `X-Authorization`. Existing subscriptions of this
 * account are changed in place (never duplicated); ones left on another table (after a replace)
 * are deactivated. When nothing differs and no rotation is asked, nothing is written.
 *
 * The secret exists only in this function and in Actito: the store keeps its SHA-256, written
 * before Actito gets the secret so that the first delivery is already accepted.
 */
export async function ensureRealtime(input: {
  client: ActitoApi;
  secrets: SecretStore;
  account: number;
  entity: string;
  table: ProfileTable;
  targetUrl: string;
  secretRef: string;
  rotate: boolean;
  now: () => Date;
}): Promise<string> {
  const { client, account, entity, table } = input;
  const emailAttribute = table.attributes.find((a) => a.type === "EMAIL_ADDRESS")?.name;
  if (!emailAttribute)
    throw new EmiError(`profile table "${table.name}" has no EMAIL_ADDRESS attribute to watch`);
  const ours = (await client.listWebhookSubscriptions(entity)).filter((s) => isOurs(s, account));
  const onTable = (eventType: string) =>
    ours.find(
      (s) => s.eventType === eventType && s.onElementId === table.id && s.targetUrl === input.targetUrl,
    ) ??
    ours.find((s) => s.eventType === eventType && s.onElementId === table.id) ??
    ours.find((s) => s.eventType === eventType);
  const fine = REALTIME_EVENTS.every((eventType) => {
    const s = onTable(eventType);
    return (
      s?.isActive === true &&
      s.onElementId === table.id &&
      s.targetUrl === input.targetUrl &&
      s.pushMode === "BULK" &&
      (eventType === "CREATE" || s.onFields.includes(emailAttribute))
    );
  });
  if (fine && !input.rotate) return "webhooks already in place";
  const secret = randomBytes(32).toString("base64url");
  await input.secrets.putWebhookSecret(
    account,
    hashSecret(secret),
    input.secretRef,
    input.now().toISOString(),
  );
  const written = new Set<string>();
  const done: string[] = [];
  // Actito's error bodies are not documented: one that echoes the request would carry the secret.
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw new EmiError(redactText((error as Error).message ?? String(error), [secret]));
    }
  };
  for (const eventType of REALTIME_EVENTS) {
    const body = realtimeSubscriptionBody({
      eventType,
      tableId: table.id,
      emailAttribute,
      targetUrl: input.targetUrl,
      secret,
      isActive: true,
    });
    const existing = onTable(eventType);
    if (existing) {
      await guarded(() => client.changeWebhookSubscription(entity, existing.id, body));
      written.add(existing.id);
      done.push(`${eventType} webhook updated`);
    } else {
      written.add(await guarded(() => client.createWebhookSubscription(entity, body)));
      done.push(`${eventType} webhook created`);
    }
  }
  for (const stale of ours) {
    if (written.has(stale.id) || !stale.isActive) continue;
    await client.changeWebhookSubscription(entity, stale.id, { ...stale, isActive: false });
    done.push(`old ${stale.eventType} webhook deactivated`);
  }
  return `${done.join(", ")}, shared secret rotated`;
}

/**
 * Switches off every webhook subscription emi made for `account` (realtime turned off, or the
 * integration deactivated) and forgets the secret, so emi serve refuses further deliveries.
 */
export async function deactivateRealtime(input: {
  client: ActitoApi;
  secrets: SecretStore;
  account: number;
  entity: string;
}): Promise<string> {
  const ours = (await input.client.listWebhookSubscriptions(input.entity)).filter((s) =>
    isOurs(s, input.account),
  );
  let count = 0;
  for (const subscription of ours) {
    if (!subscription.isActive) continue;
    await input.client.changeWebhookSubscription(input.entity, subscription.id, {
      ...subscription,
      isActive: false,
    });
    count++;
  }
  await input.secrets.deleteWebhookSecret(input.account);
  return `${count} webhook subscription${count === 1 ? "" : "s"} deactivated`;
}
