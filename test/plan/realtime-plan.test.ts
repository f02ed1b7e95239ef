import { describe, expect, it } from "vitest";
import type { WebhookSubscriptionInfo } from "../../src/actito/types.ts";
import { classifyWebhooks, planRealtime, publicUrlFrom, realtimeLine } from "../../src/plan/realtime-plan.ts";
import { hashSecret } from "../../src/store/secret-hash.ts";

const target = "https://emi.example.com/webhooks/actito/1042";
const subscription = (over: Partial<WebhookSubscriptionInfo>): WebhookSubscriptionInfo => ({
  id: "1",
  on: "PROFILE_TABLE",
  eventType: "CREATE",
  onElementId: "16",
  onFields: [],
  targetUrl: target,
  headers: { "X-Authorization": "s3cret" },
  isActive: true,
  pushMode: "BULK",
  maxBlockSize: 500,
  ...over,
});
const want = {
  account: 1042,
  tableId: "16",
  emailAttribute: "emailAddress",
  targetUrl: target,
  secretHash: hashSecret("s3cret"),
};

describe("classifyWebhooks", () => {
  it("tells ok, inactive, different (another secret, target or filter) and missing apart", () => {
    const ok = subscription({});
    const update = subscription({ id: "2", eventType: "UPDATE", onFields: ["emailAddress"] });
    expect(classifyWebhooks([ok, update], want)).toEqual({ CREATE: "ok", UPDATE: "ok" });
    expect(classifyWebhooks([{ ...ok, isActive: false }], want)).toEqual({
      CREATE: "inactive",
      UPDATE: "missing",
    });
    expect(classifyWebhooks([{ ...ok, headers: { "X-Authorization": "old" } }], want).CREATE).toBe(
      "different",
    );
    expect(classifyWebhooks([{ ...update, onFields: ["firstName"] }], want).UPDATE).toBe("different");
    expect(
      classifyWebhooks([{ ...ok, targetUrl: "https://other.example/webhooks/actito/7" }], want).CREATE,
    ).toBe("missing");
    expect(classifyWebhooks([{ ...ok, onElementId: "3" }], want).CREATE).toBe("missing");
  });
});

describe("planRealtime", () => {
  const facts = { registered: true, CREATE: "ok" as const, UPDATE: "missing" as const };

  it("creates what is missing and rotates the secret; keeps what is in place", () => {
    const { realtime, problems } = planRealtime({
      account: 1042,
      wanted: true,
      facts,
      publicUrl: "https://emi.example.com",
      replacing: false,
    });
    expect(problems).toEqual([]);
    expect(realtime!.subscriptions.map((s) => s.action)).toEqual(["keep", "create"]);
    expect(realtime!.rotateSecret).toBe(true);
    expect(realtimeLine(realtime!)).toBe(
      `webhooks: CREATE keep, UPDATE on e-mail create (missing) → ${target} (BULK); new shared secret header`,
    );
  });

  it("rewrites both on replace, and refuses without EMI_PUBLIC_URL", () => {
    const replaced = planRealtime({
      account: 1042,
      wanted: true,
      facts: { ...facts, UPDATE: "ok" },
      publicUrl: "https://emi.example.com",
      replacing: true,
    });
    expect(replaced.realtime!.subscriptions.map((s) => s.action)).toEqual(["change", "change"]);
    const noUrl = planRealtime({
      account: 1042,
      wanted: true,
      facts: undefined,
      publicUrl: null,
      replacing: false,
    });
    expect(noUrl.problems.map((p) => p.code)).toEqual(["realtime-needs-public-url"]);
    expect(noUrl.realtime!.subscriptions.map((s) => s.action)).toEqual(["ensure", "ensure"]);
  });

  it("deactivates when realtime is turned off, and says nothing when it was never on", () => {
    const off = planRealtime({ account: 1042, wanted: false, facts, publicUrl: null, replacing: false });
    expect(off.realtime!.subscriptions.map((s) => s.action)).toEqual(["deactivate", "keep"]);
    expect(
      planRealtime({ account: 1042, wanted: false, facts: undefined, publicUrl: null, replacing: false })
        .realtime,
    ).toBeNull();
  });

  it("accepts only http(s) public URLs, without a trailing slash", () => {
    expect(publicUrlFrom({ EMI_PUBLIC_URL: "https://emi.example.com/" })).toBe("https://emi.example.com");
    expect(publicUrlFrom({ EMI_PUBLIC_URL: "ftp://x" })).toBeNull();
    expect(publicUrlFrom({})).toBeNull();
  });
});
