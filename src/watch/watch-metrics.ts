import { Counter, Gauge, Registry } from "prom-client";
import type { ClientLogEvent } from "../actito/client-log-event.ts";
import type { SyncResult } from "../sync/run-sync.ts";

/** The worker's Prometheus metrics, in one Registry of its own (never prom-client's global one). */
export interface WatchMetrics {
  readonly registry: Registry;
  /** Counts one finished run of one integration. */
  run(result: SyncResult, at: Date, withoutReaid: number | null): void;
  /** Counts one Actito request of a licence (`api3/nordlys`) by its answer's status. */
  request(licence: string, event: ClientLogEvent): void;
}

/** `in sync` → `in_sync`, a failed run → `failed`: label values without spaces. */
export function resultLabel(result: Pick<SyncResult, "health" | "failed">): string {
  return result.failed ? "failed" : result.health.replaceAll(" ", "_");
}

export function createWatchMetrics(): WatchMetrics {
  const registry = new Registry();
  const runs = new Counter({
    name: "emi_sync_runs_total",
    help: "REAID sync runs by integration (owner account) and result",
    labelNames: ["account", "result"] as const,
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: "emi_sync_last_success_timestamp_seconds",
    help: "When the integration's last successful sync ended (Unix seconds)",
    labelNames: ["account"] as const,
    registers: [registry],
  });
  const written = new Counter({
    name: "emi_profiles_written_total",
    help: "Profiles given their REAID in Actito by this worker",
    labelNames: ["account"] as const,
    registers: [registry],
  });
  const without = new Gauge({
    name: "emi_profiles_without_reaid",
    help: "Profiles left without a REAID at the integration's last successful run",
    labelNames: ["account"] as const,
    registers: [registry],
  });
  const requests = new Counter({
    name: "emi_actito_requests_total",
    help: "Actito API requests by licence (endpoint/entity) and HTTP status (or network error code)",
    labelNames: ["licence", "status"] as const,
    registers: [registry],
  });
  return {
    registry,
    run(result, at, withoutReaid) {
      const account = String(result.account);
      runs.inc({ account, result: resultLabel(result) });
      written.inc({ account }, result.counts.written);
      if (!result.failed && (result.health === "in sync" || result.health === "degraded")) {
        lastSuccess.set({ account }, at.getTime() / 1000);
        if (withoutReaid !== null) without.set({ account }, withoutReaid);
      }
    },
    request(licence, event) {
      if (event.type !== "request") return;
      requests.inc({
        licence,
        status: event.status !== undefined ? String(event.status) : (event.errorCode ?? "error"),
      });
    },
  };
}
