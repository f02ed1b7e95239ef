import type { FastifyReply, FastifyRequest } from "fastify";
import { namespaceOf } from "../store/namespace-of.ts";
import type { Store } from "../store/store.ts";
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
 * cannot make emi read (or parse) a megabyte. Missing, unknown or revoked key → 401; the key's
 * integration gone or not active → 403. Answers carry no hint of which keys exist.
 */
export function serviceKeyAuth(
  store: Pick<Store, "findByAccount">,
  keys: ApiKeyStore,
  now: () => Date,
): (request: FastifyRequest, reply: FastifyReply) => Promise<ServiceCaller | null> {
  const touched = new Map<string, number>();
  return async (request, reply) => {
    const header = request.headers.authorization;
    const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      await reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="emi"')
        .send({ error: "a service key is required: Authorization: Bearer <key>" });
      return null;
    }
    const hash = hashSecret(match[1]!);
    const record = await keys.findApiKey(hash);
    // The lookup is by hash (nothing an attacker can steer); the comparison is still constant-time.
    if (!record || !sameHash(record.keyHash, hash) || record.revokedAt !== null) {
      await reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="emi", error="invalid_token"')
        .send({ error: "unknown or revoked service key" });
      return null;
    }
    const entry = await store.findByAccount(record.account);
    if (entry?.status !== "active") {
      await reply.code(403).send({ error: "the integration of this key is not active" });
      return null;
    }
    const at = now();
    if (at.getTime() - (touched.get(record.id) ?? 0) >= TOUCH_EVERY_MS) {
      touched.set(record.id, at.getTime());
      await keys.touchApiKey(record.id, at.toISOString());
    }
    return { keyId: record.id, scope: record.scope, namespace: namespaceOf(entry) };
  };
}
