import { describe, expect, it } from "vitest";
import type { ActitoApi, WebhookSubscriptionBody } from "../../src/actito/types.ts";
import { ensureRealtime } from "../../src/apply/ensure-realtime.ts";

const table = {
  id: "16",
  name: "customers",
  attributes: [{ name: "emailAddress", type: "EMAIL_ADDRESS", valueType: "STRING", unique: true }],
};

describe("ensureRealtime", () => {
  it("keeps the new secret out of the error when Actito echoes the request back", async () => {
    let sent: WebhookSubscriptionBody | null = null;
    const stored: string[] = [];
    const client = {
      listWebhookSubscriptions: async () => [],
      createWebhookSubscription: async (_entity: string, body: WebhookSubscriptionBody) => {
        sent = body;
        throw new Error(`Actito answered 400 to POST: invalid body ${JSON.stringify(body)}`);
      },
    } as unknown as ActitoApi;
    const failure = await ensureRealtime({
      client,
      secrets: {
        putWebhookSecret: async (_a, hash) => void stored.push(hash),
        deleteWebhookSecret: async () => {},
      },
      account: 1042,
      entity: "nordlys",
      table,
      targetUrl: "https://emi.example.com/webhooks/actito/1042",
      secretRef: "env:K",
      rotate: true,
      now: () => new Date(),
    }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    const secret = (sent as WebhookSubscriptionBody | null)!.headers["X-Authorization"]!;
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect((failure as Error).message).toContain("400");
    expect((failure as Error).message).not.toContain(secret);
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain(secret);
  });
});
