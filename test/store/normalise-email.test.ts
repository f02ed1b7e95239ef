import { describe, expect, it } from "vitest";
import { legacyEmailKey, normaliseEmail } from "../../src/store/normalise-email.ts";

describe("normaliseEmail", () => {
  it("trims and lower-cases when the address has spaces and capitals", () => {
    expect(normaliseEmail("  Ann.Lee+News@Example.COM\t\n")).toBe("ann.lee+news@example.com");
  });

  it("keeps dots and +tags, which make different addresses", () => {
    expect(normaliseEmail("a.b+x@example.com")).not.toBe(normaliseEmail("ab@example.com"));
  });

  it("lower-cases only ASCII A-Z when the address has non-ASCII capitals", () => {
    expect(normaliseEmail("ÉLODIE@Exemple.FR")).toBe("Élodie@exemple.fr");
  });

  it("keeps the Kelvin sign apart from k when two addresses differ only by it", () => {
    expect(normaliseEmail("\u212Aate@x.example")).not.toBe(normaliseEmail("kate@x.example"));
    expect(normaliseEmail("KATE@X.example")).toBe("kate@x.example");
  });

  it("gives the key older stores used for non-ASCII capitals when asked for the legacy key", () => {
    expect(legacyEmailKey(" ÉLODIE@x.example ")).toBe("élodie@x.example");
    expect(legacyEmailKey("\u212Aate@x.example")).toBe("kate@x.example");
  });
});
