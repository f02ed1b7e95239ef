import { describe, expect, it } from "vitest";
import { renderPlanJson } from "../../src/plan/render-json.ts";
import { renderPlanMarkdown } from "../../src/plan/render-markdown.ts";
import { renderPlanText } from "../../src/plan/render-text.ts";
import { examplePlan } from "./plan-fixture.ts";

describe("plan renderers", () => {
  it("renders the example plan for a terminal as the golden text", async () => {
    await expect(renderPlanText(examplePlan())).toMatchFileSnapshot("golden/plan.text.golden");
  });

  it("renders the example plan as the golden Markdown comment", async () => {
    await expect(renderPlanMarkdown(examplePlan())).toMatchFileSnapshot("golden/plan.markdown.golden");
  });

  it("renders the example plan as the golden JSON", async () => {
    await expect(renderPlanJson(examplePlan())).toMatchFileSnapshot("golden/plan.json.golden");
  });

  it("colours the terminal rendering only when asked", () => {
    expect(renderPlanText(examplePlan(), { color: true })).toContain("\u001b[");
    expect(renderPlanText(examplePlan())).not.toContain("\u001b[");
  });

  it("cuts the Markdown at maxChars with a note pointing at the JSON plan when it is too long", () => {
    const full = renderPlanMarkdown(examplePlan());
    const cut = renderPlanMarkdown(examplePlan(), { maxChars: 900 });
    expect(full.length).toBeGreaterThan(900);
    expect(cut.length).toBeLessThanOrEqual(900);
    expect(cut).toContain("truncated, see the JSON plan");
    expect(cut.startsWith("<!-- emi:plan repo=acme/integrations -->")).toBe(true);
  });

  it("uses the given marker when one is passed", () => {
    expect(renderPlanMarkdown(examplePlan(), { marker: "emi:plan pr=7" })).toMatch(
      /^<!-- emi:plan pr=7 -->\n/,
    );
  });
});
