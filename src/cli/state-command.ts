import type { Command } from "commander";
import { terminalSafe } from "../plan/terminal-safe.ts";
import { openStore } from "../store/open-store.ts";
import type { Lease, RegistryEntry } from "../store/store.ts";
import type { CommandContext } from "./command-context.ts";
import { formatOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import { parseAccount } from "./parse-account.ts";

interface ShowFlags {
  account?: number;
  format: "text" | "json";
  store: string;
}

/**
 * The registry as `state show --format json` prints it. The fields of the issue's example come
 * first and are never renamed; later ones are additions. The key fingerprint is an HMAC, not a
 * secret, so machine output may carry it; text output leaves it out as noise.
 */
export function stateJson(entries: readonly RegistryEntry[]): string {
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
  }));
  return `${JSON.stringify({ integrations }, null, 2)}\n`;
}

/** The registry and the locks for people. */
export function stateText(entries: readonly RegistryEntry[], locks: readonly Lease[], now: number): string {
  const lines: string[] = [];
  if (entries.length === 0) lines.push("no integrations in the store");
  for (const e of entries) {
    const table = e.profileTable ?? "(the only profile table)";
    lines.push(`${e.account}  ${e.status}  ${e.provider} ${e.endpoint}/${e.entity}, table ${table}`);
    if (e.sisterAccounts.length > 0) lines.push(`    sister accounts: ${e.sisterAccounts.join(", ")}`);
    lines.push(`    REAID attribute: ${e.reaidAttribute}`);
    const sync = e.emailSync
      ? `${e.sync.health}${e.sync.reason ? ` (${e.sync.reason})` : ""}, last run ${e.sync.lastRun ?? "never"}`
      : "off";
    lines.push(`    REAID sync: ${sync}`);
    lines.push(
      `    managed by: ${e.managedBy ?? "no repository (created elsewhere)"}, revision ${e.revision}`,
    );
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

/** `emi state show` prints the registry; `emi unlock <id>` breaks a lease on purpose. */
export function registerStateCommand(program: Command, ctx: CommandContext): void {
  const state = program.command("state").description("inspect the state store");
  state
    .command("show")
    .description("print the registry: which account has which integration, in what state")
    .option("--account <account>", "only the integration of this account (owner or sister)", parseAccount)
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
        if (flags.format === "json") ctx.io.stdout.write(stateJson(entries));
        else if (entries.length > 0 || flags.account === undefined) {
          ctx.io.stdout.write(stateText(entries, await store.listLocks(), Date.now()));
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
