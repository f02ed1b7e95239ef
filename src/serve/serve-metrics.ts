import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The service's metrics, in a registry of its own (never prom-client's global one). */
export interface ServeMetrics {
  registry: Registry;
  requests: Counter<"route" | "status">;
  duration: Histogram<"route">;
  addresses: Counter<"outcome">;
  webhookEvents: Counter<"outcome">;
  inboxWritten: Counter<"outcome">;
  inboxPending: Gauge;
}

export function createServeMetrics(): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "emi_serve_" });
  return {
    registry,
    requests: new Counter({
      name: "emi_serve_requests_total",
      help: "HTTP requests answered, by route template and status",
      labelNames: ["route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "emi_serve_request_duration_seconds",
      help: "Time to answer, by route template",
      labelNames: ["route"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    addresses: new Counter({
      name: "emi_serve_getorcreate_addresses_total",
      help: "Addresses asked for on POST /GetOrCreate: answered or ignored as invalid",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: "emi_serve_webhook_events_total",
      help: "Webhook events received: accepted into the inbox or ignored (no profile id)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    inboxWritten: new Counter({
      name: "emi_serve_inbox_profiles_total",
      help: "Inbox events handled by the worker: written, unchanged, foreign (a value emi does not know), gone, no-email",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    inboxPending: new Gauge({
      name: "emi_serve_inbox_pending",
      help: "Inbox events waiting, as last seen by the worker",
      registers: [registry],
    }),
  };
}
