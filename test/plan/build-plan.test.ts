import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build-plan.ts";
import { basisChanges } from "../../src/plan/plan-basis.ts";
import { renderPlanText } from "../../src/plan/render-text.ts";
import type { LiveState } from "../../src/plan/refresh-live-state.ts";
import type { Declared } from "../../src/types/declared.ts";
import { declaredOf, desired, entryOf, examplePlan, liveFacts, liveState, REPO } from "./plan-fixture.ts";

function plan(declared: Declared[], live: LiveState, allowDeactivate = false) {
  return buildPlan({ declared, diagnostics: [], live, repo: REPO, dir: "integrations", allowDeactivate });
}

describe("buildPlan", () => {
  it("orders deactivations first and masks the key when keys rotate", () => {
    const p = examplePlan();
    expect(p.changes.map((c) => [c.account, c.action, c.blocked])).toEqual([
      [1010, "deactivate", true],
      [1042, "update", false],
      [1050, "update", false],
      [1071, "create", false],
      [1080, "no-op", false],
      [1090, "no-op", false],
    ]);
    const nordlys = p.changes[1]!;
    expect(nordlys.after?.apiKey).toBe("(sensitive, changed)");
    expect(nordlys.sisters).toEqual({ released: [1044], claimed: [] });
    expect(p.summary).toMatchObject({
      create: 1,
      update: 2,
      deactivate: 0,
      blocked: 1,
      unchanged: 2,
      unchecked: 1,
    });
  });

  it("plans a replace when the entity changes", () => {
    const now = desired(1042, "nordlys2");
    const p = plan([declaredOf(now)], liveState([entryOf(desired(1042, "nordlys"))], [[1042, liveFacts()]]));
    expect(p.changes[0]?.action).toBe("replace");
    expect(p.changes[0]?.differences.map((d) => d.field)).toContain("entity");
    // Another table: the incremental watermark says nothing about its profiles.
    expect(p.changes[0]?.syncAfter).toBe("full");
  });

  it("reports an unmanaged conflict naming both sides when a sister is held by another repository", () => {
    const other = entryOf(desired(1300, "elsewhere", { sisterAccounts: [1044] }), {
      managedBy: "other/repo",
    });
    const p = plan(
      [declaredOf(desired(1042, "nordlys", { sisterAccounts: [1044] }))],
      liveState([other], [[1042, liveFacts()]]),
    );
    const problem = p.changes[0]?.problems[0];
    expect(problem?.code).toBe("unmanaged-conflict");
    expect(problem?.message).toContain("1044");
    expect(problem?.message).toContain("other/repo");
    expect(problem?.message).toContain(REPO);
    expect(p.diagnostics.map((d) => d.code)).toEqual(["unmanaged-conflict"]);
    expect(p.summary.errors).toBe(1);
    expect(p.summary.create).toBe(0);
    expect(renderPlanText(p).match(/unmanaged-conflict/g)).toHaveLength(1);
  });

  it("errors when a sister is held by an integration whose deactivation is blocked", () => {
    const old = entryOf(desired(1010, "solstice", { sisterAccounts: [1011] }));
    const declared = [declaredOf(desired(1042, "nordlys", { sisterAccounts: [1011] }))];
    const live = liveState([old], [[1042, liveFacts()]]);
    expect(plan(declared, live).changes[1]?.problems.map((p) => p.code)).toEqual(["account-held"]);
    expect(plan(declared, live, true).changes[1]?.problems).toEqual([]);
  });

  it("plans nothing when validation found errors, so a broken file never reads as deleted", () => {
    const p = buildPlan({
      declared: [],
      diagnostics: [
        {
          file: "integrations/1010.yaml",
          line: 1,
          column: 1,
          code: "unknown-key",
          severity: "error",
          message: "m",
          path: "",
        },
      ],
      live: liveState([entryOf(desired(1010, "solstice"))], []),
      repo: REPO,
      dir: "integrations",
      allowDeactivate: true,
    });
    expect(p.changes).toEqual([]);
    expect(p.summary.errors).toBe(1);
  });

  it("warns about a REAID attribute with another definition and holds the sync back", () => {
    const d = desired(1071, "lumen");
    const p = plan(
      [declaredOf(d)],
      liveState(
        [],
        [
          [
            1071,
            liveFacts({
              attribute: {
                status: "conflict",
                definition: { name: "reaid", type: "CUSTOM", valueType: "INTEGER", unique: false },
              },
            }),
          ],
        ],
      ),
    );
    expect(p.changes[0]?.problems).toMatchObject([{ severity: "error", code: "reaid-attribute-conflict" }]);
    expect(p.changes[0]?.syncAfter).toBeNull();
    expect(p.summary.errors).toBe(1);
  });

  it("plans an update that re-adds a REAID attribute removed in Actito", () => {
    const d = desired(1042, "nordlys");
    const p = plan(
      [declaredOf(d)],
      liveState([entryOf(d)], [[1042, liveFacts({ attribute: { status: "missing", definition: null } })]]),
    );
    expect(p.changes[0]?.action).toBe("update");
    expect(p.changes[0]?.reason).toContain("REAID attribute reaid missing");
    // The re-added attribute is empty on every profile: the sync reads them all.
    expect(p.changes[0]?.syncAfter).toBe("full");
  });

  it("plans a sync alone when nothing changed but the sync never ran", () => {
    const d = desired(1042, "nordlys");
    const entry = entryOf(d, {
      sync: {
        health: "due",
        reason: null,
        lastRun: null,
        counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
      },
    });
    const change = plan([declaredOf(d)], liveState([entry], [[1042, liveFacts()]])).changes[0];
    expect(change?.action).toBe("sync");
    expect(change?.syncAfter).toBe("incremental");
  });

  it("reports a rejected key as an error for that integration, not as gone", () => {
    const d = desired(1042, "nordlys");
    const p = plan([declaredOf(d)], liveState([entryOf(d)], [[1042, liveFacts({ key: "rejected" })]]));
    expect(p.changes[0]?.problems.map((x) => x.code)).toEqual(["key-rejected"]);
    expect(p.changes[0]?.problems[0]?.message).toContain("env:ACTITO_KEY_NORDLYS");
  });
});

describe("basisChanges", () => {
  it("says what changed between a saved basis and the current one", () => {
    const saved = examplePlan().basis;
    const current = {
      ...saved,
      registryRevision: 9,
      declarations: { ...saved.declarations, "integrations/1099.yaml": "sha256:x" },
      live: { ...saved.live, "1042": "sha256:other" },
    };
    expect(basisChanges(saved, current)).toEqual([
      "the registry changed (revision 7 → 9)",
      "integrations/1099.yaml was added",
      "what Actito says about account 1042 changed",
    ]);
    expect(basisChanges(saved, saved)).toEqual([]);
  });

  it("does not call a plan stale for facts it could not check without a secret", () => {
    const saved = examplePlan().basis;
    expect(saved.live["1090"]).toBe("unknown");
    expect(basisChanges(saved, { ...saved, live: { ...saved.live, "1090": "sha256:now-known" } })).toEqual(
      [],
    );
  });
});
