import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { renderDiagnosticsText } from "../../src/cli/render-diagnostics-text.ts";
import { buildPlan } from "../../src/plan/build-plan.ts";
import { renderDriftText } from "../../src/plan/render-drift-text.ts";
import { renderPlanMarkdown } from "../../src/plan/render-markdown.ts";
import { renderPlanText } from "../../src/plan/render-text.ts";
import { terminalSafe } from "../../src/plan/terminal-safe.ts";
import { captureIO } from "../cli/capture-io.ts";
import { declaredOf, desired, liveFacts, liveState, REPO } from "./plan-fixture.ts";

const hostileEntity =
  "x\n::error file=x.yaml,line=1::INJECTED\u001b[31m\rred\n```\n# Injected heading\n<img src=x>|";

/** A plan that creates one integration whose names came from somewhere the schema did not check. */
function hostilePlan(sisters: number[] = [1072]) {
  const integration = desired(1071, "lumen", { sisterAccounts: sisters });
  integration.actito.entity = hostileEntity;
  integration.actito.profileTable = "t`````able";
  return buildPlan({
    declared: [declaredOf(integration)],
    diagnostics: [],
    live: liveState([], [[1071, liveFacts({ attribute: { status: "missing", definition: null } })]]),
    repo: REPO,
    dir: "integrations",
    allowDeactivate: false,
    now: new Date("2026-11-27T08:00:00.000Z"),
  });
}

function linesStartingWithColons(text: string): string[] {
  return text.split("\n").filter((line) => line.trimStart().startsWith("::"));
}

describe("output safety", () => {
  it("escapes control characters and never starts a line with :: in the terminal plan", () => {
    for (const color of [false, true]) {
      const text = renderPlanText(hostilePlan(), { color });
      expect(linesStartingWithColons(text)).toEqual([]);
      expect(text).not.toContain("\r");
      expect(text).toContain("\\r");
      // Without colours no escape sequence at all gets through; with them only colour codes do.
      if (!color) expect(text).not.toContain("\u001b");
      expect(text.replace(/\u001b\[[0-9;]*m/g, "")).not.toContain("\u001b");
    }
  });

  it("keeps emi's own colours while escaping everything else", () => {
    const safe = terminalSafe("\u001b[32mok\u001b[39m \u001b]0;title\u0007 ::x\n  ::warning::y", {
      keepColour: true,
    });
    expect(safe).toBe("\u001b[32mok\u001b[39m \\e]0;title\\x07 ::x\n  \\::warning::y");
  });

  it("escapes diagnostics and drift text the same way", () => {
    const diagnostics = renderDiagnosticsText({
      files: 1,
      diagnostics: [
        {
          file: "a.yaml",
          path: "",
          line: 1,
          column: 1,
          code: "unknown-key",
          message: hostileEntity,
          severity: "error",
        },
      ],
    });
    expect(linesStartingWithColons(diagnostics)).toEqual([]);
    expect(diagnostics).not.toMatch(/[\u001b\r]/);
    const drift = renderDriftText({
      repo: REPO,
      items: [{ account: 1, kind: "registry-only", message: hostileEntity }],
      errors: [hostileEntity],
      checked: 1,
      unchecked: 0,
    } as unknown as Parameters<typeof renderDriftText>[0]);
    expect(linesStartingWithColons(drift)).toEqual([]);
    expect(drift).not.toMatch(/[\u001b\r]/);
  });

  it("keeps the PR comment's structure: escaped cells, a fence longer than any backtick run", () => {
    const md = renderPlanMarkdown(hostilePlan());
    expect(md).not.toMatch(/^# Injected heading/m);
    expect(md).not.toMatch(/^<img/m);
    expect(md).toContain("&lt;img src=x&gt;\\|");
    expect(linesStartingWithColons(md)).toEqual([]);
    // The table row stays one row with four cells.
    const row = md.split("\n").find((l) => l.startsWith("| ➕ | 1071"));
    expect(row).toBeDefined();
    expect(row!.replaceAll("\\|", "").split("|").length).toBe(6);
    // The diff fence is longer than the five backticks in the table name, and is closed once.
    const fence = md.split("\n").find((l) => l.startsWith("``````diff"));
    expect(fence).toBe("``````diff");
    expect(md.split("\n").filter((l) => l === "``````")).toHaveLength(1);
  });

  it("keeps the PR comment's summary when one change has 1,000 sisters, with the list abbreviated", () => {
    const sisters = Array.from({ length: 1000 }, (_, i) => 100_000 + i);
    const md = renderPlanMarkdown(hostilePlan(sisters), { maxChars: 4000 });
    expect(md).toContain("| ➕ | 1071 |");
    expect(md).toContain("… and 990 more");
    expect(md.length).toBeLessThanOrEqual(4000);
  });

  it("refuses entity and table names with characters Actito does not use, in emi validate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emi-hostile-"));
    mkdirSync(join(dir, "integrations"));
    writeFileSync(
      join(dir, "integrations", "1042.yaml"),
      [
        "account: 1042",
        "provider: actito",
        "actito:",
        "  endpoint: api3",
        '  entity: "acme\\n::error file=x.yaml,line=1::INJECTED"',
        "  email: crm@acme.example",
        "  apiKey: { secretRef: env:ACTITO_KEY_ACME }",
        '  profileTable: "cu```stomers\\u001b[31m"',
        "",
      ].join("\n"),
    );
    const io = captureIO(dir);
    expect(await main(["node", "emi", "validate"], io)).toBe(1);
    expect(io.out()).toMatch(/1042\.yaml:5:\d+ +error +invalid-value +entity may hold only letters/);
    expect(io.out()).toMatch(/1042\.yaml:8:\d+ +error +invalid-value +profileTable may hold only letters/);
    expect(linesStartingWithColons(io.out())).toEqual([]);
    expect(io.out()).not.toContain("\u001b");
  });

  it("escapes a hostile --dir and option name in error messages (commander and emi's own)", async () => {
    const io = captureIO(tmpdir());
    await main(["node", "emi", "validate", "--dir", "x\n::error::INJECTED\u001b[31m"], io);
    await main(["node", "emi", "validate", "--x\n::error::INJ"], io);
    expect(linesStartingWithColons(io.err())).toEqual([]);
    expect(io.err()).not.toContain("\u001b");
  });
});
