import { type Command, Option } from "commander";
import { terminalSafe } from "../plan/terminal-safe.ts";
import { openStore } from "../store/open-store.ts";
import type { Lease, RegistryEntry } from "../store/store.ts";
import type { CommandContext } from "./command-context.ts";
import { formatOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import { wholeNumber } from "./number-flags.ts";
import { parseAccount } from "./parse-account.ts";
import { fullReadOf } from "../sync/full-read-facts.ts";
import { type ScheduleView, scheduleView, stateTable } from "./state-table.ts";
import { OutputFormatVersion } from "./output-format-versions.ts";

interface ShowFlags {
  account?: number;
  interval: number;
  format: "text" | "json";
  store: string;
}

/**
 * The registry as `state show --format json` prints it. The fields of the example come
 * first and are never renamed; later ones are additions. The key fingerprint is an HMAC, not a
 * secret, so machine output may carry it; text output leaves it out as noise.
 */
export function stateJson(
  entries: readonly RegistryEntry[],
  views: ReadonlyMap<number, ScheduleView> = new Map(),
): string {
  const integrations = entries.map((e) => ({
    account: e.account,
    sisterAccounts: e.sisterAccounts,
    status: e.status,
    provider: e.provider,
    endpoint: e.endpoint,
    entity: e.entity,
    profileTable: e.profileTable,
    reaidAttribute: e.reaidAttribute,
    emailSync: e.emailSync,
    managedBy: e.managedBy,
    sync: {
      health: e.sync.health,
      lastRun: e.sync.lastRun,
      reason: e.sync.reason,
      counts: e.sync.counts,
    },
    profileTableId: e.profileTableId,
    email: e.email,
    keyFingerprint: e.keyFingerprint,
    revision: e.revision,
    updatedAt: e.updatedAt,
    ...(views.has(e.account) ? { schedule: views.get(e.account) } : {}),
  }));
  return `${JSON.stringify({ formatVersion: OutputFormatVersion.stateShow, integrations }, null, 2)}\n`;
}

/** The registry (the table of state-table.ts) and the locks, for people. */
export function stateText(
  entries: readonly RegistryEntry[],
  locks: readonly Lease[],
  now: number,
  views: ReadonlyMap<number, ScheduleView> = new Map(),
): string {
  const lines: string[] = [];
  if (entries.length === 0) lines.push("no integrations in the store");
  else {
    const rows = entries.map((entry) => ({
      entry,
      view: views.get(entry.account) ?? scheduleView(entry, undefined, [], now, DEFAULT_INTERVAL_MS),
    }));
    lines.push(stateTable(rows, now).trimEnd());
  }
  if (locks.length > 0) {
    lines.push("", "locks:");
    for (const l of locks) {
      const expired = Date.parse(l.expiresAt) <= now ? " (expired: the next taker gets it)" : "";
      lines.push(
        `  ${l.name}: held by ${l.owner} for "${l.purpose}" until ${l.expiresAt}${expired}; break with: emi unlock ${l.id}`,
      );
    }
  }
  return terminalSafe(`${lines.join("\n")}\n`);
}

const DEFAULT_INTERVAL_MS = 300_000;

/** `emi state show` prints the registry; `emi unlock <id>` breaks a lease on purpose. */
export function registerStateCommand(program: Command, ctx: CommandContext): void {
  const state = program.command("state").description("inspect the state store");
  state
    .command("show")
    .description("print the registry: which account has which integration, in what state")
    .option("--account <account>", "only the integration of this account (owner or sister)", parseAccount)
    .addOption(
      new Option("--interval <seconds>", "the --watch workers' interval, for the next-due column")
        .argParser(wholeNumber(1))
        .default(300),
    )
    .addOption(formatOption(["text", "json"]))
    .addOption(storeOption())
    .action(async (flags: ShowFlags) => {
      const store = await openStore(flags.store, { cwd: ctx.io.cwd, existing: true });
      try {
        let entries: RegistryEntry[];
        if (flags.account === undefined) {
          entries = await store.listIntegrations();
        } else {
          const entry = await store.findByAccount(flags.account);
          entries = entry ? [entry] : [];
          if (!entry) {
            ctx.io.stderr.write(`account ${flags.account} has no integration in the store\n`);
            ctx.exitCode = ExitCode.error;
          }
        }
        const now = Date.now();
        const scheduled = new Map((await store.listSchedule()).map((e) => [e.account, e]));
        const leases = await store.licenceLeases();
        const waiting = await store.countInboxByAccount().catch(() => new Map<number, number>());
        const views = new Map<number, ScheduleView>();
        for (const e of entries) {
          const listing = fullReadOf(await store.getCheckpoint(e.account));
          const extra = { listing, inboxWaiting: waiting.get(e.account) ?? 0 };
          views.set(
            e.account,
            scheduleView(e, scheduled.get(e.account), leases, now, flags.interval * 1000, extra),
          );
        }
        if (flags.format === "json") ctx.io.stdout.write(stateJson(entries, views));
        else if (entries.length > 0 || flags.account === undefined) {
          ctx.io.stdout.write(stateText(entries, await store.listLocks(), now, views));
        }
      } finally {
        await store.close();
      }
    });

  program
    .command("unlock <id>")
    .description("break a lock on purpose (its id is in the error that named it, or in `emi state show`)")
    .addOption(storeOption())
    .action(async (id: string, flags: { store: string }) => {
      const store = await openStore(flags.store, { cwd: ctx.io.cwd, existing: true });
      try {
        const lease = (await store.listLocks()).find((l) => l.id === id);
        if (lease && (await store.breakLock(id))) {
          ctx.io.stdout.write(
            `broke the "${lease.name}" lock held by ${lease.owner} for "${lease.purpose}"\n`,
          );
        } else {
          ctx.io.stderr.write(`no lock with id ${id} (emi state show lists the locks)\n`);
          ctx.exitCode = ExitCode.error;
        }
      } finally {
        await store.close();
      }
    });
}
