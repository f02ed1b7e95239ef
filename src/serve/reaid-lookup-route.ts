import type { FastifyInstance, onRequestHookHandler } from "fastify";
import type { ReaidLookupStore } from "./reaid-lookup-store.ts";

/**
 * `GET /reaids/{reaId}` for keys of scope `lookup`: the e-mail (as stored, normalised) that holds a
 * REAID in the key's own namespace. A REAID of another namespace, an unknown REAID and a key without
 * the lookup scope all get the same 404, so nothing tells a caller what exists elsewhere.
 */
export function registerReaidLookupRoute(
  app: FastifyInstance,
  lookup: ReaidLookupStore,
  options: { onRequest: onRequestHookHandler; rateLimit: { max: number; timeWindow: number } },
): void {
  app.get<{ Params: { reaId: string } }>(
    "/reaids/:reaId",
    { onRequest: options.onRequest, config: { rateLimit: options.rateLimit } },
    async (request, reply) => {
      const caller = request.caller!;
      const { reaId } = request.params;
      const found = caller.scope === "lookup" && reaId.length <= 64 ? await lookup.findReaid(reaId) : null;
      if (!found || found.namespace !== caller.namespace) {
        return reply.code(404).send({ error: "no such REAID for this key" });
      }
      return { reaId, emailAddress: found.email };
    },
  );
}
