import type { FastifyInstance, onRequestHookHandler } from "fastify";
import { normaliseEmail } from "../store/normalise-email.ts";
import type { Store } from "../store/store.ts";
import { isValidEmail } from "./is-valid-email.ts";
import type { ServeMetrics } from "./serve-metrics.ts";

/** Raptor's cap on valid addresses per request. */
const MAX_ADDRESSES = 1000;

/** The addresses of a body, or null when it is not `{"emailAddresses": [...]}`. */
function addressesOf(body: unknown): unknown[] | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  const list = (body as { emailAddresses?: unknown }).emailAddresses;
  return Array.isArray(list) ? list : null;
}

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
  // No JSON schema: Fastify's validator coerces a lone string into a one-element array, and a
  // string is not a list of addresses.
  app.post(
    "/GetOrCreate",
    { onRequest: options.onRequest, config: { rateLimit: options.rateLimit } },
    async (request, reply) => {
      const caller = request.caller!;
      const addresses = addressesOf(request.body);
      if (addresses === null) {
        return reply
          .code(400)
          .send({ error: 'the body must be {"emailAddresses": [...]}: a JSON array of addresses' });
      }
      // The one validation of addresses, before any store: what it leaves out, no store ever sees.
      const valid = addresses.filter(isValidEmail);
      options.metrics.addresses.inc({ outcome: "ignored" }, addresses.length - valid.length);
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
