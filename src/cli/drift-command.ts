import type { Command } from "commander";
import { detectDrift } from "../plan/detect-drift.ts";
import { renderDriftMarkdown } from "../plan/render-drift-markdown.ts";
import { renderDriftText } from "../plan/render-drift-text.ts";
import { reportDrift } from "../github/report-drift.ts";
import { dirOption, formatOption, repoOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import { openStore } from "../store/open-store.ts";
import type { CommandContext } from "./command-context.ts";
import { planFromFlags } from "./plan-from-flags.ts";

export function registerDriftCommand(program: Command, ctx: CommandContext): void {
  program
    .command("drift")
    .description("compare the registry and Actito with the declarations (exit 0 none, 2 drift, 1 error)")
    .addOption(dirOption())
    .addOption(storeOption())
    .addOption(formatOption(["text", "markdown", "json"]))
    .addOption(repoOption())
    .option("--report", "keep one emi-drift issue open on GitHub while there is drift; close it when gone")
    .action(
      async (flags: { dir: string; store: string; format: string; repo?: string; report?: boolean }) => {
        const { io } = ctx;
        const { plan } = await planFromFlags(io, flags, "error");
        // The link findings the last report showed, so that the schedule reports what is new.
        const store = await openStore(flags.store, { cwd: io.cwd, existing: true });
        let report: ReturnType<typeof detectDrift>;
        try {
          report = detectDrift(plan, new Set(await store.reportedLinkFindings()));
          if (report.errors.length === 0)
            await store.recordLinkFindings((report.links ?? []).map((l) => l.key));
        } finally {
          await store.close();
        }
        io.stdout.write(
          flags.format === "json"
            ? `${JSON.stringify(report, null, 2)}\n`
            : flags.format === "markdown"
              ? renderDriftMarkdown(report)
              : renderDriftText(report),
        );
        if (flags.report) {
          const reported = await reportDrift({
            env: io.env,
            markdown: renderDriftMarkdown(report),
            // Errors are reported too: a drift check that cannot run is itself worth an issue.
            hasDrift: report.items.length > 0 || report.errors.length > 0 || (report.links ?? []).length > 0,
            ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
          });
          if (reported.issue) io.stderr.write(`Drift reported in issue #${reported.issue.number}\n`);
          for (const closed of reported.closedIssues)
            io.stderr.write(`Drift gone: closed issue #${closed}\n`);
        }
        ctx.exitCode = report.errors.length
          ? ExitCode.error
          : report.items.length || (report.links ?? []).some((l) => l.new)
            ? ExitCode.changes
            : ExitCode.ok;
      },
    );
}
