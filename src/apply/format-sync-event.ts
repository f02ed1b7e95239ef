import { formatCount } from "../plan/describe-change.ts";
import { terminalSafe } from "../plan/terminal-safe.ts";
import type { SyncEvent } from "../sync/run-sync.ts";

/**
 * Width of the `<account> <entity>/<table>` column: the same as apply's outcome lines
 * (`formatOutcomeLine`), so sync lines and outcome lines of every integration line up.
 */
export const syncLabelWidth = 24;

/**
 * A sync event as plain lines (CI logs, no TTY); null to skip it.
 * Every line starts with the account and `entity/table`; numbers carry thousands separators.
 */
export function formatSyncEvent(event: SyncEvent): string | null {
  const label = `${`${event.account} ${event.table}`.padEnd(syncLabelWidth)} `;
  const text = describe(event);
  if (text === null) return null;
  return terminalSafe(
    text
      .split("\n")
      .map((line) => `${label}${line}`)
      .join("\n"),
  );
}

function describe(event: SyncEvent): string | null {
  const n = formatCount;
  switch (event.type) {
    case "sync-started":
      if (event.resumed) {
        return `sync: resuming where the last run stopped (${event.full ? "full" : "incremental"})`;
      }
      // A fresh full read says nothing until its first page: the reading line follows at once.
      return event.full ? null : "sync: reading the profiles changed since the last run";
    case "rows-read": {
      const total = event.expected !== null ? ` / ~${n(event.expected)}` : "";
      return `sync: reading profiles ${counter(`${n(event.read).padStart(11)}${total}`)} (${n(Math.round(event.ratePerSecond))}/s)`;
    }
    case "reading-done":
      return `sync: reading profiles ${counter(`${n(event.read).padStart(11)} / ${n(event.read)}`)} done in ${event.seconds.toFixed(1)} s`;
    case "reaids-ready": {
      const shared =
        event.duplicates > 0 ? `, ${n(event.duplicates)} sharing an e-mail with another profile` : "";
      return `sync: ${n(event.ready)} REAIDs ready (${n(event.created)} new), ${n(event.toWrite)} to write, ${n(event.withoutEmail)} without e-mail${shared}`;
    }
    case "import-submitted": {
      const which = event.last ? `${event.index} of ${event.index}` : `${event.index}`;
      const more = event.last ? "" : ", more files follow";
      return `sync: mass import ${which} submitted (${formatBytes(event.bytes)} gzip${more}), id ${event.id}`;
    }
    case "import-finished": {
      const shared =
        event.duplicates > 0
          ? ` (${n(event.duplicates)} because another profile with the e-mail holds the REAID)`
          : "";
      return `sync: mass import ${event.id} ${event.status}: ${n(event.updated)} updated, ${n(event.rejected)} rejected${shared}`;
    }
    case "import-resumed":
      return `sync: waiting for mass import ${event.id} from an earlier run`;
    case "import-outcome-unknown":
      return `sync: mass import of ${n(event.rows)} rows has an unknown outcome (${event.detail}); it will be checked, not re-sent`;
    case "rows-patched":
      return event.left > 0
        ? `sync: ${n(event.written)} / ${n(event.total)} profiles written one by one, ${n(event.left)} left, ETA ${duration(event.etaSeconds)}`
        : `sync: ${n(event.written)} / ${n(event.total)} profiles written one by one`;
    case "sync-finished": {
      const quota =
        event.importsUsedToday !== null && event.importsPerDay !== null
          ? ` · ${n(event.importsUsedToday)} of ${n(event.importsPerDay)} imports used today`
          : "";
      // The calls made, to set beside the plan's `cost:` line.
      const actual = event.actual
        ? ` · actual: ${n(event.actual.listCalls)} list calls, ${n(event.actual.writeCalls)} writes, ${n(event.actual.imports)} imports`
        : "";
      if (event.health === "in sync") {
        // In sync, a reason is a note (profiles sharing an e-mail): its own line, then the verdict.
        return `${event.reason ? `sync: ${event.reason}\n` : ""}in sync${quota}${actual}`;
      }
      if (event.outcome.kind === "skipped-busy") {
        return `sync skipped: licence busy (${event.outcome.holder}); marked due, the next emi sync or --watch worker syncs it`;
      }
      const state = event.failed ? "FAILED" : event.health;
      return `sync ${state}${event.reason ? `: ${event.reason}` : ""}${quota}`;
    }
    default:
      return null;
  }
}

/** `45 s`, `2m 47s`, `1h 05m`: how long the PATCHes left will take. */
function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
}

/** The `12,000 / ~48,200` column of the reading lines, padded so what follows lines up. */
function counter(text: string): string {
  return text.padEnd(23);
}

/** `41.2 kB`, `2.1 MB`: the size of an uploaded file. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
