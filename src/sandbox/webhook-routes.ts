import { HttpError } from "./http-error.ts";
import { entityOf, type RouteContext, type RouteResult, readJsonObject } from "./route-context.ts";
import { parseSubscription, type WebhookSubscription } from "./webhook-subscription.ts";

const base = (entity: string) => `/webhooks/v4/entity/${entity}/webhookSubscription`;

function check(ctx: RouteContext, subscription: WebhookSubscription): void {
  const entity = entityOf(ctx, ctx.params[0]!);
  const table = entity.tables.get(subscription.onElementId);
  if (!table)
    throw new HttpError(
      400,
      "INVALID_BODY",
      `no profile table ${subscription.onElementId} in entity ${entity.name}`,
    );
  for (const field of subscription.onFields) {
    if (!table.store.attribute(field))
      throw new HttpError(400, "INVALID_BODY", `unknown attribute ${field} in onFields`);
  }
  // Deliveries start with the first subscription of a table.
  table.store.onChange ??= (change) => ctx.state.webhooks.profileChanged(entity.name, table.store.id, change);
}

function found(ctx: RouteContext): WebhookSubscription {
  entityOf(ctx, ctx.params[0]!);
  const subscription = ctx.state.webhooks.get(ctx.params[0]!, ctx.params[1]!);
  if (!subscription) throw new HttpError(404, "NOT_FOUND", "no such webhook subscription");
  return subscription;
}

/** `POST /webhooks/v4/entity/{entity}/webhookSubscription`: `201 {"id"}`. */
export async function createSubscription(ctx: RouteContext): Promise<RouteResult> {
  const subscription = parseSubscription(await readJsonObject(ctx), ctx.state.webhooks.newId());
  check(ctx, subscription);
  ctx.state.webhooks.put(ctx.params[0]!, subscription);
  return {
    status: 201,
    body: { id: subscription.id },
    headers: { location: `${base(ctx.params[0]!)}/${subscription.id}` },
  };
}

/** `GET …/webhookSubscription`: `{"subscriptions":[…]}`. */
export function listSubscriptions(ctx: RouteContext): RouteResult {
  entityOf(ctx, ctx.params[0]!);
  return { status: 200, body: { subscriptions: ctx.state.webhooks.list(ctx.params[0]!) } };
}

/** `GET …/webhookSubscription/{id}`. */
export function getSubscription(ctx: RouteContext): RouteResult {
  return { status: 200, body: found(ctx) };
}

/** `PUT …/webhookSubscription/{id}`: replaces the subscription (same id). */
export async function changeSubscription(ctx: RouteContext): Promise<RouteResult> {
  const { id } = found(ctx);
  const subscription = parseSubscription(await readJsonObject(ctx), id);
  check(ctx, subscription);
  ctx.state.webhooks.put(ctx.params[0]!, subscription);
  return { status: 200, body: subscription };
}

/** `DELETE …/webhookSubscription/{id}`: `204`. */
export function deleteSubscription(ctx: RouteContext): RouteResult {
  const { id } = found(ctx);
  ctx.state.webhooks.delete(ctx.params[0]!, id);
  return { status: 204 };
}
