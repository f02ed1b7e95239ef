import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build-plan.ts";
import { detectDrift } from "../../src/plan/detect-drift.ts";
import { renderDriftMarkdown } from "../../src/plan/render-drift-markdown.ts";
import { renderDriftText } from "../../src/plan/render-drift-text.ts";
import { declaredOf, desired, entryOf, liveFacts, liveState, REPO } from "./plan-fixture.ts";

function driftOf(live: ReturnType<typeof liveState>, declared = [declaredOf(desired(1042, "nordlys"))]) {
  return detectDrift(
    buildPlan({ declared, diagnostics: [], live, repo: REPO, dir: "integrations", allowDeactivate: false }),
  );
}

describe("detectDrift", () => {
  it("reports a REAID attribute removed from the Actito table", () => {
    const d = desired(1042, "nordlys");
    const report = driftOf(
      liveState([entryOf(d)], [[1042, liveFacts({ attribute: { status: "missing", definition: null } })]]),
    );
    expect(report.items.map((i) => i.kind)).toEqual(["attribute-removed"]);
    expect(renderDriftText(report)).toContain("attribute-removed");
  });

  it("reports nothing when the registry and Actito match", () => {
    const d = desired(1042, "nordlys");
    const report = driftOf(liveState([entryOf(d)], [[1042, liveFacts()]]));
    expect(report.items).toEqual([]);
    expect(renderDriftText(report)).toContain("No drift.");
    expect(renderDriftMarkdown(report)).toContain("### emi drift — no drift");
  });

  it("turns an unreachable Actito into an error, never into drift", () => {
    const d = desired(1042, "nordlys");
    const report = driftOf(liveState([entryOf(d)], [[1042, liveFacts({ error: "Actito is unavailable" })]]));
    expect(report.errors).toEqual(["1042: Actito is unavailable"]);
    expect(report.items).toEqual([]);
  });
});
