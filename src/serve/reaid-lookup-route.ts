import type { FastifyInstance, onRequestHookHandler } from "fastify";
import type { ReaidLookupStore } from "./reaid-lookup-store.ts";

/**
 * `GET /reaids/{reaId}` for keys of scope `lookup`: whether a REAID exists in the key's own
 * namespace, and that namespace's integration (its owner account). No e-mail address: the store
 * keeps none (docs/privacy.md); the address behind a REAID is read from Actito. A REAID of another namespace, an unknown REAID and a key without
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
        return reply.code(404).send({ error: "no such REAID for this key", exists: false });
      }
      return { reaId, exists: true, integration: Number(found.namespace) };
    },
  );
}
