import type { FastifyInstance, onRequestHookHandler } from "fastify";
import { normaliseEmail } from "../store/normalise-email.ts";
import type { Store } from "../store/store.ts";
import { isValidEmail } from "./is-valid-email.ts";
import type { ServeMetrics } from "./serve-metrics.ts";

/** Raptor's cap on valid addresses per request. */
const MAX_ADDRESSES = 1000;

const bodySchema = {
  type: "object",
  required: ["emailAddresses"],
  properties: { emailAddresses: { type: "array" } },
} as const;

/**
 * `POST /GetOrCreate` (Raptor's contract): the REAIDs of the valid addresses, created when missing,
 * through the very store call the sync uses (`getOrCreateReaids` in the integration's namespace),
 * so an address asked for before its profile exists gets the same REAID in Actito later.
 */
export function registerGetOrCreateRoute(
  app: FastifyInstance,
  store: Pick<Store, "getOrCreateReaids">,
  options: {
    onRequest: onRequestHookHandler;
    rateLimit: { max: number; timeWindow: number };
    metrics: ServeMetrics;
  },
): void {
  app.post<{ Body: { emailAddresses: unknown[] } }>(
    "/GetOrCreate",
    { onRequest: options.onRequest, config: { rateLimit: options.rateLimit }, schema: { body: bodySchema } },
    async (request, reply) => {
      const caller = request.caller!;
      const valid = request.body.emailAddresses.filter(isValidEmail);
      options.metrics.addresses.inc(
        { outcome: "ignored" },
        request.body.emailAddresses.length - valid.length,
      );
      if (valid.length === 0) {
        return reply.code(400).send({ error: "no valid e-mail address in emailAddresses" });
      }
      if (valid.length > MAX_ADDRESSES) {
        return reply.code(400).send({
          error: `at most ${MAX_ADDRESSES} valid e-mail addresses per request (got ${valid.length})`,
        });
      }
      const reaids = await store.getOrCreateReaids(caller.namespace, valid);
      options.metrics.addresses.inc({ outcome: "answered" }, valid.length);
      return {
        results: valid.map((emailAddress) => ({
          emailAddress,
          reaId: reaids.get(normaliseEmail(emailAddress))!,
        })),
      };
    },
  );
}
