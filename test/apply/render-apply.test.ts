import { describe, expect, it } from "vitest";
import type { ApplyResult } from "../../src/apply/apply-types.ts";
import { applySucceeded } from "../../src/apply/apply-types.ts";
import { renderApplyMarkdown } from "../../src/apply/render-apply-markdown.ts";
import {
  formatOutcomeLine,
  formatRecoveredLine,
  renderApplySummary,
} from "../../src/apply/render-apply-text.ts";

const result: ApplyResult = {
  applyId: "a1",
  recovered: [
    {
      account: 1071,
      step: "add-attribute",
      applyId: "a0",
      outcome: "succeeded",
      note: "attribute reaid is in Actito",
    },
  ],
  outcomes: [
    {
      account: 1071,
      action: "create",
      target: "lumen/customers",
      outcome: "applied",
      message: "activated (attribute reaid added)",
      warnings: [],
    },
    {
      account: 1042,
      action: "update",
      target: "nordlys/customers",
      outcome: "failed",
      message: "Actito is unavailable | down",
      warnings: [],
    },
    {
      account: 1010,
      action: "deactivate",
      target: "solstice/customers",
      outcome: "blocked",
      message: "deactivation blocked",
      warnings: [],
    },
  ],
  syncs: [
    {
      account: 1071,
      outcome: { kind: "synced", health: "in sync" },
      health: "in sync",
      reason: null,
      counts: { seen: 10, written: 10, skipped: 0, rejected: 0, duplicates: 0 },
      failed: false,
    },
  ],
  syncError: null,
  durationMs: 1234,
};

describe("apply renderers", () => {
  it("prints one line per recovered step and outcome, and the summary, when rendering text", () => {
    expect(
      [
        ...result.recovered.map(formatRecoveredLine),
        ...result.outcomes.map(formatOutcomeLine),
        renderApplySummary(result),
      ].join("\n"),
    ).toBe(
      [
        "recovered: 1071 add-attribute left pending by an interrupted apply: succeeded (attribute reaid is in Actito)",
        "1071 lumen/customers     activated (attribute reaid added)",
        "1042 nordlys/customers   FAILED: Actito is unavailable | down",
        "1010 solstice/customers  deactivation blocked",
        "Applied: 1 created, 0 updated, 1 blocked, 1 FAILED. 1 sync ran, 0 failed. 1.2 s.",
      ].join("\n"),
    );
    expect(applySucceeded(result)).toBe(false);
  });

  it("renders a table with escaped cells under a marker when rendering Markdown", () => {
    const md = renderApplyMarkdown(result, { marker: "emi:apply sha=abc" });
    expect(md.startsWith("<!-- emi:apply sha=abc -->\n### emi apply — Applied: 1 created")).toBe(true);
    expect(md).toContain("| ❌ | 1042 | nordlys/customers | Actito is unavailable \\| down |");
    expect(md).toContain("- 1071: in sync, 10 written, 0 rejected");
    expect(renderApplyMarkdown(result, { maxChars: 200 }).length).toBeLessThanOrEqual(200);
  });
});
