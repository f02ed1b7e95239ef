import { formatCount } from "../plan/describe-change.ts";
import type { SyncEvent } from "../sync/run-sync.ts";

/** A sync event as one plain line (CI logs, no TTY), in the shape of examples/sync.txt; null to skip it. */
export function formatSyncEvent(event: SyncEvent): string | null {
  const n = formatCount;
  switch (event.type) {
    case "sync-started":
      return `${event.account} ${event.table} sync: ${event.resumed ? "resuming" : "starting"} (${event.full ? "full" : "incremental"})`;
    case "rows-read":
      return `${event.account} sync: reading profiles ${n(event.read)}${event.expected !== null ? ` / ~${n(event.expected)}` : ""} (${n(Math.round(event.ratePerSecond))}/s)`;
    case "reading-done":
      return `${event.account} sync: reading profiles ${n(event.read)} done in ${event.seconds.toFixed(1)} s`;
    case "reaids-ready":
      return `${event.account} sync: ${n(event.ready)} REAIDs ready (${n(event.created)} new), ${n(event.toWrite)} to write, ${n(event.withoutEmail)} without e-mail`;
    case "import-submitted":
      return `${event.account} sync: mass import ${event.index} submitted (${n(event.rows)} rows, ${n(event.bytes)} bytes), id ${event.id}`;
    case "import-finished":
      return `${event.account} sync: mass import ${event.id} ${event.status}: ${n(event.updated)} updated, ${n(event.rejected)} rejected`;
    case "import-resumed":
      return `${event.account} sync: waiting for mass import ${event.id} from an earlier run`;
    case "import-outcome-unknown":
      return `${event.account} sync: mass import of ${n(event.rows)} rows has an unknown outcome (${event.detail}); it will be checked, not re-sent`;
    case "rows-patched":
      return `${event.account} sync: ${n(event.written)} / ${n(event.total)} profiles written one by one`;
    case "sync-finished": {
      const quota =
        event.importsUsedToday !== null && event.importsPerDay !== null
          ? ` · ${event.importsUsedToday} of ${event.importsPerDay} imports used today`
          : "";
      return `${event.account} sync: ${event.health}${event.reason ? ` (${event.reason})` : ""}${quota}`;
    }
    default:
      return null;
  }
}
