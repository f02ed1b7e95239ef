import type { CreatedPlan } from "../plan/create-plan.ts";
import { renderPlanJson } from "../plan/render-json.ts";
import { renderPlanMarkdown } from "../plan/render-markdown.ts";
import { renderPlanText } from "../plan/render-text.ts";
import type { CliIO } from "./io.ts";
import { useColor } from "./use-color.ts";

/** `Refreshing 12 integrations … done in 1.4 s (9 checked against Actito, 3 without a secret: unknown)` */
function refreshLine(created: CreatedPlan): string {
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
    io.stdout.write(renderPlanText(created.plan, { color: useColor(io.stdout, io.env) }));
  }
}
