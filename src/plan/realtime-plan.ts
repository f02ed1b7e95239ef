import type { WebhookSubscriptionInfo } from "../actito/types.ts";
import { hashSecret, sameHash } from "../store/secret-hash.ts";
import type { ChangeProblem } from "./plan-types.ts";
import {
  REALTIME_EVENTS,
  type RealtimeChange,
  type RealtimeEvent,
  type WebhookAction,
  type WebhookFacts,
  type WebhookState,
} from "./realtime-types.ts";

export { REALTIME_EVENTS, type RealtimeChange, type WebhookFacts } from "./realtime-types.ts";

/** `EMI_PUBLIC_URL` when it is an http(s) URL, without a trailing slash; null otherwise. */
export function publicUrlFrom(env: Record<string, string | undefined>): string | null {
  const value = env.EMI_PUBLIC_URL?.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return url.toString().replace(/\/+$/, "");
  } catch {
    return null;
  }
}

/** Where Actito posts an account's events. */
export function realtimeTargetUrl(publicUrl: string, account: number): string {
  return `${publicUrl}/webhooks/actito/${account}`;
}

/** A subscription emi made for `account` (its target's path), on any table. */
export function isOurs(subscription: WebhookSubscriptionInfo, account: number): boolean {
  return subscription.targetUrl.replace(/\/+$/, "").endsWith(`/webhooks/actito/${account}`);
}

/** Whether the subscription's secret header matches the stored hash (Actito may not list headers: then yes). */
function sendsSecret(subscription: WebhookSubscriptionInfo, secretHash: string | null): boolean {
  const entry = Object.entries(subscription.headers).find(
    ([name]) => name.toLowerCase() === "x-authorization",
  );
  if (entry === undefined) return true;
  return secretHash !== null && sameHash(secretHash, hashSecret(entry[1]));
}

/** Compares what Actito lists with what `realtime: true` wants for one table. */
export function classifyWebhooks(
  subscriptions: readonly WebhookSubscriptionInfo[],
  want: {
    account: number;
    tableId: string;
    emailAttribute: string;
    targetUrl: string | null;
    /** The stored hash of the shared secret: a subscription sending another secret is `different`. */
    secretHash: string | null;
  },
): Record<RealtimeEvent, WebhookState> {
  const state = (eventType: RealtimeEvent): WebhookState => {
    const ours = subscriptions.filter(
      (s) => s.eventType === eventType && s.onElementId === want.tableId && isOurs(s, want.account),
    );
    if (ours.length === 0) return "missing";
    const exact = ours.find(
      (s) =>
        (want.targetUrl === null || s.targetUrl === want.targetUrl) &&
        s.pushMode === "BULK" &&
        (eventType === "CREATE" || s.onFields.includes(want.emailAttribute)) &&
        sendsSecret(s, want.secretHash),
    );
    if (!exact) return "different";
    return exact.isActive ? "ok" : "inactive";
  };
  return { CREATE: state("CREATE"), UPDATE: state("UPDATE") };
}

/**
 * The realtime part of one declared integration's change, or null when realtime is neither wanted
 * nor set up. `replacing`: the integration moves to another table, so its subscriptions move too.
 */
export function planRealtime(input: {
  account: number;
  wanted: boolean;
  facts: WebhookFacts | undefined;
  publicUrl: string | null;
  replacing: boolean;
}): { realtime: RealtimeChange | null; problems: ChangeProblem[] } {
  const { facts } = input;
  if (!input.wanted && !facts?.registered) return { realtime: null, problems: [] };
  const problems: ChangeProblem[] = [];
  if (input.wanted && input.publicUrl === null) {
    problems.push({
      severity: "error",
      code: "realtime-needs-public-url",
      message:
        "realtime: true needs EMI_PUBLIC_URL, the public https base URL of emi serve that Actito posts webhooks to " +
        "(e.g. EMI_PUBLIC_URL=https://emi.example.com): set it where plan and apply run, or remove realtime",
    });
  }
  const subscriptions = REALTIME_EVENTS.map((eventType) => {
    const state: WebhookState = facts?.[eventType] ?? "unknown";
    let action: WebhookAction;
    if (!input.wanted) action = state === "ok" || state === "different" ? "deactivate" : "keep";
    else if (state === "unknown") action = "ensure";
    else if (state === "missing") action = "create";
    else if (state === "ok" && !input.replacing) action = "keep";
    else action = "change";
    return { eventType, state, action };
  });
  const writes = subscriptions.some((s) => s.action === "create" || s.action === "change");
  return {
    realtime: {
      enabled: input.wanted,
      targetUrl: input.publicUrl === null ? null : realtimeTargetUrl(input.publicUrl, input.account),
      subscriptions,
      rotateSecret: writes,
    },
    problems,
  };
}

/** Whether apply has anything to do for the realtime part. */
export function realtimeNeedsWork(realtime: RealtimeChange | null | undefined): boolean {
  return realtime?.subscriptions.some((s) => s.action !== "keep") ?? false;
}

/** `CREATE missing, UPDATE inactive` — for reasons and renderers. */
export function describeRealtime(realtime: RealtimeChange): string {
  return realtime.subscriptions
    .filter((s) => s.action !== "keep")
    .map(
      (s) =>
        `${s.eventType} ${s.action === "ensure" ? "to be checked" : s.action === "deactivate" ? "to deactivate" : s.state}`,
    )
    .join(", ");
}

/** One line for the plan: each subscription and what apply does to it, the target, the secret. */
export function realtimeLine(realtime: RealtimeChange): string {
  const parts = realtime.subscriptions.map((s) => {
    const what = s.eventType === "UPDATE" ? "UPDATE on e-mail" : "CREATE";
    const verb = {
      create: "create",
      change: "change",
      keep: "keep",
      deactivate: "deactivate",
      ensure: "ensure",
    }[s.action];
    return `${what} ${verb}${s.state !== "unknown" && s.action !== "keep" ? ` (${s.state})` : ""}`;
  });
  const target = realtime.targetUrl ? ` → ${realtime.targetUrl} (BULK)` : "";
  const secret = realtime.rotateSecret ? "; new shared secret header" : "";
  return `webhooks: ${parts.join(", ")}${target}${secret}`;
}
