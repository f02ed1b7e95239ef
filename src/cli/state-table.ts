import type { RegistryEntry } from "../store/store.ts";
import type { LicenceLeaseHolder, ScheduleEntry } from "../store/sync-schedule.ts";
import type { FullReadFacts } from "../sync/full-read-facts.ts";

/** One integration's sync schedule as `state show` reports it (text and JSON). */
export interface ScheduleView {
  lastSuccessAt: string | null;
  lagSeconds: number | null;
  /** `null` when the sync is off or never ran; now when it is marked due. */
  nextDueAt: string | null;
  withoutReaid: number | null;
  failures: number;
  dueReason: string | null;
  running: { owner: string; since: string } | null;
  /**
   * The last complete full read: its count, and what it was checked against (null: nothing,
   * `unverified`). Null when none is remembered.
   */
  listing: FullReadFacts | null;
  /** Webhook events waiting in the inbox for this integration (0 without an inbox). */
  inboxWaiting: number;
}

/** The schedule of one registry entry at `now`, for an `intervalMs` worker. */
export function scheduleView(
  entry: RegistryEntry,
  schedule: ScheduleEntry | undefined,
  leases: readonly LicenceLeaseHolder[],
  now: number,
  intervalMs: number,
  extra: { listing?: FullReadFacts | null; inboxWaiting?: number } = {},
): ScheduleView {
  // The schedule knows which runs succeeded. Only without it (a store from before the schedule)
  // does the registry's last run stand in, and only a run that ended in sync: a degraded one may
  // have failed.
  const last = schedule
    ? schedule.lastSuccessAt
    : entry.sync.health === "in sync"
      ? entry.sync.lastRun
      : null;
  const lease = leases.find(
    (l) => l.licence === `${entry.endpoint}/${entry.entity}` && Date.parse(l.expiresAt) > now,
  );
  const running =
    lease && entry.sync.health === "syncing" ? { owner: lease.owner, since: lease.since } : null;
  let nextDueAt: string | null = null;
  if (entry.emailSync && entry.status === "active") {
    if (schedule?.retryAt) nextDueAt = schedule.retryAt;
    else if (schedule?.dueReason || last === null) nextDueAt = new Date(now).toISOString();
    else nextDueAt = new Date(Date.parse(last) + intervalMs).toISOString();
  }
  return {
    lastSuccessAt: last,
    lagSeconds: last === null ? null : Math.max(0, Math.round((now - Date.parse(last)) / 1000)),
    nextDueAt,
    withoutReaid: schedule?.withoutReaid ?? null,
    failures: schedule?.failures ?? 0,
    dueReason: schedule?.dueReason ?? null,
    running,
    listing: extra.listing ?? null,
    inboxWaiting: extra.inboxWaiting ?? 0,
  };
}

/** `25s`, `2m 13s`, `3h 4m`, `2d 3h`. */
export function formatLag(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

/** `09:41:07` today (UTC), else `2026-11-30 09:41`. */
function when(iso: string, now: number): string {
  return iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10)
    ? iso.slice(11, 19)
    : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The table of `emi state show`: one row per integration, one per sister, then a summary. */
export function stateTable(
  rows: readonly { entry: RegistryEntry; view: ScheduleView }[],
  now: number,
): string {
  const header = [
    "account",
    "integration",
    "status",
    "sync",
    "last synced",
    "lag",
    "next due",
    "without REAID",
    "running",
  ];
  const table: string[][] = [];
  const notes: string[] = [];
  for (const { entry: e, view: v } of rows) {
    const off = !e.emailSync;
    const syncing = v.running !== null;
    table.push([
      String(e.account),
      `${e.provider} ${e.endpoint} / ${e.entity}/${e.profileTable ?? "?"}`,
      e.status,
      off ? "off" : e.sync.health,
      v.lastSuccessAt ? when(v.lastSuccessAt, now) : off ? "—" : "never",
      v.lagSeconds !== null ? formatLag(v.lagSeconds) : "—",
      v.nextDueAt ? (Date.parse(v.nextDueAt) <= now ? "now" : when(v.nextDueAt, now)) : "—",
      off || v.withoutReaid === null ? "—" : v.withoutReaid.toLocaleString("en-US"),
      syncing ? `${v.running!.owner} (since ${when(v.running!.since, now)})` : "—",
    ]);
    notes.push(
      off
        ? "(emailSync: false)"
        : [
            e.sync.health === "degraded" || e.sync.health === "waiting for quota"
              ? `(${e.sync.reason ?? e.sync.health})`
              : v.dueReason
                ? `(due: ${v.dueReason})`
                : "",
            v.listing && v.listing.checkedAgainst === null ? unverifiedNote(v.listing) : "",
            v.inboxWaiting > 0
              ? `(inbox: ${v.inboxWaiting.toLocaleString("en-US")} webhook event(s) waiting)`
              : "",
          ]
            .filter((n) => n !== "")
            .join(" "),
    );
    for (const sister of e.sisterAccounts) {
      table.push([String(sister), `↳ sister of ${e.account}`]);
      notes.push("");
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => [...(r[i] ?? "")].length)));
  const line = (cells: string[], note = "") =>
    `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + (c.length - [...c].length)))).join("  ")}${note ? `  ${note}` : ""}`.trimEnd();
  const out = [line(header), ...table.map((r, i) => line(r, notes[i]))];
  const sisters = rows.reduce((sum, r) => sum + r.entry.sisterAccounts.length, 0);
  const syncingNow = rows.filter((r) => r.view.running !== null).length;
  const degraded = rows.filter((r) => r.entry.emailSync && r.entry.sync.health === "degraded").length;
  const lags = rows.flatMap((r) =>
    r.entry.emailSync && r.view.lagSeconds !== null ? [r.view.lagSeconds] : [],
  );
  const never = rows.filter(
    (r) => r.entry.emailSync && r.entry.status === "active" && r.view.lastSuccessAt === null,
  ).length;
  const summary = [
    `${rows.length} integration${rows.length === 1 ? "" : "s"}, ${sisters} sister${sisters === 1 ? "" : "s"}`,
    `${syncingNow} syncing now`,
    `${degraded} degraded`,
    ...(lags.length > 0 ? [`oldest successful sync ${formatLag(Math.max(...lags))} ago`] : []),
    ...(never > 0 ? [`${never} never synced successfully`] : []),
  ];
  return `${out.join("\n")}\n\n${summary.join(" · ")}\n`;
}

/** A first full read with nothing to check it against: Actito gave no count of the table. */
function unverifiedNote(listing: FullReadFacts): string {
  return `(listing unverified: ${listing.profiles.toLocaleString("en-US")} profiles read, Actito gives no count to check)`;
}
