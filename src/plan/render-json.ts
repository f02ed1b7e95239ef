import type { Plan } from "./plan-types.ts";

/** The plan as JSON: the stable, versioned form (also what `--out` writes). Ends with a newline. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
