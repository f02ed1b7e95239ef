import { describe, expect, it } from "vitest";
import { PlanRefusedError } from "../../src/apply/apply-errors.ts";
import { refusePlan } from "../../src/apply/refuse-plan.ts";
import type { Plan } from "../../src/plan/plan-types.ts";
import type { Diagnostic } from "../../src/types/diagnostic.ts";
import type { DiagnosticCode } from "../../src/types/diagnostic-code.ts";
import { examplePlan } from "../plan/plan-fixture.ts";

function diagnostic(code: DiagnosticCode): Diagnostic {
  return {
    severity: "error",
    code,
    message: `${code} here`,
    file: "integrations/1042.yaml",
    line: 3,
    column: 5,
    path: "",
  };
}

describe("refusePlan", () => {
  it("lets the example plan through", () => {
    expect(() => refusePlan(examplePlan(), { allowEmpty: false })).not.toThrow();
  });

  it("refuses invalid declarations, naming the first error, but not an account held elsewhere", () => {
    const plan: Plan = { ...examplePlan(), diagnostics: [diagnostic("unmanaged-conflict")] };
    expect(() => refusePlan(plan, { allowEmpty: false })).not.toThrow();
    plan.diagnostics.push(diagnostic("unknown-key"));
    expect(() => refusePlan(plan, { allowEmpty: false })).toThrow(
      /the declarations have 1 error\(s\), e\.g\. integrations\/1042\.yaml:3:5 unknown-key here/,
    );
  });

  it("refuses a plan that deactivates everything unless --allow-empty", () => {
    const plan = examplePlan(true);
    const all: Plan = { ...plan, changes: plan.changes.filter((c) => c.action === "deactivate") };
    expect(all.changes.length).toBeGreaterThan(0);
    expect(() => refusePlan(all, { allowEmpty: false })).toThrow(PlanRefusedError);
    expect(() => refusePlan(all, { allowEmpty: true })).not.toThrow();
  });
});
