import { CLAIM_ORDER } from "../plan/plan-claim-order.ts";
import type { Plan } from "../plan/plan-types.ts";
import { PlanRefusedError } from "./apply-errors.ts";
import { declarationErrors } from "../plan/declaration-errors.ts";

/**
 * Every reason apply refuses a plan as a whole, checked once, before confirmation and before
 * anything changes: invalid declarations, API keys not available here, claims that cannot be
 * honoured in order, and a plan that would deactivate every integration without `--allow-empty`.
 * @throws PlanRefusedError naming the first reason found
 */
export function refusePlan(plan: Plan, options: { allowEmpty: boolean }): void {
  const invalid = declarationErrors(plan.diagnostics);
  if (invalid.length > 0) {
    const first = invalid[0]!;
    throw new PlanRefusedError(
      `the declarations have ${invalid.length} error(s), e.g. ${first.file}:${first.line}:${first.column} ${first.message}; ` +
        "fix them (emi validate) before applying",
    );
  }
  const unavailable = plan.changes.flatMap((c) =>
    c.problems.filter((p) => p.code === "secret-unavailable" && p.severity === "error"),
  );
  if (unavailable.length > 0) {
    throw new PlanRefusedError(
      `${unavailable.length} API key(s) not available here, e.g. ${unavailable[0]!.message}; nothing was applied`,
    );
  }
  const unordered = plan.changes.filter((c) => c.problems.some((p) => p.code === CLAIM_ORDER));
  if (unordered.length > 0) {
    throw new PlanRefusedError(
      `the plan has claims apply cannot honour in order (${unordered.map((c) => c.account).join(", ")}: ${unordered[0]!.problems.find((p) => p.code === CLAIM_ORDER)!.message}); nothing was changed`,
    );
  }
  const deactivating = plan.changes.filter((c) => c.action === "deactivate");
  if (deactivating.length > 0 && deactivating.length === plan.changes.length && !options.allowEmpty) {
    throw new PlanRefusedError(
      `the plan would deactivate every integration (${deactivating.length}) and keep none: is --dir right (${plan.dir})? ` +
        "If that is really meant, pass --allow-empty (with --allow-deactivate)",
    );
  }
}
