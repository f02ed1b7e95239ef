import type { Command } from "commander";
import { terminalSafe } from "../plan/terminal-safe.ts";
import type { ApplyEvent } from "../apply/apply-types.ts";
import { formatSyncEvent } from "../apply/format-sync-event.ts";
import { applySucceeded } from "../apply/apply-types.ts";
import { renderApplyMarkdown } from "../apply/render-apply-markdown.ts";
import { formatOutcomeLine, formatRecoveredLine, renderApplySummary } from "../apply/render-apply-text.ts";
import { runPlanAndApply } from "../apply/run-plan-and-apply.ts";
import { hasChanges } from "../plan/describe-change.ts";
import { readPlanFile } from "../plan/read-plan-file.ts";
import { reportApply } from "../github/report-apply.ts";
import { resolveRepoId } from "../plan/resolve-repo-id.ts";
import { openStore } from "../store/open-store.ts";
import type { SyncEvent } from "../sync/run-sync.ts";
import { dirOption, formatOption, parseSeconds, repoOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";
import { wholeNumber } from "./number-flags.ts";
import type { CommandContext } from "./command-context.ts";
import { printPlan } from "./print-plan.ts";
import { OutputFormatVersion } from "./output-format-versions.ts";

interface ApplyFlags {
  dir: string;
  store: string;
  yes?: boolean;
  allowDeactivate?: boolean;
  requireSecrets?: boolean;
  strictLinks?: boolean;
  allowEmpty?: boolean;
  format: "text" | "markdown" | "json";
  repo?: string;
  lockWait: number;
  concurrency: number;
  comment?: boolean;
  pr?: string;
  since?: string;
}

/** Prints apply events as plain lines; profile-reading progress at most every 2 s per integration. */
function eventPrinter(io: CliIO): (event: ApplyEvent) => void {
  const lastProgress = new Map<number, number>();
  return (event) => {
    if (event.type === "outcome") io.stdout.write(`${formatOutcomeLine(event.outcome)}\n`);
    else if (event.type === "recovered") io.stdout.write(`${formatRecoveredLine(event.step)}\n`);
    else if (event.type === "sync") {
      const sync: SyncEvent = event.event;
      if (sync.type === "rows-read") {
        const now = Date.now();
        if (now - (lastProgress.get(sync.account) ?? 0) < 2_000) return;
        lastProgress.set(sync.account, now);
      }
      const line = formatSyncEvent(sync);
      if (line) io.stdout.write(`${line}\n`);
    }
  };
}

/**
 * `EMI_TEST_CRASH_AFTER_STEP=add-attribute` (or `add-attribute:1071`) kills the process with
 * SIGKILL right after that step's effect, before its journal entry closes: how the tests prove an
 * apply survives a crash at the worst moment.
 */
function crashHook(env: Record<string, string | undefined>) {
  const spec = env.EMI_TEST_CRASH_AFTER_STEP;
  if (!spec) return undefined;
  const [name, account] = spec.split(":");
  return (step: string, acct: number) => {
    if (step === name && (account === undefined || Number(account) === acct))
      process.kill(process.pid, "SIGKILL");
  };
}

export function registerApplyCommand(program: Command, ctx: CommandContext): void {
  program
    .command("apply")
    .description("plan and apply (or apply a saved plan exactly, refusing a stale one); then sync")
    .argument("[plan]", "a plan saved with emi plan --out")
    .addOption(dirOption())
    .addOption(storeOption())
    .option("--yes", "apply without asking (required when there is no terminal)")
    .option("--allow-deactivate", "deactivate integrations whose declaration was removed")
    .option("--allow-empty", "allow a plan that deactivates every integration")
    .option("--require-secrets", "refuse to apply when any integration's API key is not available here")
    .option(
      "--strict-links",
      "leave unchanged an integration whose declared campaigns have links without the REAID",
    )
    .addOption(formatOption(["text", "markdown", "json"]))
    .addOption(repoOption())
    .option("--lock-wait <seconds>", "wait this long for another apply's lock", parseSeconds, 0)
    .option(
      "--concurrency <n>",
      "licences synced at once after activation (one licence's integrations never overlap)",
      wholeNumber(1, 1000),
      8,
    )
    .option(
      "--comment",
      "report the result on the merged pull request (and an emi-apply-failed issue on failure)",
    )
    .option("--pr <number>", "with --comment: the pull request (default: found from the pushed commit)")
    .option(
      "--since <commit>",
      "with --comment: also report to every pull request merged after this commit (the last one applied)",
    )
    .action(async (planFile: string | undefined, flags: ApplyFlags) => {
      if (!flags.comment) {
        await applyAction(ctx, planFile, flags);
        return;
      }
      const { io } = ctx;
      const report = (markdown: string, ok: boolean) =>
        reportApply({
          env: io.env,
          markdown,
          ok,
          ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
          ...(flags.pr !== undefined ? { pr: flags.pr } : {}),
          ...(flags.since !== undefined ? { since: flags.since } : {}),
        });
      let markdown: string;
      try {
        markdown = await applyAction(ctx, planFile, flags);
      } catch (error) {
        // An apply that stops early still reaches GitHub, so the failure is never silent.
        const message = error instanceof Error ? error.message : String(error);
        await report(`### emi apply failed\n\n${message}\n`, false);
        throw error;
      }
      const posted = await report(markdown, ctx.exitCode === ExitCode.ok);
      if (posted.pr !== undefined) io.stderr.write(`Result reported on pull request #${posted.pr}\n`);
      if (posted.earlierPrs.length > 0)
        io.stderr.write(
          `Also reported on ${posted.earlierPrs.map((n) => `#${n}`).join(", ")}, merged since ${flags.since?.slice(0, 7)}\n`,
        );
      if (posted.earlierPrsCut)
        io.stderr.write(
          `warning: more commits were merged since ${flags.since?.slice(0, 7)} than were read: older pull requests got no report\n`,
        );
      if (posted.issue) io.stderr.write(`Failure reported in issue #${posted.issue.number}\n`);
    });
}

/** Runs the apply and returns its result as Markdown (for --comment). */
async function applyAction(
  ctx: CommandContext,
  planFile: string | undefined,
  flags: ApplyFlags,
): Promise<string> {
  const { io } = ctx;
  const text = flags.format === "text";
  const savedPlan = planFile ? await readPlanFile(planFile, io.cwd) : undefined;
  // The one check of --yes: without it, a person at a terminal must say yes.
  const prompt = io.prompt;
  const confirm = flags.yes
    ? ("yes" as const)
    : prompt
      ? async () => (await prompt("\nApply these changes? Only 'yes' is accepted: ")).trim() === "yes"
      : null;
  if (confirm === null) {
    io.stderr.write("error: apply needs confirmation and there is no terminal to ask: pass --yes\n");
    ctx.exitCode = ExitCode.error;
    return "### emi apply refused\n\napply needs confirmation and there is no terminal to ask: pass --yes\n";
  }
  const store = await openStore(flags.store, { cwd: io.cwd });
  const afterStep = crashHook(io.env);
  let outcome: Awaited<ReturnType<typeof runPlanAndApply>>;
  try {
    outcome = await runPlanAndApply({
      dir: flags.dir,
      store,
      env: io.env,
      cwd: io.cwd,
      repo: await resolveRepoId({ flag: flags.repo, env: io.env, cwd: io.cwd }),
      ...(savedPlan && planFile ? { savedPlan, savedPlanFile: planFile } : {}),
      confirm,
      allowDeactivate: flags.allowDeactivate === true,
      requireSecrets: flags.requireSecrets === true,
      strictLinks: flags.strictLinks === true,
      allowEmpty: flags.allowEmpty === true,
      lockWaitMs: flags.lockWait * 1000,
      syncConcurrency: flags.concurrency,
      onLockWait: (message) => io.stderr.write(terminalSafe(`waiting: ${message}\n`)),
      onPlan: (created) => {
        if (text && hasChanges(created.plan)) printPlan(io, created, "text");
      },
      ...(text ? { onEvent: eventPrinter(io) } : {}),
      ...(afterStep ? { afterStep } : {}),
    });
  } finally {
    await store.close();
  }
  const { plan, result, confirmed } = outcome;
  if (!confirmed) {
    io.stderr.write("Apply cancelled: nothing was changed.\n");
    ctx.exitCode = ExitCode.error;
    return "### emi apply cancelled\n\nNothing was changed.\n";
  }
  if (flags.format === "json")
    io.stdout.write(
      `${JSON.stringify({ formatVersion: OutputFormatVersion.apply, plan, result }, null, 2)}\n`,
    );
  else if (flags.format === "markdown") {
    io.stdout.write(result ? renderApplyMarkdown(result) : "No changes.\n");
  } else
    io.stdout.write(
      result
        ? `${renderApplySummary(result)}\n`
        : "No changes. The registry and Actito match the declarations.\n",
    );
  ctx.exitCode = result === null || applySucceeded(result) ? ExitCode.ok : ExitCode.error;
  return result
    ? renderApplyMarkdown(result)
    : "### emi apply — no changes\n\nThe registry and Actito match the declarations.\n";
}
