/** The realtime part of a plan (`realtime: true`): types only, shared by plan-types and realtime-plan. */

/** The two subscriptions `realtime: true` needs. */
export const REALTIME_EVENTS = ["CREATE", "UPDATE"] as const;
export type RealtimeEvent = (typeof REALTIME_EVENTS)[number];

/**
 * What Actito has for one of them: `ok` (active, pointing at us, as emi writes it), `inactive`,
 * `different` (ours by its URL's path but another target, mode or filter), `missing`, or `unknown`
 * (not read: no secret here, or Actito unreachable).
 */
export type WebhookState = "ok" | "inactive" | "different" | "missing" | "unknown";

/** Live webhook facts of one integration, read only when it is or was realtime. */
export interface WebhookFacts {
  /** Apply set realtime up for this account earlier (the store has its secret's hash). */
  registered: boolean;
  CREATE: WebhookState;
  UPDATE: WebhookState;
}

/** What apply does to one subscription; `ensure` when the plan could not read Actito. */
export type WebhookAction = "create" | "change" | "keep" | "deactivate" | "ensure";

/** The realtime part of a change: shown by every renderer, carried out by apply. */
export interface RealtimeChange {
  enabled: boolean;
  /** `<EMI_PUBLIC_URL>/webhooks/actito/<account>`; null without EMI_PUBLIC_URL. */
  targetUrl: string | null;
  subscriptions: { eventType: RealtimeEvent; state: WebhookState; action: WebhookAction }[];
  /** A new shared secret is made (and stored hashed) when any subscription is written. */
  rotateSecret: boolean;
}
