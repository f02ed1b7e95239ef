import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { hasChanges, hasErrors } from "../plan/describe-change.ts";
import { renderPlanJson } from "../plan/render-json.ts";
import { renderPlanMarkdown } from "../plan/render-markdown.ts";
import { formatAnnotations } from "../github/format-annotations.ts";
import { reportPlan } from "../github/report-plan.ts";
import { EmiError } from "../types/errors.ts";
import { dirOption, formatOption, repoOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import { planFromFlags } from "./plan-from-flags.ts";
import { printPlan } from "./print-plan.ts";
import type { CommandContext } from "./command-context.ts";

interface PlanFlags {
  dir: string;
  store: string;
  out?: string;
  detailedExitcode?: boolean;
  format: "text" | "markdown" | "json";
  repo?: string;
  allowDeactivate?: boolean;
  requireSecrets?: boolean;
  strictLinks?: boolean;
  comment?: boolean;
  pr?: string;
}

/** `--out` names a place that cannot hold the plan (a folder, a read-only path). */
export class PlanSaveError extends EmiError {}

async function savePlanFile(path: string, shown: string, json: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, json);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "write failed";
    throw new PlanSaveError(
      `cannot save the plan to ${shown} (${reason}): pass --out a writable file path such as plan.json`,
      { cause: error },
    );
  }
}

export function registerPlanCommand(program: Command, ctx: CommandContext): void {
  program
    .command("plan")
    .description("validate, refresh live state (registry and Actito) and show what apply would change")
    .addOption(dirOption())
    .addOption(storeOption())
    .option("--out <file>", "save the plan as JSON, to apply exactly with: emi apply <file>")
    .option("--detailed-exitcode", "exit 2 when there are changes (0 none, 1 error)")
    .addOption(formatOption(["text", "markdown", "json"]))
    .addOption(repoOption())
    .option("--allow-deactivate", "plan deactivations as allowed instead of blocked")
    .option(
      "--require-secrets",
      "fail (exit 1) when any integration's API key is not available here, instead of planning it unchecked",
    )
    .option(
      "--strict-links",
      "make link-without-reaid findings of the declared campaigns errors (exit 1; apply leaves those integrations unchanged)",
    )
    .option(
      "--comment",
      "post the plan as the pull request's one emi comment (GitHub Actions, or --repo and --pr)",
    )
    .option("--pr <number>", "with --comment: the pull request to comment on")
    .action(async (flags: PlanFlags) => {
      const { io } = ctx;
      const created = await planFromFlags(io, flags, flags.out ? "create" : "empty");
      printPlan(io, created, flags.format);
      if (flags.out) {
        await savePlanFile(resolve(io.cwd, flags.out), flags.out, renderPlanJson(created.plan));
        // apply deactivates only with its own --allow-deactivate, even for a saved plan: say so.
        const deactivates = created.plan.summary.deactivate > 0 ? " --allow-deactivate" : "";
        const saved = `Saved to ${flags.out}. Apply it with: emi apply ${flags.out}${deactivates}\n`;
        (flags.format === "text" ? io.stdout : io.stderr).write(saved);
      }
      if (flags.comment) {
        // Annotations put each problem on the pull request's diff, next to the comment.
        if (created.plan.diagnostics.length > 0) io.stdout.write(formatAnnotations(created.plan.diagnostics));
        // A plan that cannot be posted fails the step: a silently missing plan is dangerous.
        const report = await reportPlan({
          env: io.env,
          markdown: renderPlanMarkdown(created.plan),
          ...(flags.repo !== undefined ? { repo: flags.repo } : {}),
          ...(flags.pr !== undefined ? { pr: flags.pr } : {}),
        });
        io.stderr.write(
          report.comment
            ? `Plan posted to the pull request: ${report.comment.url}\n`
            : `Plan not posted: ${report.skipped}\n`,
        );
      }
      ctx.exitCode = hasErrors(created.plan)
        ? ExitCode.error
        : flags.detailedExitcode && hasChanges(created.plan)
          ? ExitCode.changes
          : ExitCode.ok;
    });
}
