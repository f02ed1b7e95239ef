import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { Dialect } from "../store/migrations.ts";
import type { Readiness } from "../store/store-readiness.ts";
import type { Store } from "../store/store.ts";
import { guardStore, StoreUnavailableError } from "./guard-store.ts";
import type { ApiKeyStore } from "./api-key-store.ts";
import { registerGetOrCreateRoute } from "./get-or-create-route.ts";
import { registerReaidLookupRoute } from "./reaid-lookup-route.ts";
import type { RealtimeAccounts } from "../store/realtime-accounts.ts";
import type { WebhookInbox } from "../store/webhook-inbox.ts";
import type { ReaidLookupStore } from "./reaid-lookup-store.ts";
import type { ServeMetrics } from "./serve-metrics.ts";
import { type ServiceCaller, serviceKeyAuth } from "./service-key-auth.ts";
import { registerWebhookRoute } from "./webhook-route.ts";

/** What the service reads and writes. */
export interface ServeStores {
  store: Store;
  keys: ApiKeyStore;
  lookup: ReaidLookupStore;
  inbox: WebhookInbox & RealtimeAccounts;
  /** Which database: store failures are named by it. */
  dialect: Dialect;
  /** `/healthz`: whether the store accepts writes (see storeReadiness). */
  readiness: () => Promise<Readiness>;
}

/**
 * How long a client may take and how many connections it may hold: a few hundred slow clients must
 * not keep a valid request from being answered.
 */
export interface ServeLimits {
  /** The request line and headers must arrive within this (default 10 s). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (default 30 s). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (default 5 s). */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic at all is closed after this (default 60 s). */
  idleTimeoutMs: number;
  /** Connections beyond this are refused at once (default 2,000). */
  maxConnections: number;
  /** Requests one keep-alive connection may carry (default 1,000). */
  maxRequestsPerSocket: number;
}

const DEFAULT_SERVE_LIMITS: ServeLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnections: 2_000,
  maxRequestsPerSocket: 1_000,
};

/** Seconds a client is asked to wait (`Retry-After`) after a 503 for a store failure. */
const STORE_RETRY_AFTER_SECONDS = 5;

export interface BuildServerOptions {
  metrics: ServeMetrics;
  /** Requests per key per minute before 429 (default 3,000). */
  rateLimitPerMinute?: number;
  /** One access-log line (JSON); never given an e-mail, a key or a secret. */
  log?: (line: Record<string, unknown>) => void;
  now?: () => Date;
  limits?: Partial<ServeLimits>;
  /** Serve GET /metrics on this (public) port; false when metrics have a port of their own. */
  metricsRoute?: boolean;
}

/** The most a GetOrCreate body may weigh (Raptor's 1,000 addresses fit many times over). */
const GET_OR_CREATE_BODY_LIMIT = 1024 * 1024;
/** A bulk webhook delivery carries up to maxBlockSize profiles with their attributes. */
const WEBHOOK_BODY_LIMIT = 16 * 1024 * 1024;

declare module "fastify" {
  interface FastifyRequest {
    caller: ServiceCaller | null;
  }
}

/**
 * The `emi serve` application: POST /GetOrCreate, GET /reaids/{reaId}, POST /webhooks/actito/{account},
 * GET /livez, GET /healthz and GET /metrics. Built without listening, so tests can use it over a real socket or
 * `inject()` alike.
 */
export async function buildServer(
  stores: ServeStores,
  options: BuildServerOptions,
): Promise<FastifyInstance> {
  const { metrics } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const limits = { ...DEFAULT_SERVE_LIMITS, ...options.limits };
  const app = Fastify({
    logger: false,
    bodyLimit: GET_OR_CREATE_BODY_LIMIT,
    // Close idle keep-alive sockets on close(); requests under way still finish.
    forceCloseConnections: "idle",
    return503OnClosing: true,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      // How often Node checks the two timeouts above (its default, 30 s, lets a slow client stay
      // up to 30 s past them).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 4)),
    },
  });
  app.server.maxConnections = limits.maxConnections;
  app.decorateRequest("caller", null);
  // Every store call of a route: a failure of the store's surroundings (disk full, PostgreSQL
  // gone) becomes a StoreUnavailableError, answered 503 with Retry-After.
  const guarded = {
    store: guardStore(stores.store, stores.dialect),
    keys: guardStore(stores.keys, stores.dialect),
    lookup: guardStore(stores.lookup, stores.dialect),
    inbox: guardStore(stores.inbox, stores.dialect),
  };

  const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? "unknown";
  app.addHook("onResponse", async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    metrics.requests.inc({ route, status: String(status) });
    metrics.duration.observe({ route }, reply.elapsedTime / 1000);
    // The route template, never the URL: /reaids/{reaId} would otherwise log a REAID.
    if (route !== "/healthz" && route !== "/livez" && route !== "/metrics") {
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
    if (error instanceof StoreUnavailableError) {
      // The cause and the driver's code only: never the message, which could quote a value.
      log({ msg: "store unavailable", route: routeOf(request), ...error.failure });
      return reply
        .code(503)
        .header("retry-after", String(STORE_RETRY_AFTER_SECONDS))
        .send({ error: `the store is unavailable (${error.failure.cause}): retry later` });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) {
      const code = (error as { code?: unknown }).code;
      log({
        msg: "error",
        route: routeOf(request),
        error: (error as Error).name,
        ...(typeof code === "string" ? { code } : {}),
      });
    }
    // Fastify's own messages (body too large, bad JSON, schema) never echo the body; ours are plain.
    const message = status >= 500 ? "internal error" : (error as Error).message;
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: "not found" }));

  const authenticate = serviceKeyAuth(guarded.keys, now);
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

  // Liveness: the process and its event loop answer; nothing else is touched.
  app.get("/livez", async () => ({ status: "alive" }));
  // Readiness: the store accepts a write (a probe cached for a few seconds).
  app.get("/healthz", async (_request, reply) => {
    const ready = await stores.readiness();
    if (ready.ok) return { status: "ok" };
    return reply
      .code(503)
      .header("retry-after", String(STORE_RETRY_AFTER_SECONDS))
      .send({ status: "unavailable", why: ready.why ?? "the store does not accept writes" });
  });
  if (options.metricsRoute !== false) {
    app.get("/metrics", async (_request, reply) => {
      reply.header("content-type", metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  }
  registerGetOrCreateRoute(app, guarded.store, { onRequest: requireKey, rateLimit: limit, metrics });
  registerReaidLookupRoute(app, guarded.lookup, { onRequest: requireKey, rateLimit: limit });
  registerWebhookRoute(app, guarded.inbox, { metrics, now, bodyLimit: WEBHOOK_BODY_LIMIT });
  return app;
}
