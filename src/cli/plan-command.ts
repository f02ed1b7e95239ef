import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import type { CreatedPlan } from "../plan/create-plan.ts";
import { createPlan } from "../plan/create-plan.ts";
import { connectActito } from "../plan/connect-actito.ts";
import { hasChanges, hasErrors } from "../plan/describe-change.ts";
import { asPlanningStore } from "../plan/refresh-live-state.ts";
import { renderPlanJson } from "../plan/render-json.ts";
import { renderPlanMarkdown } from "../plan/render-markdown.ts";
import { renderPlanText } from "../plan/render-text.ts";
import { resolveRepoId } from "../plan/resolve-repo-id.ts";
import { formatAnnotations } from "../github/format-annotations.ts";
import { reportPlan } from "../github/report-plan.ts";
import { StoreError } from "../store/errors.ts";
import { openStore } from "../store/open-store.ts";
import { EmiError } from "../types/errors.ts";
import { dirOption, formatOption, storeOption } from "./common-options.ts";
import { ExitCode } from "./exit-codes.ts";
import type { CliIO } from "./io.ts";
import type { CommandContext } from "./main.ts";

/** `--repo`: the id the registry's `managedBy` is compared with (see docs/architecture.md). */
export const repoOption = () =>
  new Option(
    "--repo <owner/name>",
    "this repository's id (default: GITHUB_REPOSITORY, the git remote, or the folder name)",
  );

interface PlanFlags {
  dir: string;
  store: string;
  out?: string;
  detailedExitcode?: boolean;
  format: "text" | "markdown" | "json";
  repo?: string;
  allowDeactivate?: boolean;
  comment?: boolean;
  pr?: string;
}

/** `Refreshing 12 integrations … done in 1.4 s (9 checked against Actito, 3 without a secret: unknown)` */
export function refreshLine(created: CreatedPlan): string {
  const live = created.plan.changes.filter((c) => c.live !== null);
  const unchecked = live.filter((c) => !c.live?.secretAvailable).length;
  return (
    `Refreshing ${live.length} integration${live.length === 1 ? "" : "s"} … done in ${(created.refreshMs / 1000).toFixed(1)} s ` +
    `(${live.length - unchecked} checked against Actito, ${unchecked} without a secret: unknown)\n`
  );
}

/** Writes a plan in the chosen format to stdout. */
export function printPlan(io: CliIO, created: CreatedPlan, format: string): void {
  if (format === "json") io.stdout.write(renderPlanJson(created.plan));
  else if (format === "markdown") io.stdout.write(renderPlanMarkdown(created.plan));
  else {
    io.stdout.write(`${refreshLine(created)}\n`);
    io.stdout.write(renderPlanText(created.plan, { color: io.stdout.isTTY === true && !io.env.NO_COLOR }));
  }
}

/**
 * Opens the store, validates `--dir` and plans against the live state: shared by plan and drift.
 * Neither creates a store: drift needs one (`no store at …`); plan without one plans against an
 * empty registry, in memory (the first plan of a new repository, before any apply).
 */
export async function planFromFlags(
  io: CliIO,
  flags: { dir: string; store: string; repo?: string; allowDeactivate?: boolean },
  missingStore: "empty" | "error" = "empty",
): Promise<CreatedPlan> {
  const store = asPlanningStore(await openExistingStore(io, flags.store, missingStore));
  try {
    return await createPlan({
      dir: flags.dir,
      cwd: io.cwd,
      env: io.env,
      store,
      repo: await resolveRepoId({ flag: flags.repo, env: io.env, cwd: io.cwd }),
      connect: connectActito(io.env),
      allowDeactivate: flags.allowDeactivate === true,
    });
  } finally {
    await store.close();
  }
}

async function openExistingStore(io: CliIO, url: string, missing: "empty" | "error") {
  try {
    return await openStore(url, { cwd: io.cwd, existing: true });
  } catch (error) {
    if (!(error instanceof StoreError && error.code === "no-store") || missing === "error") throw error;
    return openStore("sqlite::memory:");
  }
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
      "--comment",
      "post the plan as the pull request's one emi comment (GitHub Actions, or --repo and --pr)",
    )
    .option("--pr <number>", "with --comment: the pull request to comment on")
    .action(async (flags: PlanFlags) => {
      const { io } = ctx;
      const created = await planFromFlags(io, flags);
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
