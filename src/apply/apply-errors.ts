import { EmiError } from "../types/errors.ts";

/** A saved plan whose basis no longer matches the registry, the declarations or Actito. */
export class StalePlanError extends EmiError {
  readonly changes: string[];
  constructor(changes: string[]) {
    super(`the saved plan is stale: ${changes.join("; ")}. Run emi plan again and apply the new plan`);
    this.changes = changes;
  }
}

/** Apply refuses the plan as a whole (nothing was changed): invalid declarations, everything deactivated, … */
export class PlanRefusedError extends EmiError {}

/** A saved plan whose digest does not match its content: the file was edited after `emi plan`. */
export class TamperedPlanError extends EmiError {
  constructor(file: string | null) {
    super(
      `${file ?? "the saved plan"} was modified after \`emi plan\` (or made against another store): its digest does not match its content. ` +
        "Nothing was changed. Run emi plan --out again and apply that file unedited",
    );
  }
}
