import { type Command, Option } from "commander";
import { connectActito } from "../actito/connect-actito.ts";
import { terminalSafe } from "../plan/terminal-safe.ts";
import { validateDirectory } from "../config/validate-directory.ts";
import { secretSourceFrom } from "../config/resolve-secret.ts";
import { openStore } from "../store/open-store.ts";
import { runSync, type SyncResult } from "../sync/run-sync.ts";
import { EmiError } from "../types/errors.ts";
import { dirOption, formatOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import type { CommandContext } from "./command-context.ts";
import { positiveNumber, wholeNumber } from "./number-flags.ts";
import { formatLag } from "./state-table.ts";
import { syncProgress } from "./sync-progress.ts";
import { runWatchCommand } from "./sync-watch.ts";
import { OutputFormatVersion } from "./output-format-versions.ts";

interface SyncFlags {
  dir: string;
  store: string;
  account?: string;
  full?: boolean;
  format: "text" | "json";
  concurrency: number;
  watch?: boolean;
  interval?: number;
  fullEvery?: number;
  metricsPort?: number;
}

/** `emi sync`: REAID synchronisation of the declared integrations (exit 0 done, 1 error). */
export function registerSyncCommand(program: Command, ctx: CommandContext): void {
  program
    .command("sync")
    .description("give every Actito profile the REAID of its e-mail address; resumes where a run stopped")
    .addOption(dirOption())
    .addOption(storeOption())
    .addOption(new Option("--account <account>", "only the integration of this account (owner or sister)"))
    .option("--full", "read every profile, not only those changed since the last run")
    .addOption(formatOption(["text", "json"]))
    .addOption(
      new Option("--concurrency <n>", "licences synced at once (one licence's integrations never overlap)")
        .argParser(wholeNumber(1, 1000))
        .default(8),
    )
    .option(
      "--watch",
      "keep running: sync each integration when it falls due (a worker; see docs/running.md)",
    )
    .addOption(
      new Option(
        "--interval <seconds>",
        "with --watch: sync an integration when its last sync is this old (default 300)",
      ).argParser(wholeNumber(1)),
    )
    .addOption(
      new Option(
        "--full-every <hours>",
        "with --watch: read a whole table when its last full read is this old (default 24)",
      ).argParser(positiveNumber),
    )
    .addOption(
      new Option(
        "--metrics-port <port>",
        "with --watch: serve GET /metrics and /healthz on this port",
      ).argParser(wholeNumber(0, 65535)),
    )
    .action(async (flags: SyncFlags, command: Command) => {
      const { io } = ctx;
      if (flags.watch) {
        if (flags.account !== undefined || flags.full) {
          command.error("error: --watch syncs every due integration: drop --account and --full", {
            exitCode: 1,
          });
        }
        ctx.exitCode = await runWatchCommand(
          {
            dir: flags.dir,
            store: flags.store,
            format: flags.format,
            concurrency: flags.concurrency,
            interval: flags.interval ?? 300,
            fullEvery: flags.fullEvery ?? 24,
            ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
          },
          io,
        );
        return;
      }
      for (const [flag, value] of [
        ["--interval", flags.interval],
        ["--full-every", flags.fullEvery],
        ["--metrics-port", flags.metricsPort],
      ] as const) {
        if (value !== undefined) command.error(`error: ${flag} needs --watch`, { exitCode: 1 });
      }
      const started = Date.now();
      const validation = await validateDirectory(flags.dir, { cwd: io.cwd });
      if (validation.diagnostics.some((d) => d.severity === "error")) {
        throw new EmiError(`the declarations in ${flags.dir} are not valid: run emi validate`);
      }
      let integrations = validation.declared.map((d) => d.integration);
      if (flags.account !== undefined) {
        const account = Number(flags.account);
        integrations = integrations.filter(
          (i) => i.account === account || i.sisterAccounts.includes(account),
        );
        if (integrations.length === 0)
          throw new EmiError(`no declaration in ${flags.dir} covers account ${flags.account}`);
      }
      const secrets = secretSourceFrom(validation.repository, io.env, io.cwd);
      const store = await openStore(flags.store, { cwd: io.cwd });
      const progress = syncProgress(io, flags.format);
      let results: SyncResult[];
      try {
        results = await runSync({
          store,
          integrations,
          secrets,
          connect: connectActito(io.env),
          full: flags.full ?? false,
          concurrency: flags.concurrency,
          onEvent: (event) => progress.onEvent(event),
        });
      } finally {
        progress.stop();
        await store.close();
      }
      const seconds = (Date.now() - started) / 1000;
      if (flags.format === "json") {
        io.stdout.write(
          `${JSON.stringify({ formatVersion: OutputFormatVersion.syncEvents, type: "summary", results, seconds })}\n`,
        );
      } else {
        io.stdout.write(terminalSafe(`${summaryLine(results, seconds)}\n`));
      }
      // Data at risk or left for a person is an error for CI; a lease held elsewhere is not. A sync
      // asked for by name that could not run at all is an error too.
      const named = flags.account !== undefined;
      ctx.exitCode = results.some((r) => needsAttention(r) || (named && couldNotRun(r)))
        ? ExitCode.error
        : ExitCode.ok;
    });
}

/** An integration left degraded (rejections for a person, an import refused, a conflict) or failed. */
export function needsAttention(result: SyncResult): boolean {
  return result.failed || result.health === "degraded";
}

/** Skipped for a reason of its own (not active, emailSync off), not because another process holds its licence. */
export function couldNotRun(result: SyncResult): boolean {
  return result.outcome.kind === "skipped-inactive" || result.outcome.kind === "skipped-email-sync-off";
}

/** `Synced 3 integrations: 2 in sync, 1 skipped. 4.2 s.` */
export function summaryLine(results: readonly SyncResult[], seconds: number): string {
  const byHealth = new Map<string, number>();
  for (const r of results) byHealth.set(r.health, (byHealth.get(r.health) ?? 0) + 1);
  const parts = [...byHealth].map(([health, count]) => `${count} ${health}`);
  const failed = results.filter((r) => r.failed).length;
  return (
    `Synced ${results.length} integration${results.length === 1 ? "" : "s"}: ${parts.join(", ") || "nothing to do"}` +
    `${failed > 0 ? ` (${failed} failed)` : ""}. ${seconds.toFixed(1)} s.` +
    attentionLines(results)
  );
}

/** One line per integration that needs a person, and per one skipped because another process syncs it. */
function attentionLines(results: readonly SyncResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (needsAttention(r)) lines.push(`\n  ${r.account} needs attention: ${r.reason ?? r.health}`);
    else if (r.outcome.kind === "skipped-busy") {
      const since = r.outcome.since;
      const busyFor = since
        ? `, busy for ${formatLag(Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000)))}`
        : "";
      lines.push(
        `\n  ${r.account} skipped: licence busy (${r.outcome.holder})${busyFor} (another process is syncing it)`,
      );
    } else if (r.outcome.kind === "skipped-inactive") {
      lines.push(`\n  ${r.account} not synced: ${r.reason}`);
    }
    if (r.inbox && (r.inbox.drained > 0 || r.inbox.waiting > 0)) {
      const n = (count: number) => count.toLocaleString("en-US");
      lines.push(
        `\n  ${r.account} inbox: ${n(r.inbox.drained)} webhook event(s) covered by this run's read, ${n(r.inbox.waiting)} waiting`,
      );
    }
  }
  return lines.join("");
}
