import type { FastifyReply, FastifyRequest } from "fastify";
import { namespaceOf } from "../store/namespace-of.ts";
import { hashSecret, sameHash } from "../store/secret-hash.ts";
import type { ApiKeyScope, ApiKeyStore } from "./api-key-store.ts";

/** Who a request is, once its service key checked out. */
export interface ServiceCaller {
  keyId: string;
  scope: ApiKeyScope;
  namespace: string;
}

// last_used_at is written at most this often per key: it is for people, not for accounting.
const TOUCH_EVERY_MS = 60_000;

/**
 * The onRequest check of a service key: runs before the body is read, so an unauthenticated client
 * cannot make emi read (or parse) a megabyte. A missing, unknown or revoked key, and a key whose
 * account has left the integration it was made in (moved to another one, or that integration
 * deactivated), are the same 401; a key whose integration is there but not active (a failed
 * activation) → 403. Answers carry no hint of which keys exist.
 */
export function serviceKeyAuth(
  keys: ApiKeyStore,
  now: () => Date,
): (request: FastifyRequest, reply: FastifyReply) => Promise<ServiceCaller | null> {
  const touched = new Map<string, number>();
  return async (request, reply) => {
    const header = request.headers.authorization;
    const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      await refuse(
        reply,
        401,
        'Bearer realm="emi"',
        "a service key is required: Authorization: Bearer <key>",
      );
      return null;
    }
    const hash = hashSecret(match[1]!);
    const bound = await keys.findServiceKey(hash);
    // The lookup is by hash (nothing an attacker can steer); the comparison is still constant-time.
    if (!bound || !sameHash(bound.keyHash, hash)) {
      await refuse(reply, 401, 'Bearer realm="emi", error="invalid_token"', "unknown or revoked service key");
      return null;
    }
    if (bound.status !== "active") {
      await refuse(reply, 403, null, "the integration of this key is not active");
      return null;
    }
    const at = now();
    if (at.getTime() - (touched.get(bound.id) ?? 0) >= TOUCH_EVERY_MS) {
      touched.set(bound.id, at.getTime());
      await keys.touchApiKey(bound.id, at.toISOString());
    }
    return { keyId: bound.id, scope: bound.scope, namespace: namespaceOf({ account: bound.owner }) };
  };
}

// A refused request's body is never read: the connection is closed after the answer, so a client
// that keeps sending (slowly, or a large body) holds nothing once it is answered.
async function refuse(reply: FastifyReply, status: number, challenge: string | null, error: string) {
  if (challenge) reply.header("www-authenticate", challenge);
  await reply.code(status).header("connection", "close").send({ error });
}
