import type { WatchRecord } from "./watch-record.ts";

const n = (value: number) => value.toLocaleString("en-US");
/** `09:40:02`, in UTC like every time emi prints. */
const clock = (iso: string) => iso.slice(11, 19);

/** One line of `emi sync --watch` text output. */
export function formatWatchLine(record: WatchRecord): string {
  const at = "time" in record ? clock(record.time) : "";
  switch (record.type) {
    case "started":
      return (
        `emi sync --watch: worker ${record.worker}, store ${record.store}, ` +
        `${n(record.integrations)} integration${record.integrations === 1 ? "" : "s"} (${n(record.withEmailSync)} with emailSync)` +
        (record.metricsPort !== null ? `, metrics on :${record.metricsPort}` : "")
      );
    case "run": {
      const health = record.failed ? "FAILED" : record.health;
      const read = record.mode === "incremental" ? `+${n(record.read)} read` : `${n(record.read)} read`;
      const how =
        record.write === "import"
          ? ` (mass import${record.importsUsedToday !== null ? ` ${record.importsUsedToday} of ${record.importsPerDay} today` : ""})`
          : record.write === "patch"
            ? " (PATCH)"
            : "";
      const parts = [read, `${n(record.written)} written${how}`];
      if (record.rejected > 0) parts.push(`${n(record.rejected)} rejected`);
      parts.push(`${n(record.calls)} call${record.calls === 1 ? "" : "s"}`, `${record.seconds.toFixed(1)} s`);
      const note =
        record.failed ||
        record.health === "waiting for quota" ||
        (record.health === "degraded" && record.reason)
          ? `: ${record.reason ?? "failed"}`
          : record.mode === "full"
            ? " (daily full re-read)"
            : "";
      return `${at} ${lead(record.account, record.table)}${record.mode.padEnd(13)}${health.padEnd(10)}${parts.join(", ")}${note}`;
    }
    case "busy":
      return `${at} ${lead(record.account, record.table)}licence busy (${record.holder}), next try ${clock(record.nextTry)}`;
    case "waiting": {
      const next =
        record.nextDue === null
          ? "nothing due"
          : `next due ${record.nextDue.account} in ${record.nextDue.inSeconds} s`;
      const inbox = record.inbox === 0 ? "inbox empty" : `inbox ${n(record.inbox)}`;
      return `${at} waiting: ${next} · ${record.licencesHeld} licence${record.licencesHeld === 1 ? "" : "s"} held by this worker · ${inbox}`;
    }
    case "invalid":
      return `${at} declarations not re-read: ${record.message} (keeping the last valid ones)`;
    case "error":
      return `${at} cycle failed: ${record.message}; retrying in ${record.retryInSeconds} s`;
    case "stopping": {
      const finishing = record.running.map((r) => `${r.account} ${r.table}`).join(", ");
      const leases = record.running.length;
      return (
        `${at} stopping (${record.signal}): ` +
        (finishing ? `finishing ${finishing} (checkpointed), ` : "") +
        `releasing ${leases} licence lease${leases === 1 ? "" : "s"}`
      );
    }
    case "stopped":
      return `${at} ${record.clean ? "stopped cleanly" : "stopped"}`;
  }
}

function lead(account: number, table: string): string {
  return `${String(account).padEnd(5)}${table.padEnd(20)}`;
}
