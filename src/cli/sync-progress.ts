import { MultiBar, Presets, type SingleBar } from "cli-progress";
import { formatSyncEvent, syncLabelWidth } from "../apply/format-sync-event.ts";
import { formatCount } from "../plan/describe-change.ts";
import type { SyncEvent } from "../sync/sync-events.ts";
import type { CliIO } from "./io.ts";
import { useLiveProgress } from "./use-color.ts";
import { OutputFormatVersion } from "./output-format-versions.ts";

/** Turns sync events into output; `stop()` once the sync is over. */
export interface SyncProgress {
  onEvent(event: SyncEvent): void;
  stop(): void;
}

/**
 * Chooses how sync progress is shown: NDJSON events with `--format json`; on a terminal a
 * progress bar per integration (rows read, rows written, rate, ETA) on stderr; elsewhere (CI logs)
 * plain lines, progress at most once every `intervalMs` per integration.
 */
export function syncProgress(
  io: CliIO,
  format: "text" | "json",
  options: { intervalMs?: number } = {},
): SyncProgress {
  if (format === "json") return ndjsonProgress(io, Math.min(options.intervalMs ?? 1000, 1000));
  if (useLiveProgress(io.stderr, io.env)) return barProgress(io);
  return lineProgress(io, options.intervalMs ?? 5000);
}

const isProgress = (event: SyncEvent) => event.type === "rows-read" || event.type === "rows-patched";

function throttle(intervalMs: number) {
  const last = new Map<number, number>();
  return (event: SyncEvent): boolean => {
    if (!isProgress(event)) return true;
    const now = Date.now();
    if (now - (last.get(event.account) ?? 0) < intervalMs) return false;
    last.set(event.account, now);
    return true;
  };
}

function ndjsonProgress(io: CliIO, intervalMs: number): SyncProgress {
  const due = throttle(intervalMs);
  return {
    onEvent: (event) => {
      if (due(event))
        io.stdout.write(`${JSON.stringify({ formatVersion: OutputFormatVersion.syncEvents, ...event })}\n`);
    },
    stop: () => {},
  };
}

function lineProgress(io: CliIO, intervalMs: number): SyncProgress {
  const due = throttle(intervalMs);
  return {
    onEvent: (event) => {
      if (!due(event)) return;
      const line = formatSyncEvent(event);
      if (line) io.stdout.write(`${line}\n`);
    },
    stop: () => {},
  };
}

function barProgress(io: CliIO): SyncProgress {
  const stream = io.stderr as unknown as NodeJS.WritableStream;
  const multibar = new MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      etaBuffer: 50,
      format: "{label} |{bar}| {read}/{expected} read · {written} written · {rate}/s · ETA {eta_formatted}",
    },
    Presets.shades_classic,
  );
  const bars = new Map<number, SingleBar>();
  const written = new Map<number, number>();
  const bar = (event: SyncEvent) => {
    let found = bars.get(event.account);
    if (!found) {
      found = multibar.create(1, 0, {
        label: `${event.account} ${event.table}`.padEnd(syncLabelWidth),
        read: "0",
        expected: "?",
        written: "0",
        rate: "0",
      });
      bars.set(event.account, found);
    }
    return found;
  };
  const n = formatCount;
  return {
    onEvent: (event) => {
      switch (event.type) {
        case "sync-started":
          bar(event).setTotal(Math.max(1, event.expected ?? 1));
          bar(event).update({ expected: event.expected === null ? "?" : `~${n(event.expected)}` });
          break;
        case "rows-read": {
          const b = bar(event);
          if (event.read > b.getTotal()) {
            b.setTotal(event.expected && event.expected > event.read ? event.expected : event.read);
          }
          b.update(event.read, {
            read: n(event.read),
            expected: event.expected && event.expected > event.read ? `~${n(event.expected)}` : "?",
            rate: n(Math.round(event.ratePerSecond)),
          });
          return;
        }
        case "reading-done":
          bar(event).setTotal(Math.max(1, event.read));
          bar(event).update(event.read, { read: n(event.read), expected: n(event.read) });
          break;
        case "rows-patched":
          bar(event).update({ written: n((written.get(event.account) ?? 0) + event.written) });
          return;
        case "import-finished":
          written.set(event.account, (written.get(event.account) ?? 0) + event.updated);
          bar(event).update({ written: n(written.get(event.account) ?? 0) });
          break;
      }
      const line = formatSyncEvent(event);
      if (line) {
        multibar.log(`${line}\n`);
        // Logged lines are only written on a redraw: force one so none is lost at stop().
        multibar.update();
      }
    },
    stop: () => multibar.stop(),
  };
}
