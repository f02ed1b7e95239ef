import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { Store } from "../store/store.ts";
import type { ApiKeyStore } from "./api-key-store.ts";
import { registerGetOrCreateRoute } from "./get-or-create-route.ts";
import { registerReaidLookupRoute } from "./reaid-lookup-route.ts";
import type { ReaidLookupStore } from "./reaid-lookup-store.ts";
import type { ServeMetrics } from "./serve-metrics.ts";
import { type ServiceCaller, serviceKeyAuth } from "./service-key-auth.ts";
import type { WebhookInboxStore } from "./webhook-inbox-store.ts";
import { registerWebhookRoute } from "./webhook-route.ts";

/** What the service reads and writes. */
export interface ServeStores {
  store: Store;
  keys: ApiKeyStore;
  lookup: ReaidLookupStore;
  inbox: WebhookInboxStore;
}

export interface BuildServerOptions {
  metrics: ServeMetrics;
  /** Requests per key per minute before 429 (default 3,000). */
  rateLimitPerMinute?: number;
  /** One access-log line (JSON); never given an e-mail, a key or a secret. */
  log?: (line: Record<string, unknown>) => void;
  now?: () => Date;
}

/** The most a GetOrCreate body may weigh (Raptor's 1,000 addresses fit many times over). */
export const GET_OR_CREATE_BODY_LIMIT = 1024 * 1024;
/** A bulk webhook delivery carries up to maxBlockSize profiles with their attributes. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024 * 1024;

declare module "fastify" {
  interface FastifyRequest {
    caller: ServiceCaller | null;
  }
}

/**
 * The `emi serve` application: POST /GetOrCreate, GET /reaids/{reaId}, POST /webhooks/actito/{account},
 * GET /healthz and GET /metrics. Built without listening, so tests can use it over a real socket or
 * `inject()` alike.
 */
export async function buildServer(
  stores: ServeStores,
  options: BuildServerOptions,
): Promise<FastifyInstance> {
  const { metrics } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const app = Fastify({
    logger: false,
    bodyLimit: GET_OR_CREATE_BODY_LIMIT,
    // Close idle keep-alive sockets on close(); requests under way still finish.
    forceCloseConnections: "idle",
    return503OnClosing: true,
  });
  app.decorateRequest("caller", null);

  const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? "unknown";
  app.addHook("onResponse", async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    metrics.requests.inc({ route, status: String(status) });
    metrics.duration.observe({ route }, reply.elapsedTime / 1000);
    // The route template, never the URL: /reaids/{reaId} would otherwise log a REAID.
    if (route !== "/healthz" && route !== "/metrics") {
      log({
        msg: "request",
        method: request.method,
        route,
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      });
    }
  });
  app.setErrorHandler(async (error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) log({ msg: "error", route: routeOf(request), error: (error as Error).name });
    // Fastify's own messages (body too large, bad JSON, schema) never echo the body; ours are plain.
    const message = status >= 500 ? "internal error" : (error as Error).message;
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: "not found" }));

  const authenticate = serviceKeyAuth(stores.keys, now);
  const requireKey = async (request: FastifyRequest, reply: Parameters<typeof authenticate>[1]) => {
    request.caller = await authenticate(request, reply);
  };

  await app.register(rateLimit, {
    global: false,
    // After authentication (so the limit is per key) and before the body is read.
    hook: "preParsing",
    keyGenerator: (request) => request.caller?.keyId ?? request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: `too many requests for this key: at most ${context.max} per ${context.after}`,
    }),
  });
  const limit = { max: options.rateLimitPerMinute ?? 3000, timeWindow: 60_000 };

  app.get("/healthz", async (_request, reply) => {
    try {
      await Promise.race([
        stores.store.registryRevision(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref()),
      ]);
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "store unreachable" });
    }
  });
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  registerGetOrCreateRoute(app, stores.store, { onRequest: requireKey, rateLimit: limit, metrics });
  registerReaidLookupRoute(app, stores.lookup, { onRequest: requireKey, rateLimit: limit });
  registerWebhookRoute(app, stores.inbox, { metrics, now, bodyLimit: WEBHOOK_BODY_LIMIT });
  return app;
}
