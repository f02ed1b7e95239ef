import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { planChangeDifferences } from "../../src/plan/compare-plan-changes.ts";
import { planDigestMatches, signPlan } from "../../src/plan/plan-digest.ts";
import { examplePlan } from "./plan-fixture.ts";

const signer = (secret: string) => ({
  fingerprintKey: (text: string) => `hmac-sha256:${createHmac("sha256", secret).update(text).digest("hex")}`,
});

describe("plan digest", () => {
  it("matches the unedited plan after a JSON round trip, and nothing edited or signed elsewhere", async () => {
    const signed = await signPlan(examplePlan(), signer("store-secret"));
    const copy = JSON.parse(JSON.stringify(signed));
    expect(await planDigestMatches(copy, signer("store-secret"))).toBe(true);
    expect(await planDigestMatches(copy, signer("another-store"))).toBe(false);
    const edited = JSON.parse(JSON.stringify(signed));
    edited.changes[1].after.sisterAccounts.push(9999);
    expect(await planDigestMatches(edited, signer("store-secret"))).toBe(false);
    const unsigned = { ...copy, digest: undefined };
    expect(await planDigestMatches(unsigned, signer("store-secret"))).toBe(false);
  });
});

describe("planChangeDifferences", () => {
  it("is empty for the same plan whatever its live counts, and names a change that differs", () => {
    const saved = examplePlan();
    const now = examplePlan();
    for (const c of now.changes) {
      if (c.live?.profilesWithoutReaid) c.live.profilesWithoutReaid.count += 1000;
    }
    expect(planChangeDifferences(saved, now)).toEqual([]);
    now.changes[1]!.sisters.claimed.push(1099);
    expect(planChangeDifferences(saved, now)).toEqual([
      "1042: the update apply would make now differs from the saved plan",
    ]);
  });

  it("refuses to deactivate what the saved plan showed blocked, and lets apply block what it allowed", () => {
    const blocked = examplePlan(false);
    const allowed = examplePlan(true);
    expect(planChangeDifferences(blocked, allowed)).toContain("1010: the saved plan shows it blocked");
    expect(planChangeDifferences(allowed, blocked)).toEqual([]);
  });
});
