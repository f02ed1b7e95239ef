import { describe, expect, it } from "vitest";
import { normaliseEmail } from "../../src/store/normalise-email.ts";
import { classifyExistingValues } from "../../src/sync/classify-existing-values.ts";

// Stands for the store's keyed hash: holders are known by hash only.
const hashOf = (email: string, asStored?: boolean) => `h:${asStored ? email : normaliseEmail(email)}`;

const view = (overrides: Partial<Parameters<typeof classifyExistingValues>[1]> = {}) => ({
  namespace: "1042",
  holders: new Map(),
  emailReaids: new Map<string, string>(),
  adopt: false,
  addressHash: hashOf,
  ...overrides,
});

describe("classifyExistingValues", () => {
  it("calls a value foreign and blocks its e-mail when the store does not know it and adoption is off", () => {
    const r = classifyExistingValues([{ profileId: 7, email: "A@x.example", value: "LOY-1" }], view());
    expect(r.verdicts.get(7)).toEqual({ kind: "foreign" });
    expect([...r.blockedEmails]).toEqual(["a@x.example"]);
    expect(r.adoptions).toEqual([]);
  });

  it("tells emi's own value from emi's value of another e-mail when both are in the namespace", () => {
    const holders = new Map([
      ["R1", { namespace: "1042", emailHash: "h:a@x.example" }],
      ["R2", { namespace: "1042", emailHash: "h:b@x.example" }],
    ]);
    const r = classifyExistingValues(
      [
        { profileId: 1, email: "A@x.example", value: "R1" },
        { profileId: 2, email: "a2@x.example", value: "R2" },
      ],
      view({ holders }),
    );
    expect(r.verdicts.get(1)).toEqual({ kind: "ours" });
    expect(r.verdicts.get(2)).toEqual({ kind: "mismatched" });
    expect(r.blockedEmails.size).toBe(0);
  });

  it("adopts unambiguous values and leaves shared, doubled, unsafe and taken ones for a person", () => {
    const r = classifyExistingValues(
      [
        { profileId: 1, email: "ann@x.example", value: "raptor-ann" },
        { profileId: 2, email: "bob@x.example", value: "shared" },
        { profileId: 3, email: "cy@x.example", value: "shared" },
        { profileId: 4, email: "dee@x.example", value: "d1" },
        { profileId: 5, email: "DEE@x.example", value: "d2" },
        { profileId: 6, email: "eve@x.example", value: "has space" },
        { profileId: 7, email: "fay@x.example", value: "other-ns" },
        { profileId: 8, email: "gus@x.example", value: "g1" },
        { profileId: 9, email: null, value: "no-mail" },
      ],
      view({
        adopt: true,
        holders: new Map([["other-ns", { namespace: "9999", emailHash: "h:zed@x.example" }]]),
        emailReaids: new Map([["gus@x.example", "g0"]]),
      }),
    );
    const kinds = Object.fromEntries(
      [...r.verdicts].map(([id, v]) => [id, v.kind === "left" ? v.reason : v.kind]),
    );
    expect(kinds).toEqual({
      1: "adopt",
      2: "shared-value",
      3: "shared-value",
      4: "two-values",
      5: "two-values",
      6: "not-url-safe",
      7: "held-elsewhere",
      8: "email-has-reaid",
      9: "no-email",
    });
    expect(r.adoptions).toEqual([{ profileId: 1, email: "ann@x.example", reaid: "raptor-ann" }]);
    expect(r.blockedEmails.has("ann@x.example")).toBe(false);
    expect(r.blockedEmails.has("dee@x.example")).toBe(true);
  });

  it("keeps a value stored under the older lower-casing as a re-key when the address has non-ASCII capitals", () => {
    const holders = new Map([["R", { namespace: "1042", emailHash: "h:élodie@x.example" }]]);
    const r = classifyExistingValues(
      [{ profileId: 1, email: "ÉLODIE@x.example", value: "R" }],
      view({ holders }),
    );
    expect(r.verdicts.get(1)).toEqual({
      kind: "legacy-key",
      from: "élodie@x.example",
      to: "Élodie@x.example",
    });
  });
});
