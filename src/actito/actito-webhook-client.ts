import { ActitoClient } from "./actito-client.ts";
import { parseCreatedId, parseWebhookSubscriptions, ROUTES } from "./routes.ts";
import type { ActitoApi, WebhookSubscriptionBody, WebhookSubscriptionInfo } from "./types.ts";

/** ActitoClient with the webhook subscription routes (actito-api.md, "Webhooks"; [model] shapes in routes.ts). */
export class ActitoWebhookClient extends ActitoClient implements ActitoApi {
  listWebhookSubscriptions(entity: string): Promise<WebhookSubscriptionInfo[]> {
    return this.request(
      { method: "GET", route: ROUTES.webhookSubscriptions, params: { entity }, idempotent: true },
      parseWebhookSubscriptions,
    );
  }

  /** Not retried once it may have reached Actito: a second POST would make a second subscription. */
  createWebhookSubscription(entity: string, body: WebhookSubscriptionBody): Promise<string> {
    return this.request(
      {
        method: "POST",
        route: ROUTES.webhookSubscriptions,
        params: { entity },
        json: body,
        idempotent: false,
      },
      parseCreatedId,
    );
  }

  async changeWebhookSubscription(entity: string, id: string, body: WebhookSubscriptionBody): Promise<void> {
    await this.request(
      {
        method: "PUT",
        route: ROUTES.webhookSubscription,
        params: { entity, id },
        json: body,
        idempotent: true,
      },
      () => undefined,
    );
  }
}
