import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build-plan.ts";
import { declaredOf, desired, entryOf, liveFacts, liveState, REPO } from "./plan-fixture.ts";

describe("planClaimOrder (in buildPlan)", () => {
  it("is an error to claim as sister the owner account of an integration this plan deactivates", () => {
    const lumen = entryOf(desired(1071, "lumen", { sisterAccounts: [1072] }), { managedBy: REPO });
    const p = buildPlan({
      declared: [declaredOf(desired(1042, "nordlys", { sisterAccounts: [1071] }))],
      diagnostics: [],
      live: liveState([lumen], [[1042, liveFacts()]]),
      repo: REPO,
      dir: "integrations",
      allowDeactivate: true,
    });
    const claimant = p.changes.find((c) => c.account === 1042)!;
    expect(claimant.problems.map((x) => x.code)).toContain("claim-order");
    expect(p.summary.errors).toBeGreaterThan(0);
  });

  it("is an error to claim an account whose release belongs to a change in error, and fine when it is not", () => {
    const nordlys = entryOf(desired(1042, "nordlys", { sisterAccounts: [1043, 1044] }), { managedBy: REPO });
    const boreal = entryOf(desired(1050, "boreal"), { managedBy: REPO });
    const declared = [
      declaredOf(desired(1042, "nordlys", { sisterAccounts: [1043] })),
      declaredOf(desired(1050, "boreal", { sisterAccounts: [1044] })),
    ];
    const build = (nordlysKey: "works" | "rejected") =>
      buildPlan({
        declared,
        diagnostics: [],
        live: liveState(
          [nordlys, boreal],
          [
            [1042, liveFacts({ key: nordlysKey })],
            [1050, liveFacts()],
          ],
        ),
        repo: REPO,
        dir: "integrations",
        allowDeactivate: false,
      });
    const ok = build("works");
    expect(ok.changes.flatMap((c) => c.problems.map((x) => x.code))).not.toContain("claim-order");
    const blocked = build("rejected");
    const claimant = blocked.changes.find((c) => c.account === 1050)!;
    expect(claimant.problems).toMatchObject([{ code: "claim-order", severity: "error" }]);
    expect(claimant.problems[0]!.message).toContain(
      "released by 1042's change in this plan, which cannot be applied",
    );
  });
});

describe("buildPlan and adoption", () => {
  it("plans a sync when adoption is asked for after a sync was refused", () => {
    const base = desired(1042, "nordlys");
    const adopting = { ...base, actito: { ...base.actito, adoptExistingReaids: true as const } };
    const degraded = entryOf(base, {
      sync: {
        health: "degraded",
        reason: "refused",
        lastRun: null,
        counts: { seen: 0, written: 0, skipped: 0, rejected: 0 },
      },
    });
    const build = (d: typeof base) =>
      buildPlan({
        declared: [declaredOf(d)],
        diagnostics: [],
        live: liveState([degraded], [[1042, liveFacts({ keyChanged: false })]]),
        repo: REPO,
        dir: "integrations",
        allowDeactivate: false,
      });
    expect(build(adopting).changes[0]?.action).toBe("sync");
    expect(build(base).changes[0]?.action).not.toBe("sync");
  });
});
