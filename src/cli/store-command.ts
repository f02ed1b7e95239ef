import type { Command } from "commander";
import { type CopyReport, copyStore } from "../store/copy/copy-store.ts";
import { terminalSafe } from "../plan/terminal-safe.ts";
import type { CommandContext } from "./command-context.ts";
import { formatOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";

/** `emi store copy` and `emi store backup`: move a store between databases, or keep a copy of it. */
export function registerStoreCommand(program: Command, ctx: CommandContext): void {
  const store = program.command("store").description("copy, back up and restore the state store");
  store
    .command("copy")
    .description(
      "copy every table of a store into a new, empty one (SQLite or PostgreSQL, either way) from a consistent snapshot, then check that every row is equal (exit 0 exact, 1 not)",
    )
    .requiredOption("--from <store>", "the store to copy: sqlite:PATH or postgres://…")
    .requiredOption("--to <store>", "the new store: sqlite:PATH or postgres://… (must be empty)")
    .option(
      "--online",
      "copy while workers hold leases on the source (what they write after the snapshot is not copied)",
    )
    .addOption(formatOption(["text", "json"]))
    .action(async (flags: { from: string; to: string; online?: boolean; format: string }) => {
      const report = await copyStore({
        from: flags.from,
        to: flags.to,
        cwd: ctx.io.cwd,
        online: flags.online === true,
      });
      print(ctx, report, flags.format);
    });
  store
    .command("backup")
    .description(
      "write an SQLite copy of the store to a new file while it runs (restore: emi store copy --from sqlite:FILE --to <store>)",
    )
    .argument("<file>", "the backup file to write (must not exist)")
    .addOption(storeOption())
    .addOption(formatOption(["text", "json"]))
    .action(async (file: string, flags: { store: string; format: string }) => {
      const report = await copyStore({
        from: flags.store,
        to: `sqlite:${file}`,
        cwd: ctx.io.cwd,
        online: true,
        newFile: true,
      });
      print(ctx, report, flags.format);
    });
}

function print(ctx: CommandContext, report: CopyReport, format: string): void {
  if (format === "json") ctx.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else ctx.io.stdout.write(renderCopyText(report));
  ctx.exitCode = report.exact ? ExitCode.ok : ExitCode.error;
}

/** The copy report for a terminal. */
export function renderCopyText(report: CopyReport): string {
  const lines = [`Copied ${report.from} → ${report.to}`];
  for (const t of report.tables) {
    const skipped = t.skippedColumns.length ? ` (not copied: ${t.skippedColumns.join(", ")})` : "";
    lines.push(`  ${t.table.padEnd(22)} ${t.rows.toLocaleString("en-US").padStart(12)} rows${skipped}`);
  }
  const reaids = report.tables.find((t) => t.table === "reaids");
  lines.push(
    report.exact
      ? `Exact: every row of every table is equal in both stores${reaids ? ` (REAID checksum ${reaids.digest.slice(0, 16)})` : ""}.`
      : "NOT EXACT: the target differs from the source's snapshot; do not use it.",
  );
  if (report.reaidsCreatedAfterSnapshot !== null)
    lines.push(
      `${report.reaidsCreatedAfterSnapshot.toLocaleString("en-US")} REAID(s) were created in the source after the snapshot and are not in the copy.`,
    );
  lines.push(
    "Leases are not copied, nor anything kept outside the database: give the new store the same store key.",
  );
  return terminalSafe(`${lines.join("\n")}\n`);
}
