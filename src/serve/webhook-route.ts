import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { RealtimeAccounts } from "../store/realtime-accounts.ts";
import { hashSecret, sameHash } from "../store/secret-hash.ts";
import type { WebhookInbox } from "../store/webhook-inbox.ts";
import { parseWebhookEvents } from "./parse-webhook-events.ts";
import type { ServeMetrics } from "./serve-metrics.ts";

/** The header Actito sends with every delivery (set on the subscription by apply). */
const WEBHOOK_SECRET_HEADER = "x-authorization";

/**
 * `POST /webhooks/actito/{account}`: checks the shared secret (before the body is read), writes the
 * events to the inbox in one transaction and answers 200. Nothing else happens in the request: the
 * worker writes the REAIDs later, so a slow Actito never slows an acknowledgement.
 */
export function registerWebhookRoute(
  app: FastifyInstance,
  inbox: Pick<WebhookInbox, "addInboxEvents"> & Pick<RealtimeAccounts, "webhookSecretHashes">,
  options: { metrics: ServeMetrics; now: () => Date; bodyLimit: number },
): void {
  const checkSecret = async (request: FastifyRequest, reply: FastifyReply) => {
    const account = accountOf(request);
    const secret = request.headers[WEBHOOK_SECRET_HEADER];
    const accepted =
      account === null ? [] : await inbox.webhookSecretHashes(account, options.now().toISOString());
    const given = typeof secret === "string" ? hashSecret(secret) : null;
    // Every accepted hash is compared (no early exit), each in constant time.
    const matches = accepted.map((hash) => given !== null && sameHash(hash, given));
    if (!matches.includes(true)) {
      // Answered before the body is read, and the connection closed: nothing more is read from it.
      await reply
        .code(401)
        .header("connection", "close")
        .send({ error: "missing or wrong X-Authorization secret" });
    }
  };
  // Actito's delivery headers are not documented: the body is JSON whatever content type it is
  // declared with, and a body that is not JSON is refused (400), never acknowledged with its events
  // dropped. The parser is this route's alone (an encapsulated context).
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "string", bodyLimit: options.bodyLimit },
      (_request, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(Object.assign(new Error("the webhook body is not JSON"), { statusCode: 400 }), undefined);
        }
      },
    );
    scope.post(
      "/webhooks/actito/:account",
      { onRequest: checkSecret, bodyLimit: options.bodyLimit },
      async (request) => {
        const account = accountOf(request)!;
        const { events, ignored } = parseWebhookEvents(request.body);
        await inbox.addInboxEvents(account, events, options.now().toISOString());
        options.metrics.webhookEvents.inc({ outcome: "accepted" }, events.length);
        options.metrics.webhookEvents.inc({ outcome: "ignored" }, ignored);
        return { accepted: events.length, ignored };
      },
    );
  });
}

function accountOf(request: FastifyRequest): number | null {
  const raw = (request.params as { account?: string }).account ?? "";
  const account = Number(raw);
  return /^\d{1,15}$/.test(raw) && account > 0 ? account : null;
}
